from .clip_tokenizer import build_clip_tokenizer, load_tokenizer

__all__ = ['build_clip_tokenizer', 'load_tokenizer']
