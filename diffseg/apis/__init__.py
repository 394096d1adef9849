"""High-level APIs: build a model and segment an episode."""
from .inference import inference_incontext, init_model
from .open_vocab import inference_open_vocab
from .panoptic import inference_panoptic

__all__ = [
    'inference_incontext', 'inference_open_vocab', 'inference_panoptic',
    'init_model'
]
