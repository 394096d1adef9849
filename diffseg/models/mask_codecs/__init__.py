from .pseudo_mask_codec import PseudoMaskCodec

__all__ = ['PseudoMaskCodec']
