"""Id codecs (ID_CODECS): segment id maps <-> planes for a mask autoencoder."""
from .base import BaseIdCodec
from .bit_codec import BitCodec

__all__ = ['BaseIdCodec', 'BitCodec']
