import numpy as np
import pytest

from diffseg.datasets.shapes_incontext import (BASE_CLASSES, NOVEL_CLASSES,
                                               ShapesInContextDataset)
from diffseg.datasets.transforms.formatting import PackInContextInputs
from diffseg.registry import DATASETS

N = 12


def dataset(**kwargs):
    kwargs.setdefault('num_episodes', N)
    kwargs.setdefault('img_size', 32)
    return ShapesInContextDataset(**kwargs)


def _assert_episodes_equal(a, b):
    np.testing.assert_array_equal(a['img'], b['img'])
    np.testing.assert_array_equal(a['gt_seg_map'], b['gt_seg_map'])
    np.testing.assert_array_equal(a['gt_objects'], b['gt_objects'])
    assert a['cls_id'] == b['cls_id']
    assert len(a['prompt_imgs']) == len(b['prompt_imgs'])
    for x, y in zip(a['prompt_imgs'] + a['prompt_masks'],
                    b['prompt_imgs'] + b['prompt_masks']):
        np.testing.assert_array_equal(x, y)


def test_build_from_registry():
    ds = DATASETS.build(dict(type='ShapesInContextDataset', num_episodes=3,
                             img_size=32))
    assert isinstance(ds, ShapesInContextDataset) and len(ds) == 3


def test_deterministic_across_instances():
    a, b = dataset(), dataset()
    for idx in (0, 5, N - 1):
        _assert_episodes_equal(a.generate_episode(idx), b.generate_episode(idx))
        _assert_episodes_equal(a.generate_episode(idx), a.generate_episode(idx))
    # and episodes differ from each other
    assert not np.array_equal(a.generate_episode(0)['img'],
                              a.generate_episode(1)['img'])


def test_train_and_val_differ():
    train, val = dataset(split='train'), dataset(split='val')
    for idx in range(3):
        assert not np.array_equal(train.generate_episode(idx)['img'],
                                  val.generate_episode(idx)['img'])
    # seed_offset gives an independent draw of the same split
    other = dataset(split='train', seed_offset=10)
    assert not np.array_equal(train.generate_episode(0)['img'],
                              other.generate_episode(0)['img'])


def _labels(ds, idx):
    """The query's label map (0 = background, c + 1 = class c), re-rendered
    with the episode's query rng."""
    rng = np.random.default_rng([ds.seed, idx, 0])
    _, labels = ds.render_image(rng, min_classes=2)
    return labels


@pytest.mark.parametrize('split', ['train', 'val', 'novel'])
def test_episode_content(split):
    ds = dataset(split=split)
    for idx in range(N):
        ep = ds.generate_episode(idx)
        img, gt, objs = ep['img'], ep['gt_seg_map'], ep['gt_objects']
        assert img.shape == (32, 32, 3) and img.dtype == np.uint8
        assert gt.shape == objs.shape == (32, 32)
        labels = _labels(ds, idx)
        np.testing.assert_array_equal(
            ds.render_image(np.random.default_rng([ds.seed, idx, 0]),
                            min_classes=2)[0], img)
        present = set(np.unique(labels).tolist()) - {0}
        assert len(present) >= 2, (split, idx, present)
        assert {c - 1 for c in present} <= set(ds.class_ids)
        # target mask = label == class, non-empty, a subset of the objects
        cls_id = ep['cls_id']
        assert cls_id in ds.class_ids
        np.testing.assert_array_equal(gt, (labels == cls_id + 1))
        np.testing.assert_array_equal(objs, labels > 0)
        assert gt.sum() > 0 and set(np.unique(gt)) <= {0, 1}
        assert np.all(objs[gt == 1] == 1)
        assert objs.sum() > gt.sum()  # at least one other class is visible
        # the prompt shows the target class
        assert ep['prompt_cls_ids'] == [cls_id]
        (p_img, ), (p_mask, ) = ep['prompt_imgs'], ep['prompt_masks']
        assert p_img.shape == (32, 32, 3) and p_mask.shape == (32, 32)
        assert p_mask.sum() > 0 and set(np.unique(p_mask)) <= {0, 1}
        assert not np.array_equal(p_img, img)


