"""Autoencoders (AUTOENCODERS): inputs <-> the latents a denoiser generates."""
from .base import BaseAutoencoder
from .sd_vae import SDVAE
from .shallow_mask_autoencoder import (MaskAutoencoderModel,
                                       ShallowMaskAutoencoder)

__all__ = [
    'BaseAutoencoder', 'SDVAE', 'MaskAutoencoderModel',
    'ShallowMaskAutoencoder'
]
