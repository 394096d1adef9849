"""The contract of DENOISERS: a conditional network on latents."""
from abc import ABCMeta, abstractmethod

from mmengine.model import BaseModule
from torch import nn


class BaseDenoiser(BaseModule, metaclass=ABCMeta):
    """``forward(sample (B, in_channels, h, w), timestep (B,) or scalar,
    tokens (B, L, D), token mask (B, L) with 1 = attend, or None)`` ->
    output (B, C_out, h, w).

    Segmentors read only these members: ``in_channels`` (what the input
    concatenation must give), ``cross_attention_dim`` (D),
    ``downsample_factor`` (h and w must be multiples of it) and
    ``network``, the wrapped diffusers ``UNet2DConditionModel`` that feature
    extractors hook into and whose cross-attention LDMSeg removes.
    """

    @property
    @abstractmethod
    def in_channels(self) -> int:
        """Input channels of ``forward``'s sample."""

    @property
    @abstractmethod
    def cross_attention_dim(self) -> int:
        """Width D of the tokens ``forward`` cross-attends to."""

    @property
    @abstractmethod
    def downsample_factor(self) -> int:
        """Total downsampling: sample sides must be multiples of it."""

    @property
    @abstractmethod
    def network(self) -> nn.Module:
        """The wrapped diffusers ``UNet2DConditionModel``."""
