"""Random augmentation of episodes with mmcv / mmseg transforms."""
import numpy as np
import pytest

from diffseg.registry import TRANSFORMS
from diffseg.utils import register_all_modules

register_all_modules(init_default_scope=False)


def episode(h=40, w=60, k=2):
    """Images whose red channel is the column index, so a flip shows."""
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = np.arange(w)[None]
    gt = np.zeros((h, w), np.uint8)
    gt[:, :w // 3] = 1  # the left third
    return dict(img=img, gt_seg_map=gt, gt_objects=gt.copy(),
                prompt_imgs=[img.copy() for _ in range(k)],
                prompt_masks=[gt.copy() for _ in range(k)])


def build(transforms, **kwargs):
    return TRANSFORMS.build(dict(type='EpisodeAugmentation',
                                 transforms=transforms, **kwargs))


def test_flip_moves_image_and_mask_together_independently_per_prompt():
    flip = build([dict(type='RandomFlip', prob=0.5)])
    flipped = {'query': set(), 'prompt': set()}
    for _ in range(30):
        out = flip(episode())
        pairs = [('query', out['img'], out['gt_seg_map'])] + [
            ('prompt', i, m)
            for i, m in zip(out['prompt_imgs'], out['prompt_masks'])]
        for role, img, mask in pairs:
            is_flipped = img[0, 0, 0] == 59
            flipped[role].add(bool(is_flipped))
            # the mask stays on the same columns of the image
            left = img[..., 0] < 20
            np.testing.assert_array_equal(mask == 1, left)
        assert 'gt_objects' not in out
    assert flipped == {'query': {True, False}, 'prompt': {True, False}}


def test_full_reference_pipeline_gives_fixed_size_episodes():
    aug = build([
        dict(type='RandomResize', scale=(128, 64), ratio_range=(0.9, 1.1),
             keep_ratio=True),
        dict(type='mmseg.RandomCrop', crop_size=(64, 64), cat_max_ratio=0.75),
        dict(type='RandomFlip', prob=0.5),
        dict(type='mmseg.PhotoMetricDistortion'),
        dict(type='Pad', size=(64, 64), pad_val=dict(img=(128, 128, 128),
                                                     seg=255)),
    ])
    for _ in range(5):
        out = aug(episode(k=3))
        if out is None:  # a prompt cropped to empty: rejected, redrawn
            continue
        assert out['img'].shape == (64, 64, 3)
        assert out['img_shape'] == (64, 64)
        assert out['gt_seg_map'].shape == (64, 64)
        assert set(np.unique(out['gt_seg_map'])) <= {0, 1, 255}
        assert all(p.shape == (64, 64, 3) for p in out['prompt_imgs'])
        assert all((m == 1).any() for m in out['prompt_masks'])


def test_prompt_cropped_to_empty_rejects_the_episode():
    np.random.seed(0)  # mmcv / mmseg draw from numpy's global generator
    # 10-column crops of 60 columns see a 2-column prompt mask rarely
    aug = build([dict(type='RandomFlip', prob=0.0)],
                prompt_transforms=[dict(type='mmseg.RandomCrop',
                                        crop_size=(40, 10))])
    results = []
    for _ in range(20):
        ep = episode()
        for m in ep['prompt_masks']:
            m[:] = 0
            m[:, :2] = 1
        results.append(aug(ep))
    assert sum(r is None for r in results) >= 15
    for r in results:
        if r is not None:
            assert all((m == 1).any() for m in r['prompt_masks'])
            assert r['img'].shape == (40, 60, 3)  # the query is not cropped


def test_needs_transforms():
    with pytest.raises(ValueError, match='non-empty'):
        build([])
