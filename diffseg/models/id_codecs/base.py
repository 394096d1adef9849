"""The contract of ID_CODECS: id maps <-> the planes a mask autoencoder
encodes.

Id codecs and the pseudo-mask codecs of MASK_CODECS are separate kinds:
an id codec writes a map of arbitrary segment ids (panoptic, semantic as
class + 1) as ``num_channels`` planes for a mask autoencoder that predicts
one logit per id (LDMSeg); a pseudo-mask codec writes a binary mask as an
image for an image VAE and reads a foreground probability back (LDIS).
Their inputs, outputs and partners differ, so neither can stand in for the
other.
"""
from abc import ABCMeta, abstractmethod
from typing import Optional

import torch


class BaseIdCodec(metaclass=ABCMeta):
    """Id maps (B, H, W), 0 = void, ids in [0, num_ids) <-> planes
    (B, num_channels, H, W)."""

    @property
    @abstractmethod
    def num_channels(self) -> int:
        """Planes per pixel (the mask autoencoder's ``in_channels``)."""

    @property
    @abstractmethod
    def num_ids(self) -> int:
        """Ids the planes can hold, void included (the mask autoencoder's
        ``out_channels``)."""

    @property
    def max_segments(self) -> int:
        """Segments one map can hold (every id but void)."""
        return self.num_ids - 1

    @abstractmethod
    def encode(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, H, W) integer -> planes (B, num_channels, H, W) float."""

    @abstractmethod
    def decode(self, planes: torch.Tensor) -> torch.Tensor:
        """planes (B, num_channels, H, W) -> ids (B, H, W) long."""

    @abstractmethod
    def assign_random_ids(self,
                          ids: torch.Tensor,
                          generator: Optional[torch.Generator] = None
                          ) -> torch.Tensor:
        """ids (B, H, W) of any integer values (0 = void) -> ids (B, H, W)
        long in [0, num_ids) with distinct random ids per segment."""

    def check_fits(self, autoencoder) -> None:
        """Raise ValueError unless ``autoencoder`` (AUTOENCODERS) encodes
        these planes and predicts one logit per id."""
        if (self.num_channels, self.num_ids) != (autoencoder.in_channels,
                                                 autoencoder.out_channels):
            raise ValueError(
                f'the id codec gives {self.num_channels} planes for '
                f'{self.num_ids} ids but the mask autoencoder takes '
                f'{autoencoder.in_channels} planes and predicts '
                f'{autoencoder.out_channels} ids: set its in_channels = '
                f'{self.num_channels} and num_ids = {self.num_ids}')
