"""UNet feature and attention extractors (FEATURE_EXTRACTORS)."""
from .attention_capture import (AttentionCaptureProcessor, AttentionStore,
                                attention_from_queries)
from .base import BaseFeatureExtractor
from .unet_feature_extractor import UNetFeatureExtractor

__all__ = [
    'AttentionCaptureProcessor', 'AttentionStore', 'BaseFeatureExtractor',
    'UNetFeatureExtractor', 'attention_from_queries'
]
