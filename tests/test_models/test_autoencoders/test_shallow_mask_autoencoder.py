import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from diffseg.models.autoencoders import (MaskAutoencoderPretrainer,
                                         ShallowMaskAutoencoder)
from diffseg.models.autoencoders.mask_ae_losses import (
    dice_loss, mask_autoencoder_losses, uncertain_points)

TINY_MASK_AE = dict(in_channels=4, num_ids=16, block_out_channels=(8, 16, 16),
                    mid_channels=16, latent_channels=4, decoder_channels=8,
                    num_upscalers=1, norm_num_groups=4)


def test_shapes_and_downsampling():
    ae = ShallowMaskAutoencoder(config=TINY_MASK_AE, freeze=False)
    assert ae.downsample_factor == 4
    planes = torch.randn(2, 4, 32, 24)
    z = ae.encode(planes)
    assert z.shape == (2, 4, 8, 6)
    # one upscaler (x2) then bilinear x2 back to the input size
    assert ae.decode(z).shape == (2, 16, 32, 24)
    with pytest.raises(ValueError, match='takes 4 bit planes'):
        ae.encode(torch.randn(1, 7, 32, 32))


def test_reference_architecture_has_about_2m_parameters():
    ae = ShallowMaskAutoencoder(config=dict(), freeze=True)
    count = sum(p.numel() for p in ae.parameters())
    # the notes count ~2.02 M for the default (512 px -> 64 x 64 x 4)
    assert 1.9e6 < count < 2.1e6
    assert not any(p.requires_grad for p in ae.parameters())
    assert ae.downsample_factor == 8


def _ce_by_hand(logits, ids):
    total, count = 0.0, 0
    for b in range(ids.shape[0]):
        for y in range(ids.shape[1]):
            for x in range(ids.shape[2]):
                k = int(ids[b, y, x])
                if k == 0:
                    continue
                logp = logits[b, :, y, x].log_softmax(0)
                total -= float(logp[k])
                count += 1
    return total / count


def test_dense_losses_against_a_hand_computation():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 6, 6)
    ids = torch.zeros(2, 6, 6, dtype=torch.long)
    ids[0, :3] = 2
    ids[0, 3:, :2] = 4
    ids[1, 1:5, 1:5] = 1  # rest void
    losses = mask_autoencoder_losses(logits, ids)
    assert losses['loss_ce'].item() == pytest.approx(_ce_by_hand(logits, ids),
                                                     rel=1e-5)
    bce, dice = [], []
    for b, segs in ((0, (2, 4)), (1, (1, ))):
        for s in segs:
            target = (ids[b] == s).float().flatten()
            logit = logits[b, s].flatten()
            p = logit.sigmoid()
            bce.append(float(-(target * p.log() +
                               (1 - target) * (1 - p).log()).mean()))
            dice.append(1 - (2 * float((p * target).sum()) + 1) /
                        (float(p.sum() + target.sum()) + 1))
    assert losses['loss_mask_bce'].item() == pytest.approx(
        sum(bce) / 3, rel=1e-5)
    assert losses['loss_mask_dice'].item() == pytest.approx(
        sum(dice) / 3, rel=1e-5)
    # a perfect prediction has (nearly) zero ce and bce
    perfect = F.one_hot(ids, 5).permute(0, 3, 1, 2).float() * 40 - 20
    good = mask_autoencoder_losses(perfect, ids)
    assert good['loss_ce'] < 1e-6 and good['loss_mask_bce'] < 1e-6


def test_all_void_batch_gives_zero_losses():
    logits = torch.randn(1, 4, 4, 4, requires_grad=True)
    losses = mask_autoencoder_losses(logits, torch.zeros(1, 4, 4).long())
    assert all(v.item() == 0 for v in losses.values())
    sum(losses.values()).backward()  # still differentiable


