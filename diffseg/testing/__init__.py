from .tiny_models import (TINY_CLIP, TINY_SCHEDULER, TINY_UNET, TINY_VAE,
                          tiny_episode_batch, tiny_ldis1_cfg,
                          tiny_ldisn_cfg)

__all__ = [
    'TINY_CLIP', 'TINY_SCHEDULER', 'TINY_UNET', 'TINY_VAE', 'tiny_ldis1_cfg',
    'tiny_episode_batch', 'tiny_ldisn_cfg'
]
