"""Image encoders (IMAGE_ENCODERS): image -> conditioning latent for LDMSeg."""
from .base import BaseImageEncoder
from .sd_vae_image_encoder import SDVAEImageEncoder
from .vit_image_encoder import ViTImageEncoder

__all__ = ['BaseImageEncoder', 'SDVAEImageEncoder', 'ViTImageEncoder']
