import pytest
import torch
from mmengine.structures import PixelData

from diffseg.models.autoencoders import ShallowMaskAutoencoder
from diffseg.models.id_codecs import BitCodec
from diffseg.models.tasks import (BaseTask, DepthFoldCodec, DepthTask,
                                  PanopticTask, SemanticTask,
                                  restore_known_ids)
from diffseg.models.utils.panoptic_postprocess import logits_to_panoptic
from diffseg.registry import TASKS
from _helpers.tiny_ldmseg import TINY_MASK_AE, tiny_panoptic_samples


def parts():
    torch.manual_seed(0)
    return ShallowMaskAutoencoder(config=TINY_MASK_AE), BitCodec(num_bits=4)


def test_registered_by_task_name():
    ae, codec = parts()
    for name, cls in (('panoptic', PanopticTask), ('semantic', SemanticTask),
                      ('depth', DepthTask)):
        task = TASKS.build(dict(type=name),
                           default_args=dict(autoencoder=ae, codec=codec))
        assert type(task) is cls and isinstance(task, BaseTask)
        assert task.annotated(tiny_panoptic_samples(1)[0])


def test_id_map_targets_go_through_codec_and_autoencoder():
    ae, codec = parts()
    samples = tiny_panoptic_samples()
    semantic = SemanticTask(ae, codec)
    assert semantic.num_classes == 15  # every id but void
    z, valid = semantic.encode(samples, (32, 32))
    ids = torch.stack([s.gt_sem_seg.data[0] for s in samples]) + 1
    ids[ids == 256] = 0
    torch.testing.assert_close(z, ae.encode(codec.encode(ids)))
    assert valid.shape == (2, 1, 16, 16)
    assert (valid[:, :, 0] == 0).all() and valid[:, :, 1:].all()
    # panoptic: segments keep their extents under fresh random ids
    torch.manual_seed(1)
    panoptic = PanopticTask(ae, codec)
    drawn = panoptic.target_ids(samples, (32, 32))
    gt = torch.stack([s.gt_panoptic_seg.data[0] for s in samples])
    for b in range(2):
        assert len({int(drawn[b][gt[b] == v].unique()) for v in
                    (1001, 7000, 8000)}) == 3  # one distinct id a segment
    assert ((drawn == 0) == (gt == 0)).all()
    with pytest.raises(ValueError, match='use more bits'):
        SemanticTask(ShallowMaskAutoencoder(config=dict(
            TINY_MASK_AE, in_channels=1, num_ids=2)), BitCodec(1)).encode(
                samples, (32, 32))


def test_semantic_decode_takes_the_class_channels():
    ae, codec = parts()
    task = SemanticTask(ae, codec, num_classes=3)
    logits = torch.zeros(1, 16, 32, 32)
    logits[0, 3, :, 5:] = 9  # class 2 = id 3
    logits[0, 9] = 20  # id 9 is beyond the classes: ignored
    sample = tiny_panoptic_samples(1)[0]
    task.write_predictions(logits, [sample])
    assert sample.seg_logits.data.shape == (3, 32, 32)
    pred = sample.pred_sem_seg.data[0]
    assert (pred[:, 5:] == 2).all() and (pred[:, :5] == 0).all()


def test_panoptic_known_latents():
    ae, codec = parts()
    task = PanopticTask(ae, codec, cell_threshold=0.75)
    samples = tiny_panoptic_samples(1)
    assert task.encode_known(samples, (32, 32)) is None
    known = torch.zeros(1, 32, 32, dtype=torch.long)
    known[0, :16] = 42  # the top half: one segment
    known[0, 16:, :3] = 7  # 3 px wide: 3/4 of the first latent column
    samples[0].known_panoptic_seg = PixelData(data=known)
    z, mask, ids = task.encode_known(samples, (32, 32))
    assert ids[0].tolist() == [7, 42]  # compact ids 1, 2
    compact = torch.zeros_like(known)
    compact[known == 7], compact[known == 42] = 1, 2
    torch.testing.assert_close(z, ae.encode(codec.encode(compact)))
    assert mask[0, 0, :8].all() and mask[0, 0, 8:, 0].all()
    assert not mask[0, 0, 8:, 1:].any()
    two = tiny_panoptic_samples(2)
    two[0].known_panoptic_seg = PixelData(data=known)
    with pytest.raises(ValueError, match='on 1 of 2 samples'):
        task.encode_known(two, (32, 32))


def test_restore_known_ids():

    sample = tiny_panoptic_samples(1)[0]
    logits = torch.full((16, 32, 32), -10.0)
    logits[1, :, :10] = 10
    logits[2, :, 10:20] = 10
    logits[5, :, 20:] = 10
    logits_to_panoptic(logits, sample, min_area=1)
    restore_known_ids(sample, torch.tensor([300, 900]))
    ids = sample.pred_panoptic_seg.data[0]
    assert ids[0, 0] == 300 and ids[0, 15] == 900 and ids[0, 25] == 905
    assert {(s['id'], s['known']) for s in
            sample.pred_panoptic_seg.segments_info} == {(300, True),
                                                        (900, True),
                                                        (905, False)}

def test_depth_fold_codec_round_trip():
    codec = DepthFoldCodec(latent_channels=4, downsample_factor=8,
                           quantiles=(0.0, 1.0))
    cells = torch.rand(1, 1, 4, 4) + 0.5  # depth constant on 4 x 4 blocks
    depth = cells.repeat_interleave(4, 2).repeat_interleave(4, 3)
    depth[0, 0, 0, 0] = 0  # invalid: left out of its cell's mean
    z, valid = codec.encode(depth)
    assert z.shape == (1, 4, 2, 2) and valid.all()
    normed = (cells - cells.min()) / (cells.max() - cells.min())
    # pixel (0, 0) is invalid, so the top-left cell is the mean of the rest
    assert torch.allclose(torch.nn.functional.pixel_shuffle(z, 2),
                          normed * 2 - 1, atol=1e-5)
    # a linear ramp survives: cell means are the ramp at the cell centres
    # and bilinear upsampling is exact on linear functions (inside)
    ramp = 1 + torch.arange(16.).view(1, 1, 1, 16).expand(1, 1, 16, 16) / 15
    decoded = codec.decode(codec.encode(ramp)[0])
    assert decoded.shape == (1, 1, 16, 16)
    expected = (ramp - 1)[..., 2:14]
    assert torch.allclose(decoded[..., 2:14], expected, atol=1e-5)
    with pytest.raises(ValueError, match='square number'):
        DepthFoldCodec(latent_channels=3)

def test_depth_task_folds_into_the_autoencoder_latent_grid():
    ae, codec = parts()
    task = DepthTask(ae, codec, quantiles=(0.0, 1.0))
    assert (task.fold.r, task.fold.pool) == (2, 1)  # 4 channels, x2
    samples = tiny_panoptic_samples()
    z, valid = task.encode(samples, (32, 32))
    assert z.shape == (2, 4, 16, 16) and valid.all()
    task.decode(z, samples)
    depth = torch.stack([s.gt_depth_map.data for s in samples])
    lo, hi = depth.amin((1, 2, 3)), depth.amax((1, 2, 3))
    expected = (depth - lo.view(-1, 1, 1, 1)) / (hi - lo).view(-1, 1, 1, 1)
    got = torch.stack([s.pred_depth_map.data for s in samples])
    # 2 x 2 cells resampled bilinearly: exact away from the edges
    assert (got - expected).abs().mean() < 0.05
