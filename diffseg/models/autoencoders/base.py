"""The contract of AUTOENCODERS: inputs <-> the scaled latents a denoiser
generates."""
from abc import ABCMeta, abstractmethod
from typing import Optional, Tuple

import torch
from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
from mmengine.model import BaseModule
from torch import nn

from diffseg.utils.frozen import FrozenNetworkMixin


class BaseAutoencoder(FrozenNetworkMixin, BaseModule, metaclass=ABCMeta):
    """A KL autoencoder in the diffusers layout, as a diffseg component.

    ``encode`` maps an input (B, in_channels, H, W) to the *scaled* latent
    (B, latent_channels, H/f, W/f), f = ``downsample_factor``: the posterior
    mode (or a sample) times ``scaling_factor``; ``decode`` maps a scaled
    latent back to (B, out_channels, H, W). Segmentors read only these
    members. Pretrainers also use :meth:`reconstruct` (unscaled, with the
    posterior) and :meth:`save_pretrained`.

    A subclass names the attribute that holds its network
    (``network_name``: checkpoints keep its keys), builds the network in
    :meth:`build_network` and implements :meth:`posterior`,
    :meth:`decode_unscaled` and ``out_channels``.

    Args:
        pretrained: a pipeline directory (the subclass's subfolder inside)
            or the model directory; or None with ``config``.
        config: the network's kwargs (random init).
        freeze: keep the weights fixed and the network in eval mode.
        sample_posterior: ``encode`` samples the latent Gaussian instead of
            taking its mode.
        scaling_factor: overrides the network config's ``scaling_factor``.
    """

    network_name: str = 'network'

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 freeze: bool = True,
                 sample_posterior: bool = False,
                 scaling_factor: Optional[float] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.add_module(self.network_name,
                        self.build_network(pretrained, config))
        self._scaling_factor = (scaling_factor if scaling_factor is not None
                                else self.network.config.scaling_factor)
        self.sample_posterior = sample_posterior
        self.freeze = freeze
        if freeze:
            self.network.requires_grad_(False)
            self.network.eval()

    @abstractmethod
    def build_network(self, pretrained: Optional[str],
                      config: Optional[dict]) -> nn.Module:
        """The diffusers model (``config`` has ``scaling_factor``,
        ``latent_channels``, ``in_channels``, ``block_out_channels``)."""

    @abstractmethod
    def posterior(self, x: torch.Tensor) -> DiagonalGaussianDistribution:
        """x (B, in_channels, H, W) -> Gaussian over unscaled latents."""

    @abstractmethod
    def decode_unscaled(self, z: torch.Tensor) -> torch.Tensor:
        """unscaled z (B, C, h, w) -> (B, out_channels, h*f, w*f)."""

    @property
    @abstractmethod
    def out_channels(self) -> int:
        """Channels of what ``decode`` returns."""

    @property
    def scaling_factor(self) -> float:
        """Scaled latent = unscaled latent x this."""
        return self._scaling_factor

    @property
    def network(self) -> nn.Module:
        return self._modules[self.network_name]

    @property
    def in_channels(self) -> int:
        return self.network.config.in_channels

    @property
    def latent_channels(self) -> int:
        return self.network.config.latent_channels

    @property
    def downsample_factor(self) -> int:
        return 2**(len(self.network.config.block_out_channels) - 1)

    def frozen_network(self) -> nn.Module:
        return self.network

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, in_channels, H, W) -> scaled latent (B, C, H/f, W/f)."""
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze):
            dist = self.posterior(x)
            z = dist.sample() if self.sample_posterior else dist.mode()
        return z * self.scaling_factor

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """scaled latent (B, C, h, w) -> (B, out_channels, h*f, w*f).

        Gradients reach ``z`` even when frozen (pixel-space losses)."""
        return self.decode_unscaled(z / self.scaling_factor)

    def reconstruct(self, x: torch.Tensor, sample: bool = False
                    ) -> Tuple[torch.Tensor, DiagonalGaussianDistribution]:
        """x -> (decoding of the posterior mode or a sample, posterior)."""
        posterior = self.posterior(x)
        z = posterior.sample() if sample else posterior.mode()
        return self.decode_unscaled(z), posterior

    def save_pretrained(self, path: str,
                        scaling_factor: Optional[float] = None) -> str:
        """Write the network to ``path`` (diffusers layout), with
        ``scaling_factor`` in its config when given; returns ``path``."""
        if scaling_factor is not None:
            self.network.register_to_config(scaling_factor=scaling_factor)
        self.network.save_pretrained(path)
        return path
