"""Top-level models (MODELS) that train what the methods then load:
VAEPretrainer (images and pseudo masks), MaskAutoencoderPretrainer (LDMSeg's
stage 1) and TextToImageLDM (the text-to-image prior)."""
from .base import BaseAutoencoderPretrainer
from .latent_std import scaling_factor_from_std, update_latent_std
from .mask_ae_losses import mask_autoencoder_losses
from .mask_ae_pretrainer import MaskAutoencoderPretrainer
from .text_to_image_ldm import TextToImageLDM
from .vae_pretrainer import VAEPretrainer

__all__ = [
    'BaseAutoencoderPretrainer', 'MaskAutoencoderPretrainer',
    'TextToImageLDM', 'VAEPretrainer', 'mask_autoencoder_losses',
    'scaling_factor_from_std', 'update_latent_std'
]
