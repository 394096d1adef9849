from .diffusers_unet import DiffusersUNet
from .task_embeddings import TaskEmbeddings, remove_cross_attention

__all__ = ['DiffusersUNet', 'TaskEmbeddings', 'remove_cross_attention']
