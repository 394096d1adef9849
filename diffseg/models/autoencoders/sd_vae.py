"""Stable Diffusion's KL autoencoder as a (usually frozen) diffseg component."""
from typing import Optional

import torch
from diffusers import AutoencoderKL
from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution

from diffseg.registry import AUTOENCODERS
from diffseg.utils.pretrained import build_diffusers_model
from .base import BaseAutoencoder


@AUTOENCODERS.register_module()
class SDVAE(BaseAutoencoder):
    """diffusers AutoencoderKL (``vae``) with its latent scaling factor:
    images (B, 3, H, W) in [-1, 1] <-> scaled latents.

    Args:
        pretrained: a diffusers pipeline directory (``vae/`` inside) or a VAE
            directory; or None with ``config`` (AutoencoderKL kwargs).
        freeze, sample_posterior, scaling_factor: see
            :class:`BaseAutoencoder`.
    """

    network_name = 'vae'

    def build_network(self, pretrained: Optional[str],
                      config: Optional[dict]) -> AutoencoderKL:
        return build_diffusers_model(
            AutoencoderKL, pretrained, config, 'vae', 'SD VAE',
            'checkpoints/stable-diffusion-v1-5 (with vae/ inside)')

    @property
    def out_channels(self) -> int:
        return self.vae.config.out_channels

    def posterior(self, x: torch.Tensor) -> DiagonalGaussianDistribution:
        return self.vae.encode(x).latent_dist

    def decode_unscaled(self, z: torch.Tensor) -> torch.Tensor:
        return self.vae.decode(z).sample
