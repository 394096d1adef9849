"""Pseudo-mask codecs (MASK_CODECS): binary masks <-> images for a VAE."""
from .base import BaseMaskCodec
from .pseudo_mask_codec import PseudoMaskCodec

__all__ = ['BaseMaskCodec', 'PseudoMaskCodec']
