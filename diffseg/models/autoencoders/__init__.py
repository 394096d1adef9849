from .mask_ae_pretrainer import MaskAutoencoderPretrainer
from .sd_vae import SDVAE
from .shallow_mask_autoencoder import (MaskAutoencoderModel,
                                       ShallowMaskAutoencoder)
from .vae_pretrainer import VAEPretrainer

__all__ = [
    'SDVAE', 'VAEPretrainer',
    'MaskAutoencoderModel', 'MaskAutoencoderPretrainer',
    'ShallowMaskAutoencoder'
]