def test_swap_mode():
    same, swap = dataset(prompt_mode='same'), dataset(prompt_mode='swap')
    for idx in range(N):
        a, b = same.generate_episode(idx), swap.generate_episode(idx)
        np.testing.assert_array_equal(a['img'], b['img'])
        np.testing.assert_array_equal(a['gt_seg_map'], b['gt_seg_map'])
        assert a['cls_id'] == b['cls_id']
        prompt_cls = b['prompt_cls_ids'][0]
        assert prompt_cls != b['cls_id']
        # the prompt class is present in the query too
        assert (_labels(swap, idx) == prompt_cls + 1).any()
        assert b['prompt_masks'][0].sum() > 0


def test_novel_split_uses_novel_classes_only():
    ds = dataset(split='novel')
    novel = set(range(len(BASE_CLASSES), len(BASE_CLASSES) + len(NOVEL_CLASSES)))
    assert set(ds.class_ids) == novel
    seen = set()
    for idx in range(N):
        ep = ds.generate_episode(idx)
        labels = _labels(ds, idx)
        classes = {c - 1 for c in np.unique(labels).tolist() if c > 0}
        assert len(classes) >= 2
        assert classes <= novel
        assert ep['cls_id'] in novel
        seen.add(ep['cls_id'])
    assert len(seen) >= 2
    assert not novel & set(dataset(split='train').class_ids)


