"""The contract of TASKS: what LDMSeg generates for one kind of annotation.

A task turns the annotations of a batch into the target latent the
denoiser learns (``encode``) and writes the predictions decoded from a
generated latent on the data samples (``decode``). The segmentor builds
each task with the mask autoencoder and the id codec it owns
(``autoencoder``, ``codec``: shared, frozen; a task that needs neither
ignores them) and reads only these members. A task that can inpaint gives
the latents known annotations fix (``encode_known``).
"""
from abc import ABCMeta, abstractmethod
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple

import torch


class KnownLatents(NamedTuple):
    """Latents fixed while sampling (inpainting).

    latent: (B, C, h, w) the known latent. mask: (B, 1, h, w) float,
    1 = fixed. restore: per sample, what ``decode`` needs to give the known
    parts back their values.
    """
    latent: torch.Tensor
    mask: torch.Tensor
    restore: List[Any]


class BaseTask(metaclass=ABCMeta):
    """One generation task of LDMSeg.

    Args:
        autoencoder: the mask autoencoder (AUTOENCODERS).
        codec: the id codec (ID_CODECS) that fits it.
    """

    def __init__(self, autoencoder, codec):
        self.autoencoder = autoencoder
        self.codec = codec

    @property
    @abstractmethod
    def gt_field(self) -> str:
        """The data-sample field holding the task's annotation."""

    def annotated(self, sample) -> bool:
        """Whether a data sample carries this task's annotation."""
        return self.gt_field in sample

    @abstractmethod
    def encode(self, data_samples: Sequence, size: Tuple[int, int]
               ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Annotations of ``data_samples`` at the padded input ``size`` ->
        target latent z_0 (B, C, h, w) and its loss mask (B, 1 or C, h, w),
        0 on void cells."""

    @abstractmethod
    def decode(self, z: torch.Tensor, data_samples: Sequence,
               known: Optional[KnownLatents] = None) -> None:
        """Write the predictions decoded from latents z (B, C, h, w) on
        ``data_samples`` (at each ``ori_shape``); ``known`` is what
        :meth:`encode_known` gave for the same samples."""

    def encode_known(self, data_samples: Sequence, size: Tuple[int, int]
                     ) -> Optional[KnownLatents]:
        """Latents the samples' known annotations fix, or None (the task
        generates everything)."""
        return None
