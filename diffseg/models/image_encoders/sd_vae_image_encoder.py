"""The frozen Stable Diffusion VAE encoder as an image encoder."""
from typing import Optional

import torch
from torch import nn

from diffseg.models.autoencoders.sd_vae import SDVAE
from diffseg.registry import IMAGE_ENCODERS
from .base import BaseImageEncoder


@IMAGE_ENCODERS.register_module()
class SDVAEImageEncoder(BaseImageEncoder):
    """Image (B, 3, H, W) in [-1, 1] -> the SD VAE's scaled latent mean
    (B, 4, H/8, W/8): the LDMSeg reference code's image encoder.

    The decoder is dropped (never used, as in the reference code).

    Args:
        pretrained, config, scaling_factor: see :class:`SDVAE`.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 scaling_factor: Optional[float] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.vae = SDVAE(pretrained, config, freeze=True,
                         sample_posterior=False,
                         scaling_factor=scaling_factor)
        self.vae.vae.decoder = nn.Identity()

    @property
    def out_channels(self) -> int:
        return self.vae.latent_channels

    @property
    def downsample_factor(self) -> int:
        return self.vae.downsample_factor

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        return self.vae.encode(img)
