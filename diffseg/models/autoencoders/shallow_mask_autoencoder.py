"""LDMSeg's shallow mask autoencoder: bit planes -> latent -> per-id logits."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from diffusers import ConfigMixin, ModelMixin
from diffusers.configuration_utils import register_to_config
from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
from torch import nn

from diffseg.registry import AUTOENCODERS
from diffseg.utils.pretrained import build_diffusers_model
from .base import BaseAutoencoder


class LayerNorm2d(nn.Module):
    """LayerNorm over the channels of each pixel of (B, C, H, W)."""

    def __init__(self, channels: int, eps: float = 1e-6):
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class MaskAutoencoderModel(ModelMixin, ConfigMixin):
    """The network (diffusers layout, so save/from_pretrained work).

    Encoder: conv 3x3 + SiLU, then per extra level a conv 3x3 and a strided
    conv 3x3 (x1/2) + SiLU, a conv to ``mid_channels``, GroupNorm, SiLU and
    a conv to the mean and log-variance of a ``latent_channels`` Gaussian:
    downsampling 2**(len(block_out_channels) - 1). Decoder: conv 3x3 to
    ``decoder_channels``, ``num_upscalers`` x (transposed conv 2x2 stride 2,
    LayerNorm2d, SiLU), GroupNorm, SiLU, conv 3x3 to ``num_ids`` logits; the
    rest of the way to the input size is bilinear.
    """

    @register_to_config
    def __init__(self,
                 in_channels: int = 7,
                 num_ids: int = 128,
                 block_out_channels: Sequence[int] = (32, 64, 128, 256),
                 mid_channels: int = 256,
                 latent_channels: int = 4,
                 decoder_channels: int = 256,
                 num_upscalers: int = 2,
                 norm_num_groups: int = 32,
                 scaling_factor: float = 0.18215):
        super().__init__()
        if 2**num_upscalers > 2**(len(block_out_channels) - 1):
            raise ValueError(f'{num_upscalers} upscalers (x{2**num_upscalers}'
                             ') exceed the encoder downsampling')
        chans = list(block_out_channels)
        layers = [nn.Conv2d(in_channels, chans[0], 3, padding=1), nn.SiLU()]
        for c_in, c_out in zip(chans[:-1], chans[1:]):
            layers += [nn.Conv2d(c_in, c_in, 3, padding=1),
                       nn.Conv2d(c_in, c_out, 3, stride=2, padding=1),
                       nn.SiLU()]
        layers += [nn.Conv2d(chans[-1], mid_channels, 3, padding=1),
                   nn.GroupNorm(norm_num_groups, mid_channels, eps=1e-6),
                   nn.SiLU(),
                   nn.Conv2d(mid_channels, 2 * latent_channels, 3, padding=1)]
        self.encoder = nn.Sequential(*layers)
        layers = [nn.Conv2d(latent_channels, decoder_channels, 3, padding=1)]
        for _ in range(num_upscalers):
            layers += [nn.ConvTranspose2d(decoder_channels, decoder_channels,
                                          2, stride=2),
                       LayerNorm2d(decoder_channels), nn.SiLU()]
        layers += [nn.GroupNorm(norm_num_groups, decoder_channels), nn.SiLU(),
                   nn.Conv2d(decoder_channels, num_ids, 3, padding=1)]
        self.decoder = nn.Sequential(*layers)

    @property
    def downsample_factor(self) -> int:
        return 2**(len(self.config.block_out_channels) - 1)

    def encode(self, planes: torch.Tensor) -> DiagonalGaussianDistribution:
        """planes (B, in, H, W) -> Gaussian over (B, latent, H/f, W/f)."""
        return DiagonalGaussianDistribution(self.encoder(planes))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """unscaled z (B, latent, h, w) -> logits (B, num_ids, h*f, w*f)."""
        logits = self.decoder(z)
        size = tuple(s * self.downsample_factor for s in z.shape[-2:])
        if tuple(logits.shape[-2:]) != size:
            logits = F.interpolate(logits, size, mode='bilinear',
                                   align_corners=False)
        return logits


@AUTOENCODERS.register_module()
class ShallowMaskAutoencoder(BaseAutoencoder):
    """The mask autoencoder (``model``) as a diffseg component: bit planes
    (B, in_channels, H, W) -> scaled latent -> per-id logits
    (B, num_ids, H, W) at the input resolution (``out_channels`` = num_ids).

    Args:
        pretrained: a directory with ``mask_autoencoder/`` inside (written by
            ``MaskAutoencoderPretrainer.save_pretrained``) or the model
            directory itself; or None with ``config`` (MaskAutoencoderModel
            kwargs, random init).
        freeze, sample_posterior, scaling_factor: see
            :class:`BaseAutoencoder`.
    """

    network_name = 'model'

    def build_network(self, pretrained: Optional[str],
                      config: Optional[dict]) -> MaskAutoencoderModel:
        return build_diffusers_model(
            MaskAutoencoderModel, pretrained, config, 'mask_autoencoder',
            'LDMSeg mask autoencoder',
            'work_dirs/ldmseg-tiny (with mask_autoencoder/ inside), '
            'exported by a configs/ldmseg/ldmseg-mask-ae_* run')

    @property
    def out_channels(self) -> int:
        return self.model.config.num_ids

    def posterior(self, planes: torch.Tensor) -> DiagonalGaussianDistribution:
        """planes (B, n, H, W) -> Gaussian over unscaled latents."""
        if planes.shape[1] != self.in_channels:
            raise ValueError(f'the mask autoencoder takes {self.in_channels} '
                             f'bit planes; got {planes.shape[1]} (match the '
                             'bit codec num_bits)')
        return self.model.encode(planes)

    def decode_unscaled(self, z: torch.Tensor) -> torch.Tensor:
        return self.model.decode(z)
