"""Where modules sit in a diffusers UNet, and the grids of its layers."""
import math
from typing import Tuple

import torch
import torch.nn.functional as F


def block_rank(name: str) -> Tuple[int, int]:
    """Execution order of the top-level UNet block holding module ``name``."""
    parts = name.split('.')
    if parts[0] == 'down_blocks':
        return (1, int(parts[1]))
    if parts[0] == 'mid_block':
        return (2, 0)
    if parts[0] == 'up_blocks':
        return (3, int(parts[1]))
    return (0, 0) if parts[0] in ('conv_in', 'time_proj',
                                  'time_embedding') else (4, 0)


def top_block(name: str) -> str:
    """The top-level block of a module: 'up_blocks.1.resnets.2' ->
    'up_blocks.1', 'mid_block.attentions.0' -> 'mid_block'."""
    parts = name.split('.')
    return '.'.join(parts[:2] if parts[0].endswith('_blocks') else parts[:1])


def grid_of(num_tokens: int, latent_hw: Tuple[int, int]) -> Tuple[int, int]:
    """(h, w) of a layer with ``num_tokens`` positions on a latent of size
    ``latent_hw`` (each UNet level halves the size, rounding up)."""
    for level in range(8):
        h, w = (math.ceil(s / 2**level) for s in latent_hw)
        if h * w == num_tokens:
            return h, w
    raise ValueError(f'an attention layer has {num_tokens} positions, which '
                     f'is no downsampling of the {latent_hw} latent')


def resize(x: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size, mode='bilinear', align_corners=False)
