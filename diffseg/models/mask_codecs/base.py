"""The contract of MASK_CODECS: binary masks <-> pseudo-mask images.

A pseudo-mask codec writes a target mask as an image an image autoencoder
(AUTOENCODERS, e.g. SD's VAE) can encode, and reads a foreground logit back
from a decoded image. Segment id maps for a mask autoencoder are another
kind: ID_CODECS (:mod:`diffseg.models.id_codecs`).
"""
from abc import ABCMeta, abstractmethod

import torch


class BaseMaskCodec(metaclass=ABCMeta):
    """Masks (B, 1, H, W) in {0, 1, ignore} <-> pseudo masks (B, 3, H, W)
    in [-1, 1], given the image (B, 3, H, W) in [-1, 1] they belong to."""

    @abstractmethod
    def encode(self, mask: torch.Tensor, image: torch.Tensor,
               training: bool = False) -> torch.Tensor:
        """mask (B, 1, H, W), image (B, 3, H, W) -> pseudo mask
        (B, 3, H, W); ``training`` enables training-time perturbations."""

    @abstractmethod
    def decode_logits(self, pseudo: torch.Tensor,
                      image: torch.Tensor) -> torch.Tensor:
        """pseudo (B, 3, H, W), image (B, 3, H, W) -> fg logit
        (B, 1, H, W)."""

    @abstractmethod
    def decode(self, pseudo: torch.Tensor,
               image: torch.Tensor) -> torch.Tensor:
        """pseudo (B, 3, H, W), image (B, 3, H, W) -> p(fg) (B, 1, H, W)."""

    @abstractmethod
    def decode_multiclass(self, logits: torch.Tensor) -> torch.Tensor:
        """Per-class fg logits (B, C, H, W), one run per class ->
        probabilities (B, C + 1, H, W), channel 0 the background."""
