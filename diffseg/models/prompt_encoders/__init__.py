"""Prompt encoders (PROMPT_ENCODERS): (image, mask) prompts -> tokens."""
from .alpha_clip_embeddings import AlphaCLIPVisionEmbeddings
from .base import BasePromptEncoder
from .clip_prompt_encoder import ALPHA_WEIGHTS_NAME, CLIPPromptEncoder

__all__ = [
    'AlphaCLIPVisionEmbeddings', 'BasePromptEncoder', 'CLIPPromptEncoder',
    'ALPHA_WEIGHTS_NAME'
]
