"""Top-level models (MODELS) that train an autoencoder before the methods
use it: VAEPretrainer (images and pseudo masks), MaskAutoencoderPretrainer
(LDMSeg's stage 1)."""
from .base import BaseAutoencoderPretrainer
from .latent_std import scaling_factor_from_std, update_latent_std
from .mask_ae_losses import mask_autoencoder_losses
from .mask_ae_pretrainer import MaskAutoencoderPretrainer
from .vae_pretrainer import VAEPretrainer

__all__ = [
    'BaseAutoencoderPretrainer', 'MaskAutoencoderPretrainer', 'VAEPretrainer',
    'mask_autoencoder_losses', 'scaling_factor_from_std', 'update_latent_std'
]
