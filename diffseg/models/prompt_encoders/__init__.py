"""Prompt encoders (PROMPT_ENCODERS): (image, mask) prompts -> tokens."""
from .alpha_clip_embeddings import AlphaCLIPVisionEmbeddings
from .clip_prompt_encoder import ALPHA_WEIGHTS_NAME, CLIPPromptEncoder

__all__ = ['AlphaCLIPVisionEmbeddings', 'CLIPPromptEncoder',
           'ALPHA_WEIGHTS_NAME']
