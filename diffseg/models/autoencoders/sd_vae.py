"""Stable Diffusion's KL autoencoder as a (usually frozen) diffseg component."""
from typing import Optional

import torch
from diffusers import AutoencoderKL
from mmengine.model import BaseModule

from diffseg.registry import AUTOENCODERS
from diffseg.utils.pretrained import build_diffusers_model


@AUTOENCODERS.register_module()
class SDVAE(BaseModule):
    """diffusers AutoencoderKL with its latent scaling factor.

    Args:
        pretrained: a diffusers pipeline directory (``vae/`` inside) or a VAE
            directory; or None with ``config`` (AutoencoderKL kwargs).
        freeze: keep the weights fixed and the module in eval mode.
        sample_posterior: sample the latent distribution instead of its mode.
        scaling_factor: overrides the config's ``scaling_factor``.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 freeze: bool = True,
                 sample_posterior: bool = False,
                 scaling_factor: Optional[float] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.vae = build_diffusers_model(
            AutoencoderKL, pretrained, config, 'vae', 'SD VAE',
            'checkpoints/stable-diffusion-v1-5 (with vae/ inside)')
        self.scaling_factor = (scaling_factor if scaling_factor is not None
                               else self.vae.config.scaling_factor)
        self.sample_posterior = sample_posterior
        self.freeze = freeze
        if freeze:
            self.vae.requires_grad_(False)
            self.vae.eval()

    @property
    def downsample_factor(self) -> int:
        return 2**(len(self.vae.config.block_out_channels) - 1)

    @property
    def latent_channels(self) -> int:
        return self.vae.config.latent_channels

    def train(self, mode: bool = True):
        super().train(mode)
        if self.freeze:
            self.vae.eval()
        return self

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, 3, H, W) in [-1, 1] -> scaled latent (B, C, H/f, W/f)."""
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze):
            dist = self.vae.encode(x).latent_dist
            z = dist.sample() if self.sample_posterior else dist.mode()
        return z * self.scaling_factor

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """scaled latent (B, C, h, w) -> image (B, 3, h*f, w*f).

        Gradients reach ``z`` even when frozen (pixel-space losses)."""
        return self.vae.decode(z / self.scaling_factor).sample
