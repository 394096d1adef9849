"""The contract of FEATURE_EXTRACTORS: features and attention of one
denoiser pass."""
from abc import ABCMeta, abstractmethod
from typing import Optional

import torch


class BaseFeatureExtractor(metaclass=ABCMeta):
    """Built with ``unet`` (the denoiser's ``network``, passed by the
    segmentor); called on a latent, returns ``dict(features=(B, C_f, h, w),
    attention=(P, B, L, h', w') or None)``. Segmentors read only this."""

    @abstractmethod
    def __call__(self, latent: torch.Tensor, unet_text: torch.Tensor,
                 prompts: Optional[torch.Tensor] = None) -> dict:
        """latent (B, C, h, w), unet_text (1 or B, L, D) the tokens the
        UNet is conditioned on, prompts (P, L, D) whose per-token attention
        maps are wanted (None: features only)."""
