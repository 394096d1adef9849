import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from diffseg.models.data_preprocessors import InContextDataPreProcessor
from diffseg.registry import MODELS
from diffseg.structures import InContextDataSample


def make_episode(h, w, k=1, ph=12, pw=12, seed=0, with_gt=True):
    g = torch.Generator().manual_seed(seed)
    img = torch.randint(0, 256, (3, h, w), generator=g, dtype=torch.uint8)
    sample = InContextDataSample()
    sample.prompt_imgs = torch.randint(0, 256, (k, 3, ph, pw), generator=g,
                                       dtype=torch.uint8)
    masks = torch.randint(0, 2, (k, ph, pw), generator=g).to(torch.uint8)
    masks[:, 0, 0] = 255  # an ignore pixel
    sample.prompt_masks = masks
    if with_gt:
        gt = torch.randint(0, 2, (1, h, w), generator=g)
        sample.gt_sem_seg = PixelData(data=gt)
    sample.set_metainfo(dict(ori_shape=(h, w), img_shape=(h, w)))
    return img, sample


def batch(*episodes):
    return dict(inputs=[e[0] for e in episodes],
                data_samples=[e[1] for e in episodes])


def test_build():
    pre = MODELS.build(dict(type='InContextDataPreProcessor', size_divisor=8))
    assert isinstance(pre, InContextDataPreProcessor)


def test_normalise_and_pad():
    pre = InContextDataPreProcessor(size_divisor=8)
    e1, e2 = make_episode(13, 10, seed=1), make_episode(16, 7, seed=2)
    raw = [e1[0].clone(), e2[0].clone()]
    gts = [e1[1].gt_sem_seg.data.clone(), e2[1].gt_sem_seg.data.clone()]
    out = pre(batch(e1, e2), training=True)
    query = out['inputs']['query']
    assert query.shape == (2, 3, 16, 16) and query.dtype == torch.float32
    for i, (img, (h, w)) in enumerate(zip(raw, [(13, 10), (16, 7)])):
        expected = (img.float() - 127.5) / 127.5
        torch.testing.assert_close(query[i, :, :h, :w], expected, rtol=0,
                                   atol=0)
        assert (query[i, :, h:, :] == 0).all() and (query[i, :, :, w:] == 0
                                                     ).all()
    assert query.min() >= -1 and query.max() <= 1
    # uint8 0 and 255 map to exactly -1 and 1
    img = torch.tensor([0, 255], dtype=torch.uint8)
    assert pre.normalize(img).tolist() == [-1.0, 1.0]

    samples = out['data_samples']
    assert samples[0].metainfo['padding_size'] == (0, 6, 0, 3)
    assert samples[1].metainfo['padding_size'] == (0, 9, 0, 0)
    assert samples[0].metainfo['pad_shape'] == (16, 16)
    for s, gt, (h, w) in zip(samples, gts, [(13, 10), (16, 7)]):
        data = s.gt_sem_seg.data
        assert data.shape == (1, 16, 16)
        torch.testing.assert_close(data[:, :h, :w], gt)
        assert (data[:, h:, :] == 255).all() and (data[:, :, w:] == 255).all()


def test_test_time_gt_keeps_its_size():
    pre = InContextDataPreProcessor(size_divisor=8)
    e1, e2 = make_episode(13, 10, seed=1), make_episode(16, 7, seed=2)
    gts = [e1[1].gt_sem_seg.data.clone(), e2[1].gt_sem_seg.data.clone()]
    out = pre(batch(e1, e2), training=False)
    assert out['inputs']['query'].shape == (2, 3, 16, 16)
    for sample, gt in zip(out['data_samples'], gts):
        assert torch.equal(sample.gt_sem_seg.data, gt)


def test_size_divisor_pads_up_to_multiple():
    pre = InContextDataPreProcessor(size_divisor=32)
    out = pre(batch(make_episode(33, 40)))
    assert out['inputs']['query'].shape[-2:] == (64, 64)
    assert out['data_samples'][0].metainfo['padding_size'] == (0, 24, 0, 31)
    # no gt: still fine
    out = pre(batch(make_episode(32, 32, with_gt=False)))
    assert out['inputs']['query'].shape[-2:] == (32, 32)
    assert out['data_samples'][0].metainfo['padding_size'] == (0, 0, 0, 0)


def test_prompts_stack_with_mask_channel():
    pre = InContextDataPreProcessor(size_divisor=8)
    e1, e2 = make_episode(16, 16, k=2, seed=3), make_episode(8, 8, k=2, seed=4)
    p_imgs = [e1[1].prompt_imgs.clone(), e2[1].prompt_imgs.clone()]
    p_masks = [e1[1].prompt_masks.clone(), e2[1].prompt_masks.clone()]
    prompts = pre(batch(e1, e2))['inputs']['prompts']
    assert prompts.shape == (2, 2, 4, 12, 12)
    for i in range(2):
        torch.testing.assert_close(prompts[i, :, :3],
                                   (p_imgs[i].float() - 127.5) / 127.5)
        expected = (p_masks[i] == 1).float()
        torch.testing.assert_close(prompts[i, :, 3], expected)
    mask = prompts[:, :, 3]
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    assert (mask[:, :, 0, 0] == 0).all()  # 255 -> 0


