from .tiny_models import TINY_CLIP, TINY_UNET, TINY_VAE, tiny_ldis1_cfg

__all__ = ['TINY_CLIP', 'TINY_UNET', 'TINY_VAE', 'tiny_ldis1_cfg']
