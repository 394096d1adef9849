"""LDMSeg's tasks: each one's target latent and its decoding.

- panoptic: the segments get random ids (bit codec), their bit planes go
  through the mask autoencoder; decoding post-processes the per-id logits
  into ``pred_panoptic_seg`` (class-agnostic, as the reference code).
- semantic: class c is id c + 1 (void 0) through the same autoencoder;
  decoding takes the argmax over the class channels -> ``pred_sem_seg``.
- depth: relative depth per image mapped to [-1, 1] and folded into the
  latent grid without a network (:class:`DepthFoldCodec`) ->
  ``pred_depth_map`` in [0, 1] (relative: metrics align scale and shift).

Void (id 0, class 255, depth <= 0) is left out of the loss through the
returned latent validity masks.
"""
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from diffseg.models.utils.panoptic_postprocess import (logits_to_panoptic,
                                                       stack_label_maps)
from diffseg.models.utils.postprocess import to_original_size

TASKS = ('panoptic', 'semantic', 'depth')
GT_FIELDS = dict(panoptic='gt_panoptic_seg', semantic='gt_sem_seg',
                 depth='gt_depth_map')
SEMANTIC_VOID = 255


class DepthFoldCodec:
    """Relative depth (B, 1, H, W) <-> (B, C, H/f, W/f), C = r * r.

    Encoding normalises each image's valid depth (> 0) to [-1, 1] between
    its ``quantiles``, averages it over (f/r x f/r) cells (valid pixels
    only) and folds r x r neighbouring cells into the channels
    (pixel-unshuffle): depth at 1/(f/r) resolution. Decoding unfolds and
    upsamples bilinearly, and maps back to [0, 1].
    """

    def __init__(self, latent_channels: int = 4, downsample_factor: int = 8,
                 quantiles=(0.02, 0.98)):
        r = int(round(latent_channels**0.5))
        if r * r != latent_channels or downsample_factor % r:
            raise ValueError(
                f'depth folding needs a square number of latent channels and '
                f'a downsampling divisible by its root; got '
                f'{latent_channels} channels, factor {downsample_factor}')
        self.r, self.pool = r, downsample_factor // r
        self.quantiles = tuple(quantiles)

    def encode(self, depth: torch.Tensor):
        """depth (B, 1, H, W), <= 0 invalid -> (z, valid) (B, C, h, w)."""
        valid = (depth > 0).float()
        normed = torch.zeros_like(depth)
        for i in range(len(depth)):
            values = depth[i][valid[i] > 0]
            if values.numel() == 0:
                continue
            lo, hi = torch.quantile(values.float(), torch.tensor(
                self.quantiles, device=depth.device)).tolist()
            scale = max(hi - lo, 1e-6)
            normed[i] = ((depth[i] - lo) / scale).clamp(0, 1) * 2 - 1
        count = F.avg_pool2d(valid, self.pool)
        mean = F.avg_pool2d(normed * valid, self.pool) / count.clamp(min=1e-6)
        return (F.pixel_unshuffle(mean, self.r),
                F.pixel_unshuffle((count > 0).float(), self.r))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, C, h, w) -> depth (B, 1, h*f, w*f) in [0, 1]."""
        cells = F.pixel_shuffle(z, self.r)
        depth = F.interpolate(cells, scale_factor=self.pool, mode='bilinear',
                              align_corners=False)
        return ((depth + 1) / 2).clamp(0, 1)


def latent_valid(ids: torch.Tensor, latent_size) -> torch.Tensor:
    """ids (B, H, W), 0 = void -> (B, 1, h, w) float, nearest."""
    return F.interpolate((ids != 0)[:, None].float(), latent_size,
                         mode='nearest')


def semantic_ids(data_samples, size, num_ids: int) -> torch.Tensor:
    """gt_sem_seg of the samples -> ids (B, H, W): class + 1, void 0."""
    labels = stack_label_maps(data_samples, GT_FIELDS['semantic'], size,
                              SEMANTIC_VOID)[:, 0].long()
    ids = torch.where(labels == SEMANTIC_VOID, 0, labels + 1)
    if ids.numel() and ids.max() >= num_ids:
        raise ValueError(f'class {int(ids.max()) - 1} needs id '
                         f'{int(ids.max())}; the mask autoencoder holds ids '
                         f'< {num_ids}: use more bits')
    return ids


def encode_targets(model, task: str, data_samples, size):
    """-> (z_0, valid) latents (B, C, h, w) and (B, 1 or C, h, w) of
    ``task`` for ``data_samples`` at the padded input ``size``."""
    ae, codec = model.mask_autoencoder, model.mask_codec
    if task == 'depth':
        depth = stack_label_maps(data_samples, GT_FIELDS['depth'], size)
        return model.depth_codec.encode(depth.float())
    if task == 'panoptic':
        ids = stack_label_maps(data_samples, GT_FIELDS['panoptic'],
                               size)[:, 0].long()
        ids = codec.assign_random_ids(ids)
    else:
        ids = semantic_ids(data_samples, size, ae.out_channels)
    z_0 = ae.encode(codec.encode(ids))
    return z_0, latent_valid(ids, z_0.shape[-2:])


def decode_predictions(model, task: str, z: torch.Tensor,
                       data_samples) -> None:
    """Write ``task``'s predictions decoded from latents z (B, C, h, w) on
    ``data_samples`` (at each ``ori_shape``)."""
    if task == 'depth':
        for depth, sample in zip(model.depth_codec.decode(z), data_samples):
            sample.pred_depth_map = PixelData(
                data=to_original_size(depth, sample))
        return
    logits = model.mask_autoencoder.decode(z)
    if task == 'panoptic':
        for sample_logits, sample in zip(logits, data_samples):
            logits_to_panoptic(sample_logits, sample, **model.postprocess)
        return
    num_classes = model.num_classes
    for sample_logits, sample in zip(logits, data_samples):
        scores = to_original_size(sample_logits[1:num_classes + 1], sample)
        sample.seg_logits = PixelData(data=scores)
        sample.pred_sem_seg = PixelData(data=scores.argmax(0)[None])