def test_point_losses_sample_uncertain_points():
    torch.manual_seed(0)
    logits = torch.full((1, 1, 16, 16), 10.0)
    logits[..., :, 8:] = 0.0  # uncertain right half
    points = uncertain_points(logits, lambda s: -s[:, 0].abs(), 100,
                              oversample_ratio=3, importance_ratio=0.75)
    assert points.shape == (1, 100, 2)
    # the 75 important points are all in the uncertain half (x >= 0.5)
    assert (points[0, :75, 0] >= 0.5 - 1 / 16).all()
    ids = torch.zeros(1, 16, 16, dtype=torch.long)
    ids[0, 4:12, 4:12] = 3
    perfect = F.one_hot(ids, 4).permute(0, 3, 1, 2).float() * 40 - 20
    perfect.requires_grad_(True)
    losses = mask_autoencoder_losses(perfect, ids, num_points=64)
    # only points on the blurred (bilinear) boundary cost anything
    assert losses['loss_ce'] < 0.05 and losses['loss_mask_bce'] < 0.05
    wrong = mask_autoencoder_losses(-perfect, ids, num_points=64)
    assert wrong['loss_ce'] > 10 and wrong['loss_mask_dice'] > 0.9
    sum(losses.values()).backward()
    assert perfect.grad is not None


def test_dice_loss_formula():
    logits = torch.tensor([[0.0, 0.0]])
    targets = torch.tensor([[1.0, 0.0]])
    # p = 0.5 each: 1 - (2 * 0.5 + 1) / (1 + 1 + 1)
    assert dice_loss(logits, targets).item() == pytest.approx(1 - 2 / 3)


def _panoptic_samples(n=2, size=32):
    samples = []
    for i in range(n):
        ids = torch.zeros(1, size, size, dtype=torch.long)
        ids[0, :size // 2] = 7000
        ids[0, size // 2:] = 8000
        ids[0, 4 + i:14 + i, 6:20] = 1001
        sample = SegDataSample()
        info = [dict(id=k, category_id=k // 1000, iscrowd=0)
                for k in (1001, 7000, 8000)]
        sample.gt_panoptic_seg = PixelData(data=ids,
                                           metainfo=dict(segments_info=info))
        sample.set_metainfo(dict(img_shape=(size, size),
                                 ori_shape=(size, size)))
        samples.append(sample)
    return samples


def test_pretrainer_trains_predicts_and_exports(tmp_path):
    torch.manual_seed(0)
    model = MaskAutoencoderPretrainer(
        autoencoder=dict(type='ShallowMaskAutoencoder', config=TINY_MASK_AE),
        mask_codec=dict(type='BitCodec', num_bits=4),
        postprocess=dict(mask_threshold=0.5, min_area=1,
                         overlap_threshold=0.5))
    assert all(p.requires_grad for p in model.autoencoder.parameters())
    inputs = torch.zeros(2, 3, 32, 32)
    samples = _panoptic_samples()
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_ce', 'loss_mask_bce', 'loss_mask_dice'}
    sum(losses.values()).backward()
    assert model.autoencoder.model.encoder[0].weight.grad.abs().sum() > 0
    assert model.latent_std > 0
    model.eval()
    out = model(inputs, samples, mode='predict')
    pred = out[0].pred_panoptic_seg
    assert pred.data.shape == (1, 32, 32)
    present = set(pred.data.unique().tolist()) - {0}
    assert present == {s['id'] for s in pred.segments_info}
    path = model.save_pretrained(str(tmp_path))
    assert path == osp.join(str(tmp_path), 'mask_autoencoder')
    loaded = ShallowMaskAutoencoder(pretrained=str(tmp_path))
    assert loaded.scaling_factor == pytest.approx(
        1 / float(model.latent_std))
    planes = model.mask_codec.encode(model.gt_ids(inputs, samples))
    z = loaded.encode(planes)
    expected = model.autoencoder.model.encode(planes).mode()
    assert torch.allclose(z / loaded.scaling_factor, expected, atol=1e-6)


def test_pretrainer_rejects_a_codec_that_does_not_fit():
    with pytest.raises(ValueError, match='num_ids = 2\\*\\*num_bits'):
        MaskAutoencoderPretrainer(
            autoencoder=dict(type='ShallowMaskAutoencoder',
                             config=TINY_MASK_AE),
            mask_codec=dict(type='BitCodec', num_bits=7))
