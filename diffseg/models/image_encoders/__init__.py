"""Image encoders (IMAGE_ENCODERS): image -> conditioning latent for LDMSeg."""
from .sd_vae_image_encoder import SDVAEImageEncoder
from .vit_image_encoder import ViTImageEncoder

__all__ = ['SDVAEImageEncoder', 'ViTImageEncoder']
