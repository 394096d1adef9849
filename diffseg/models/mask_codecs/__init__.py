from .bit_codec import BitCodec
from .pseudo_mask_codec import PseudoMaskCodec

__all__ = ['BitCodec', 'PseudoMaskCodec']
