"""The contract of IMAGE_ENCODERS: an image -> a conditioning latent."""
from abc import ABCMeta, abstractmethod

from mmengine.model import BaseModule


class BaseImageEncoder(BaseModule, metaclass=ABCMeta):
    """``forward(img (B, 3, H, W) in [-1, 1])`` -> (B, out_channels, H/f,
    W/f), f = ``downsample_factor``. Segmentors read only these members."""

    @property
    @abstractmethod
    def out_channels(self) -> int:
        """Channels of the returned latent."""

    @property
    @abstractmethod
    def downsample_factor(self) -> int:
        """Input side / latent side."""