@pytest.mark.parametrize('kwargs', [
    dict(split='test'), dict(prompt_mode='other'), dict(num_prompts=0),
    dict(img_size=16)
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        dataset(**kwargs)


def test_three_prompts():
    ds = dataset(num_prompts=3)
    ep = ds.generate_episode(2)
    assert len(ep['prompt_imgs']) == len(ep['prompt_masks']) == 3
    assert ep['prompt_cls_ids'] == [ep['cls_id']] * 3
    for m in ep['prompt_masks']:
        assert m.sum() > 0
    assert not np.array_equal(ep['prompt_imgs'][0], ep['prompt_imgs'][1])
    # the first prompt is the same as in the 1-prompt episode
    one = dataset(num_prompts=1).generate_episode(2)
    np.testing.assert_array_equal(one['prompt_imgs'][0], ep['prompt_imgs'][0])


# PackInContextInputs -------------------------------------------------------


def test_pack_through_dataset_pipeline():
    ds = dataset(num_prompts=2,
                 pipeline=[dict(type='PackInContextInputs')])
    out = ds[3]
    ep = ds.generate_episode(3)
    sample = out['data_samples']
    assert out['inputs'].shape == (3, 32, 32)
    np.testing.assert_array_equal(out['inputs'].numpy(),
                                  ep['img'].transpose(2, 0, 1))
    assert sample.prompt_imgs.shape == (2, 3, 32, 32)
    assert sample.prompt_masks.shape == (2, 32, 32)
    np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(),
                                  ep['gt_seg_map'])
    np.testing.assert_array_equal(sample.gt_objects.data[0].numpy(),
                                  ep['gt_objects'])
    assert sample.metainfo['cls_id'] == ep['cls_id']
    assert sample.metainfo['ori_shape'] == (32, 32)


def _episode(size=16, psize=12):
    rng = np.random.default_rng(0)
    mask = np.zeros((psize, psize), np.uint8)
    mask[2:5, 3:7] = 1
    gt = np.zeros((size, size), np.uint8)
    gt[1:4, 1:4] = 1
    return dict(img=rng.integers(0, 255, (size, size, 3), dtype=np.uint8),
                prompt_imgs=[rng.integers(0, 255, (psize, psize, 3),
                                          dtype=np.uint8)],
                prompt_masks=[mask], gt_seg_map=gt)


def test_pack_valid_episode():
    out = PackInContextInputs().transform(_episode())
    assert out['data_samples'].prompt_masks.sum() == 12


def test_pack_prompt_mask_size_mismatch():
    ep = _episode()
    ep['prompt_masks'] = [np.ones((10, 12), np.uint8)]
    with pytest.raises(ValueError, match='prompt mask 0 has shape'):
        PackInContextInputs().transform(ep)


def test_pack_empty_prompt_mask():
    ep = _episode()
    ep['prompt_masks'] = [np.zeros((12, 12), np.uint8)]
    with pytest.raises(ValueError, match='empty'):
        PackInContextInputs().transform(ep)
    ep['prompt_masks'] = [np.full((12, 12), 255, np.uint8)]  # only ignore
    with pytest.raises(ValueError, match='empty'):
        PackInContextInputs().transform(ep)


@pytest.mark.parametrize('where', ['img', 'prompt_imgs'])
@pytest.mark.parametrize('channels', [None, 4])
def test_pack_non_rgb_images(where, channels):
    ep = _episode()
    src = ep['img'] if where == 'img' else ep['prompt_imgs'][0]
    bad = src[..., 0] if channels is None else np.concatenate(
        [src, src[..., :1]], axis=2)
    if where == 'img':
        ep['img'] = bad
        name = 'query image'
    else:
        ep['prompt_imgs'] = [bad]
        name = 'prompt image 0'
    with pytest.raises(ValueError, match=name + '.*RGB'):
        PackInContextInputs().transform(ep)


def test_pack_gt_wrong_size():
    ep = _episode()
    ep['gt_seg_map'] = np.zeros((15, 16), np.uint8)
    with pytest.raises(ValueError, match='gt_seg_map has shape'):
        PackInContextInputs().transform(ep)


def test_pack_prompt_count_mismatch():
    ep = _episode()
    ep['prompt_masks'] = []
    with pytest.raises(ValueError, match='K >= 1'):
        PackInContextInputs().transform(ep)


def _mean_hue(img, mask):
    import cv2
    hsv = cv2.cvtColor(img[None][:, mask.astype(bool)], cv2.COLOR_RGB2HSV)
    angles = hsv[0, :, 0].astype(np.float64) * 2 * np.pi / 180
    return np.degrees(np.arctan2(np.sin(angles).mean(),
                                 np.cos(angles).mean())) % 360


def _hue_gap(a, b):
    return min(abs(a - b), 360 - abs(a - b))


def test_draw_appearances_permutes_shapes_and_spreads_hues():
    from diffseg.datasets.shapes_rendering import (ALL_CLASSES,
                                                   draw_appearances)
    ids = list(range(len(BASE_CLASSES)))
    for seed in range(20):
        table = draw_appearances(np.random.default_rng(seed), ids)
        assert sorted(table[c][2] for c in ids) == sorted(
            ALL_CLASSES[c][2] for c in ids)
        hues = [table[c][1] for c in ids]
        gaps = [_hue_gap(a, b) for i, a in enumerate(hues)
                for b in hues[i + 1:]]
        assert min(gaps) >= 0.7 * 360 / len(ids) - 1e-9
        assert table[len(ids):] == list(ALL_CLASSES[len(ids):])


def test_per_episode_appearance_is_shared_by_query_and_prompts():
    ds = ShapesInContextDataset(num_episodes=30, num_prompts=2,
                                appearance='per_episode')
    target_hues = []
    for i in range(len(ds)):
        ep = ds.generate_episode(i)
        query_hue = _mean_hue(ep['img'], ep['gt_seg_map'])
        for img, mask in zip(ep['prompt_imgs'], ep['prompt_masks']):
            # object colours jitter by 6 degrees around the class hue
            assert _hue_gap(_mean_hue(img, mask), query_hue) < 15
        target_hues.append((ep['cls_id'], query_hue))
    # the same class looks different in different episodes
    for cls in {c for c, _ in target_hues}:
        hues = [h for c, h in target_hues if c == cls]
        if len(hues) > 1:
            assert max(_hue_gap(hues[0], h) for h in hues[1:]) > 20
    with pytest.raises(ValueError, match='appearance'):
        ShapesInContextDataset(appearance='random')
