from .clip_text_encoder import (ClassPrompts, CLIPTextEncoder,
                                build_class_prompts)
from .clip_tokenizer import build_clip_tokenizer, load_tokenizer

__all__ = [
    'ClassPrompts', 'CLIPTextEncoder', 'build_class_prompts',
    'build_clip_tokenizer', 'load_tokenizer'
]
