"""Denoisers (DENOISERS): conditional networks on latents."""
from .base import BaseDenoiser
from .diffusers_unet import DiffusersUNet
from .task_embeddings import TaskEmbeddings, remove_cross_attention

__all__ = [
    'BaseDenoiser', 'DiffusersUNet', 'TaskEmbeddings', 'remove_cross_attention'
]
