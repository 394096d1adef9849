"""Convert Alpha-CLIP visual towers (OpenAI CLIP naming) to transformers.

An Alpha-CLIP checkpoint (``clip_l14_grit20m_fultune_2xe.pth`` and the like)
is the state dict of the OpenAI CLIP ``VisionTransformer`` plus
``conv1_alpha.weight``. :func:`convert_alpha_clip_state_dict` maps it onto
``CLIPVisionModelWithProjection`` and :func:`save_alpha_clip` writes a
directory that :class:`CLIPPromptEncoder` (``pretrained=...``,
``pre_masking='alpha'``) loads: ``config.json`` + ``model.safetensors`` and
``ALPHA_WEIGHTS_NAME`` holding the alpha conv under ``ALPHA_KEY_SUFFIX``.
"""
import os
import os.path as osp
import re

import torch
from safetensors.torch import save_file
from transformers import (CLIPVisionConfig, CLIPVisionModel,
                          CLIPVisionModelWithProjection)

from .clip_prompt_encoder import ALPHA_KEY_SUFFIX, ALPHA_WEIGHTS_NAME

# containers and key prefixes around the visual tower's own keys
WRAPPER_KEYS = ('state_dict', 'model')
KEY_PREFIXES = ('module.', 'visual.')
HEAD_DIM = 64  # OpenAI CLIP: heads = width // 64
RESBLOCK = re.compile(r'^transformer\.resblocks\.(\d+)\.')
# OpenAI name -> transformers name (CLIPVisionModel) of the unfused tensors
TOP_LEVEL = {
    'conv1.weight': 'embeddings.patch_embedding.weight',
    'class_embedding': 'embeddings.class_embedding',
    'positional_embedding': 'embeddings.position_embedding.weight',
    'ln_pre.weight': 'pre_layrnorm.weight',
    'ln_pre.bias': 'pre_layrnorm.bias',
    'ln_post.weight': 'post_layernorm.weight',
    'ln_post.bias': 'post_layernorm.bias',
}
PER_BLOCK = {
    'attn.out_proj.weight': 'self_attn.out_proj.weight',
    'attn.out_proj.bias': 'self_attn.out_proj.bias',
    'ln_1.weight': 'layer_norm1.weight',
    'ln_1.bias': 'layer_norm1.bias',
    'ln_2.weight': 'layer_norm2.weight',
    'ln_2.bias': 'layer_norm2.bias',
    'mlp.c_fc.weight': 'mlp.fc1.weight',
    'mlp.c_fc.bias': 'mlp.fc1.bias',
    'mlp.c_proj.weight': 'mlp.fc2.weight',
    'mlp.c_proj.bias': 'mlp.fc2.bias',
}


def load_alpha_clip_checkpoint(path: str) -> dict:
    """``torch.load`` an Alpha-CLIP checkpoint on CPU (``weights_only``)."""
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'Alpha-CLIP checkpoint not found: {path!r} (expected a .pth '
            'visual-tower state dict, e.g. clip_l14_grit20m_fultune_2xe.pth)')
    return torch.load(path, map_location='cpu', weights_only=True)


