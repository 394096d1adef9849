"""High-level APIs: build a model and segment an episode."""
from .inference import inference_incontext, init_model

__all__ = ['inference_incontext', 'init_model']
