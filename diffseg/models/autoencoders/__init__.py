from .sd_vae import SDVAE, build_diffusers_model
from .vae_pretrainer import VAEPretrainer

__all__ = ['SDVAE', 'VAEPretrainer', 'build_diffusers_model']