def unwrap_visual_state_dict(checkpoint) -> dict:
    """The visual tower's state dict with OpenAI CLIP keys (``conv1.weight``).

    Accepts it wrapped in a 'state_dict' / 'model' entry and with 'module.'
    (DDP) and 'visual.' (full CLIP) prefixes; with 'visual.' keys present,
    the other keys (text tower) are dropped.
    """
    for key in WRAPPER_KEYS:
        if isinstance(checkpoint, dict) and isinstance(
                checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
    if not isinstance(checkpoint, dict):
        raise TypeError('expected a state dict (a dict of tensors), got '
                        f'{type(checkpoint).__name__}')
    state_dict = dict(checkpoint)
    for prefix in KEY_PREFIXES:
        if any(k.startswith(prefix) for k in state_dict):
            state_dict = {
                k[len(prefix):]: v
                for k, v in state_dict.items() if k.startswith(prefix)
            }
    if 'conv1.weight' not in state_dict:
        found = ', '.join(sorted(state_dict)[:8]) or 'none'
        raise ValueError(
            'not a CLIP ViT visual tower: no `conv1.weight` (OpenAI CLIP '
            f'naming expected); {len(state_dict)} keys found, e.g. {found}')
    return state_dict


def _pop(state_dict: dict, key: str) -> torch.Tensor:
    """Remove and return ``state_dict[key]``; a clear error when missing."""
    if key not in state_dict:
        raise ValueError(f'the visual tower has no `{key}`')
    return state_dict.pop(key)


def convert_alpha_clip_state_dict(state_dict: dict,
                                  num_heads: int | None = None,
                                  image_size: int | None = None):
    """Map an Alpha-CLIP visual tower onto ``CLIPVisionModelWithProjection``.

    Args:
        state_dict: OpenAI CLIP ``VisionTransformer`` tensors plus
            ``conv1_alpha.weight`` (possibly wrapped, see
            :func:`unwrap_visual_state_dict`).
        num_heads: attention heads (default: width // 64, as in OpenAI CLIP).
        image_size: input side (default: inferred from the position
            embedding, grid * patch).

    Returns:
        ``(config, hf_state_dict, alpha_weight)``: the ``CLIPVisionConfig``
        inferred from the shapes, the ``CLIPVisionModelWithProjection`` state
        dict (``vision_model.*``, plus ``visual_projection.weight`` (dim,
        width) = ``proj.T`` when ``proj`` is present) and the alpha conv
        weight (width, 1, patch, patch).
    """
    sd = unwrap_visual_state_dict(state_dict)
    if 'conv1_alpha.weight' not in sd:
        raise ValueError(
            'no `conv1_alpha.weight`: a plain CLIP visual tower, not '
            'Alpha-CLIP (plain CLIP needs no conversion: use its transformers '
            "weights with pre_masking='none', or with alpha_init='zeros' to "
            'train an alpha convolution from zero)')
    alpha_weight = sd.pop('conv1_alpha.weight')
    blocks = sorted({int(m.group(1)) for m in map(RESBLOCK.match, sd) if m})
    if not blocks:
        raise ValueError('no `transformer.resblocks.*`: not a ViT visual '
                         'tower (ModifiedResNet Alpha-CLIP is not supported)')
    if blocks != list(range(len(blocks))):
        raise ValueError('expected transformer.resblocks.0 ... N-1; found '
                         f'block indices {blocks}')
    hf = {new: _pop(sd, old) for old, new in TOP_LEVEL.items()}
    width, channels, patch, _ = hf['embeddings.patch_embedding.weight'].shape
    if alpha_weight.shape != (width, 1, patch, patch):
        raise ValueError(f'conv1_alpha.weight has shape '
                         f'{tuple(alpha_weight.shape)}; expected '
                         f'{(width, 1, patch, patch)} to match conv1.weight')
    for i in blocks:
        src, dst = f'transformer.resblocks.{i}.', f'encoder.layers.{i}.'
        for kind in ('weight', 'bias'):
            qkv = _pop(sd, f'{src}attn.in_proj_{kind}')
            if qkv.shape[0] != 3 * width:
                raise ValueError(
                    f'{src}attn.in_proj_{kind} has shape {tuple(qkv.shape)}; '
                    f'expected 3 * {width} rows (q, k, v)')
            for name, part in zip('qkv', qkv.split(width)):
                hf[f'{dst}self_attn.{name}_proj.{kind}'] = part
        hf.update({dst + new: _pop(sd, src + old)
                   for old, new in PER_BLOCK.items()})
    proj = sd.pop('proj', None)
    if sd:
        raise ValueError(f'unexpected keys left after the conversion: '
                         f'{sorted(sd)}')

    config = CLIPVisionConfig(
        hidden_size=width,
        intermediate_size=hf['encoder.layers.0.mlp.fc1.weight'].shape[0],
        # unused without `proj` (a plain CLIPVisionModel is saved then)
        projection_dim=width if proj is None else proj.shape[1],
        num_hidden_layers=len(blocks),
        num_attention_heads=_num_heads(width, num_heads),
        num_channels=channels,
        image_size=_image_size(
            hf['embeddings.position_embedding.weight'].shape[0], patch,
            image_size),
        patch_size=patch,
        hidden_act='quick_gelu',
        layer_norm_eps=1e-5)
    hf = {f'vision_model.{k}': v for k, v in hf.items()}
    if proj is not None:
        hf['visual_projection.weight'] = proj.t()
    return config, hf, alpha_weight


def _num_heads(width: int, num_heads: int | None) -> int:
    """``num_heads``, checked, or width // 64 (OpenAI CLIP) when None."""
    if num_heads is None:
        if width % HEAD_DIM:
            raise ValueError(
                f'width {width} is not a multiple of {HEAD_DIM}: give the '
                'number of attention heads (--num-heads)')
        return width // HEAD_DIM
    if num_heads < 1 or width % num_heads:
        raise ValueError(
            f'num_heads={num_heads} does not divide the width {width}')
    return num_heads


def _image_size(num_positions: int, patch: int, image_size: int | None) -> int:
    """Input side for ``num_positions`` = grid**2 + 1 position embeddings."""
    grid = round((num_positions - 1)**0.5)
    if grid * grid + 1 != num_positions:
        raise ValueError(
            f'positional_embedding has {num_positions} rows; expected '
            'grid**2 + 1 (a square patch grid plus the class token)')
    if image_size is None:
        return grid * patch
    if image_size // patch != grid:
        raise ValueError(
            f'image_size={image_size} gives a {image_size // patch}^2 patch '
            f'grid (patch {patch}); the position embedding is {grid}^2')
    return image_size


def save_alpha_clip(out_dir: str,
                    config: CLIPVisionConfig,
                    hf_state_dict: dict,
                    alpha_weight: torch.Tensor,
                    projection: bool = True) -> list[str]:
    """Write a converted Alpha-CLIP with ``save_pretrained``.

    ``projection``: save ``CLIPVisionModelWithProjection`` (needs
    ``visual_projection.weight``), else a plain ``CLIPVisionModel``. The
    tensors are checked with a strict ``load_state_dict``. Returns the paths
    written: config.json, model.safetensors and ``ALPHA_WEIGHTS_NAME``.
    """
    if projection:
        if 'visual_projection.weight' not in hf_state_dict:
            raise ValueError('the checkpoint has no `proj`: save it without '
                             'the projection (--no-projection)')
        model = CLIPVisionModelWithProjection(config)
    else:
        model = CLIPVisionModel(config)
        prefix = 'vision_model.'
        hf_state_dict = {
            k[len(prefix):]: v
            for k, v in hf_state_dict.items() if k.startswith(prefix)
        }
    model.load_state_dict(hf_state_dict, strict=True)
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    alpha_path = osp.join(out_dir, ALPHA_WEIGHTS_NAME)
    save_file({ALPHA_KEY_SUFFIX: alpha_weight.to(model.dtype).contiguous()},
              alpha_path)
    return [
        osp.join(out_dir, 'config.json'),
        osp.join(out_dir, 'model.safetensors'), alpha_path
    ]
