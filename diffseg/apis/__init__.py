"""High-level APIs: build a model and segment an episode."""
from .inference import inference_incontext, init_model
from .open_vocab import inference_open_vocab
from .panoptic import inference_panoptic
from .video import VideoFrames, inference_video

__all__ = [
    'inference_incontext', 'inference_open_vocab', 'inference_panoptic',
    'inference_video', 'init_model', 'VideoFrames'
]
