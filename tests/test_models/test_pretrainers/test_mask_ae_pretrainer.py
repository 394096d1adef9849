import os.path as osp

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from diffseg.models.autoencoders import ShallowMaskAutoencoder
from diffseg.models.pretrainers import MaskAutoencoderPretrainer

TINY_MASK_AE = dict(in_channels=4, num_ids=16, block_out_channels=(8, 16, 16),
                    mid_channels=16, latent_channels=4, decoder_channels=8,
                    num_upscalers=1, norm_num_groups=4)


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
    with pytest.raises(ValueError,
                       match='set its in_channels = 7 and num_ids = 128'):
        MaskAutoencoderPretrainer(
            autoencoder=dict(type='ShallowMaskAutoencoder',
                             config=TINY_MASK_AE),
            mask_codec=dict(type='BitCodec', num_bits=7))
