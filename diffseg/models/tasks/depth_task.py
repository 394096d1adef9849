"""Relative depth as an LDMSeg task, folded into the latent grid."""
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from diffseg.models.utils.panoptic_postprocess import stack_label_maps
from diffseg.models.utils.postprocess import to_original_size
from diffseg.registry import TASKS
from .base import BaseTask


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


@TASKS.register_module(name='depth')
class DepthTask(BaseTask):
    """``gt_depth_map`` (depth <= 0 invalid) folded into the latent grid
    without a network (:class:`DepthFoldCodec`, at the mask autoencoder's
    latent channels and downsampling) -> ``pred_depth_map`` in [0, 1]
    (relative: metrics align scale and shift). The id codec is not used.

    Args:
        quantiles: the depths mapped to -1 and 1 per image.
    """

    gt_field = 'gt_depth_map'

    def __init__(self, autoencoder, codec, quantiles=(0.02, 0.98)):
        super().__init__(autoencoder, codec)
        self.fold = DepthFoldCodec(autoencoder.latent_channels,
                                   autoencoder.downsample_factor, quantiles)

    def encode(self, data_samples, size):
        depth = stack_label_maps(data_samples, self.gt_field, size)
        return self.fold.encode(depth.float())

    def decode(self, z, data_samples, known=None):
        for depth, sample in zip(self.fold.decode(z), data_samples):
            sample.pred_depth_map = PixelData(
                data=to_original_size(depth, sample))
