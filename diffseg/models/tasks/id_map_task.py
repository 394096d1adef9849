"""Tasks whose targets are id maps through the id codec and the mask
autoencoder (panoptic, semantic)."""
from abc import abstractmethod
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from .base import BaseTask, KnownLatents


def latent_valid(ids: torch.Tensor, latent_size) -> torch.Tensor:
    """ids (B, H, W), 0 = void -> (B, 1, h, w) float, nearest."""
    return F.interpolate((ids != 0)[:, None].float(), latent_size,
                         mode='nearest')


class IdMapTask(BaseTask):
    """Target: the samples' id map (B, H, W), 0 = void, as codec planes
    encoded by the mask autoencoder; loss mask: the non-void cells.
    Decoding: the autoencoder's per-id logits (B, num_ids, H, W)."""

    @abstractmethod
    def target_ids(self, data_samples: Sequence,
                   size: Tuple[int, int]) -> torch.Tensor:
        """-> ids (B, H, W) long at the padded input ``size``."""

    @abstractmethod
    def write_predictions(self, logits: torch.Tensor, data_samples: Sequence,
                          known: Optional[KnownLatents] = None) -> None:
        """Per-id logits (B, num_ids, H, W) -> predictions on the samples."""

    def encode(self, data_samples, size):
        ids = self.target_ids(data_samples, size)
        z_0 = self.autoencoder.encode(self.codec.encode(ids))
        return z_0, latent_valid(ids, z_0.shape[-2:])

    def decode(self, z, data_samples, known=None):
        self.write_predictions(self.autoencoder.decode(z), data_samples,
                               known)
