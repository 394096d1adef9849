"""Task conditioning of a diffusers UNet through cross-attention.

LDMSeg's reference code deletes the UNet's cross-attention (no text, no
tokens); its paper (v2) queries one model for several tasks with learnable
task embeddings fed through cross-attention.
"""
from typing import Sequence

import torch
from diffusers.models.attention import BasicTransformerBlock
from torch import nn


def remove_cross_attention(unet: nn.Module) -> int:
    """Drop ``attn2`` and ``norm2`` of every transformer block of ``unet``
    (diffusers skips a block's cross-attention when ``attn2`` is None);
    returns how many blocks lost theirs. The context given to the UNet is
    then never read."""
    removed = 0
    for module in unet.modules():
        if getattr(module, 'only_cross_attention', False):
            raise ValueError(
                'the UNet has blocks built with only_cross_attention: their '
                'attn1 reads the context too and cannot be dropped; give '
                'the model task_embeddings to feed them')
        if isinstance(module, BasicTransformerBlock) and (module.attn2
                                                          is not None):
            module.attn2 = None
            module.norm2 = None
            removed += 1
    return removed


class TaskEmbeddings(nn.Module):
    """``num_tokens`` learnable tokens of width ``dim`` per task.

    Args:
        tasks: task names; a task's index in this list selects its tokens.
        dim: token width (the UNet's ``cross_attention_dim``).
        num_tokens: tokens per task.
    """

    def __init__(self, tasks: Sequence[str], dim: int, num_tokens: int = 1):
        super().__init__()
        if not tasks or len(set(tasks)) != len(tasks):
            raise ValueError(f'tasks must be distinct names; got {tasks!r}')
        if num_tokens < 1:
            raise ValueError(f'num_tokens must be >= 1; got {num_tokens}')
        self.tasks = tuple(tasks)
        self.dim, self.num_tokens = dim, num_tokens
        self.embedding = nn.Embedding(len(self.tasks), num_tokens * dim)

    def index(self, task: str) -> int:
        if task not in self.tasks:
            raise ValueError(f'task {task!r} is unknown; this model has '
                             f'{self.tasks}')
        return self.tasks.index(task)

    def forward(self, task_ids: torch.Tensor) -> torch.Tensor:
        """task_ids (B,) long -> tokens (B, num_tokens, dim)."""
        return self.embedding(task_ids).view(-1, self.num_tokens, self.dim)
