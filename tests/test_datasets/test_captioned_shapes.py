import numpy as np
import pytest

from diffseg.datasets import CaptionedShapesDataset
from diffseg.datasets.captioned_shapes import BACKGROUND, compose_caption
from diffseg.datasets.shapes_rendering import ALL_CLASSES


def named_classes(caption: str) -> list:
    return caption.split(' and ')


def test_caption_names_exactly_the_visible_classes():
    ds = CaptionedShapesDataset(num_images=40)
    for i in range(len(ds)):
        item = ds.generate_image(i)
        present = {ALL_CLASSES[c - 1][0]
                   for c in np.unique(item['gt_seg_map']) if c > 0}
        names = named_classes(item['caption'])
        assert len(names) == len(set(names))  # each class once
        assert set(names) == present | {BACKGROUND}


def test_images_and_captions_repeat_from_the_seed():
    a = CaptionedShapesDataset(num_images=5).generate_image(3)
    b = CaptionedShapesDataset(num_images=5).generate_image(3)
    assert a['caption'] == b['caption']
    np.testing.assert_array_equal(a['img'], b['img'])
    np.testing.assert_array_equal(a['gt_seg_map'], b['gt_seg_map'])
    val = CaptionedShapesDataset(split='val', num_images=5).generate_image(3)
    assert not np.array_equal(a['img'], val['img'])


def test_every_class_appears_and_object_counts_hold():
    ds = CaptionedShapesDataset(num_images=200, num_objects=(1, 2))
    seen = set()
    for i in range(len(ds)):
        labels = ds.generate_image(i)['gt_seg_map']
        classes = set(np.unique(labels)) - {0}
        assert 1 <= len(classes) <= 2
        seen |= classes
    assert seen == set(range(1, len(ALL_CLASSES) + 1))


def test_caption_without_background_word():
    item = CaptionedShapesDataset(num_images=3,
                                  background_word=False).generate_image(0)
    assert BACKGROUND not in named_classes(item['caption'])


def test_compose_caption_order_follows_the_rng():
    names = ['red circle', 'blue cross']
    rng = np.random.default_rng(0)
    order = np.random.default_rng(0).permutation(3)
    expected = ' and '.join([*names, BACKGROUND][i] for i in order)
    assert compose_caption(names, rng) == expected


def test_pipeline_packs_image_label_map_and_caption():
    ds = CaptionedShapesDataset(
        num_images=2,
        pipeline=[dict(type='mmseg.PackSegInputs',
                       meta_keys=('img_path', 'caption'))])
    out = ds[1]
    raw = ds.generate_image(1)
    assert out['inputs'].shape == (3, 64, 64)
    # BGR, as mmcv's loaders give
    np.testing.assert_array_equal(out['inputs'].permute(1, 2, 0).numpy(),
                                  raw['img'])
    np.testing.assert_array_equal(out['data_samples'].gt_sem_seg.data[0],
                                  raw['gt_seg_map'])
    assert out['data_samples'].metainfo['caption'] == raw['caption']
    assert ds.metainfo['classes'][0] == BACKGROUND


@pytest.mark.parametrize('kwargs, message', [
    (dict(split='test'), 'split'),
    (dict(num_objects=(0, 2)), 'num_objects'),
    (dict(num_objects=(3, 2)), 'num_objects'),
    (dict(img_size=16), 'img_size'),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CaptionedShapesDataset(**kwargs)