def test_prompt_resize_pads_to_square_first():
    pre = InContextDataPreProcessor(size_divisor=8, prompt_size=(8, 8))
    ep = make_episode(16, 16, k=1, ph=12, pw=16)
    p_img = ep[1].prompt_imgs.clone()
    p_mask = ep[1].prompt_masks.clone()
    prompts = pre(batch(ep))['inputs']['prompts']
    assert prompts.shape == (1, 1, 4, 8, 8)
    # 12 x 16 -> padded to 16 x 16 (bottom rows 0), then halved
    padded = torch.zeros(1, 3, 16, 16)
    padded[:, :, :12] = (p_img.float() - 127.5) / 127.5
    ref_img = F.interpolate(padded, (8, 8), mode='bilinear',
                            align_corners=False)
    torch.testing.assert_close(prompts[0, :, :3], ref_img)
    # nearest: out pixel (i, j) takes padded pixel (2i, 2j)
    m = torch.zeros(16, 16)
    m[:12] = (p_mask[0] == 1).float()
    torch.testing.assert_close(prompts[0, 0, 3], m[::2, ::2])
    assert not prompts[0, 0, :, 6:].any()  # the padding: grey, no mask


def test_non_square_prompt_is_not_stretched():
    """A DAVIS-sized prompt (854 x 480) through the test pipeline and the
    preprocessor: a square object stays square in the prompt and in the
    16 x 16 post-mask grid, at the same place as in a square crop."""
    from diffseg.datasets.transforms import ResizeEpisode
    from diffseg.models.prompt_encoders import CLIPPromptEncoder
    img = np.random.default_rng(0).integers(0, 256, (480, 854, 3), np.uint8)
    mask = np.zeros((480, 854), np.uint8)
    mask[96:288, 320:512] = 1  # 192 x 192 px
    episode = ResizeEpisode(scale=(256, 256), resize_gt=False)(dict(
        img=img, gt_seg_map=mask, prompt_imgs=[img], prompt_masks=[mask]))
    sample = InContextDataSample()
    sample.prompt_imgs = torch.from_numpy(
        episode['prompt_imgs'][0].transpose(2, 0, 1).copy())[None]
    sample.prompt_masks = torch.from_numpy(episode['prompt_masks'][0])[None]
    sample.set_metainfo(dict(ori_shape=(480, 854), img_shape=(144, 256)))
    pre = InContextDataPreProcessor(prompt_size=(224, 224))
    prompts = pre(dict(inputs=[torch.zeros(3, 144, 256, dtype=torch.uint8)],
                       data_samples=[sample]))['inputs']['prompts']
    rows = prompts[0, 0, 3].any(1).nonzero()[:, 0]
    cols = prompts[0, 0, 3].any(0).nonzero()[:, 0]
    # 192 px of 854 on a 224 px side: 50.4 px, in both directions
    assert abs(len(rows) - 192 * 224 / 854) <= 1.5
    assert abs(len(cols) - 192 * 224 / 854) <= 1.5
    assert abs(rows[0].item() - 96 * 224 / 854) <= 1.5
    assert abs(cols[0].item() - 320 * 224 / 854) <= 1.5
    # the image fills the top 480 / 854 of the square; the rest is padding
    assert not prompts[0, 0, :, 127:].any()
    grid = CLIPPromptEncoder(vision_config=dict(
        hidden_size=32, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=1, image_size=224, patch_size=14),
        post_mask_mode='area').token_mask(
            prompts[0, :, 3:], (16, 16)).reshape(16, 16)
    kept_rows = grid.any(1).nonzero()[:, 0]
    kept_cols = grid.any(0).nonzero()[:, 0]
    assert len(kept_rows) == len(kept_cols) >= 3  # 50.4 px, 14 px cells


def test_prompt_sizes_differ_without_prompt_size():
    pre = InContextDataPreProcessor(size_divisor=8)
    with pytest.raises(ValueError, match='prompt_size'):
        pre(batch(make_episode(8, 8, ph=12, pw=12),
                  make_episode(8, 8, ph=8, pw=8)))


def test_different_prompt_counts_are_padded_and_marked():
    pre = InContextDataPreProcessor(size_divisor=8)
    out = pre(batch(make_episode(8, 8, k=1), make_episode(8, 8, k=3)))
    prompts, valid = out['inputs']['prompts'], out['inputs']['prompt_valid']
    assert prompts.shape[:2] == (2, 3)
    assert valid.tolist() == [[True, False, False], [True, True, True]]
    assert not prompts[0, 1:].any()  # blank padding
    same = pre(batch(make_episode(8, 8, k=2), make_episode(8, 8, k=2)))
    assert 'prompt_valid' not in same['inputs']


def test_bad_query_and_counts():
    pre = InContextDataPreProcessor(size_divisor=8)
    img, sample = make_episode(8, 8)
    with pytest.raises(ValueError, match='expected \\(3, H, W\\)'):
        pre(dict(inputs=[img[:1]], data_samples=[sample]))
    with pytest.raises(ValueError, match='data samples'):
        pre(dict(inputs=[img, img], data_samples=[sample]))
