"""A baseline that needs no network: clustering of the pixel colours."""
import torch
import torch.nn.functional as F

from diffseg.models.base_model import BaseDiffSegModel
from diffseg.registry import HEADS, MODELS
from .maskdiffusion import (SD_DATA_PREPROCESSOR, MaskDiffusion,
                           scores_to_samples)


@MODELS.register_module()
class PixelClustering(BaseDiffSegModel):
    """Clusters each image's pixel colours (RGB in [-1, 1], averaged over
    ``stride`` x ``stride`` cells) with a clustering head, e.g. k-means:
    what unsupervised segmentation gets without any learned features.

    Args:
        head: HEADS config of a head that takes no attention (KMeansHead,
            SpectralClusteringHead, CodebookHead).
        stride: cell size of the feature grid (the head's cost grows with
            the number of cells).
    """

    def __init__(self, head: dict, stride: int = 1,
                 data_preprocessor: dict = SD_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.head = HEADS.build(head)
        if self.head.uses_attention:
            raise ValueError(f'{type(self.head).__name__} needs attention '
                             'maps; PixelClustering has none')
        if stride < 1:
            raise ValueError(f'stride is {stride}; expected >= 1')
        self.stride = stride

    def loss(self, inputs, data_samples):
        raise NotImplementedError(
            'PixelClustering has nothing to train: it has no loss. Evaluate '
            'it with tools/test.py CONFIG (no checkpoint needed).')

    def pad(self, inputs: torch.Tensor) -> torch.Tensor:
        """Zero-pad (B, 3, H, W) right and bottom to a multiple of stride."""
        h, w = inputs.shape[-2:]
        return F.pad(inputs, (0, -w % self.stride, 0, -h % self.stride))

    @torch.no_grad()
    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) -> mean colour of each cell (B, 3, H/s, W/s)."""
        return F.avg_pool2d(self.pad(inputs).float(), self.stride)

    def predict(self, inputs: torch.Tensor, data_samples):
        padded = self.pad(inputs)
        features = self.features(inputs)
        valid = MaskDiffusion.valid_mask(data_samples, padded.shape[-2:],
                                         features.shape[-2:], inputs.device)
        return scores_to_samples(self.head(features, None, valid),
                                 tuple(padded.shape[-2:]), data_samples)

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.features(inputs)
