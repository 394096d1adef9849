"""What the autoencoder pretrainers share: a trainable autoencoder, the
running latent std and the export."""
import os.path as osp

import torch

from diffseg.models.base_model import BaseDiffSegModel
from diffseg.registry import AUTOENCODERS
from .latent_std import scaling_factor_from_std, update_latent_std


class BaseAutoencoderPretrainer(BaseDiffSegModel):
    """Trains ``autoencoder`` (AUTOENCODERS; all weights, posterior
    sampling) and tracks the std of the training latents (``latent_std``, a
    running estimate with momentum ``std_momentum``, 0 before the first
    step). ``save_pretrained(dir)`` writes the autoencoder to
    ``dir/<export_subfolder>`` in the diffusers layout with
    ``scaling_factor`` = 1 / that std. Subclasses give the loss, the
    prediction and the export folder."""

    export_subfolder: str

    def __init__(self, autoencoder: dict, kl_weight: float,
                 mask_weight: float, std_momentum: float,
                 data_preprocessor: dict, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.autoencoder = AUTOENCODERS.build(
            dict(autoencoder, freeze=False, sample_posterior=True))
        self.kl_weight, self.mask_weight = kl_weight, mask_weight
        self.std_momentum = std_momentum
        self.register_buffer('latent_std', torch.zeros(()))

    def track_latent_std(self, posterior) -> None:
        """Fold the std of a training posterior's means into
        ``latent_std``."""
        update_latent_std(self.latent_std, posterior.mean.detach(),
                          self.std_momentum)

    def save_pretrained(self, out_dir: str) -> str:
        """Write the autoencoder to ``out_dir/<export_subfolder>``; returns
        that path."""
        return self.autoencoder.save_pretrained(
            osp.join(out_dir, self.export_subfolder),
            scaling_factor_from_std(self.latent_std))
