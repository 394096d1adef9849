"""Cross-attention capture for diffusers UNets (fp32 attention maps).

:class:`AttentionCaptureProcessor` replaces the processor of a cross-attention
layer (``attn2``). It computes the layer's attention itself with the logits
and softmax in fp32 (fp16 logits overflow in ``exp``), so the output it
returns is the attention it records. While its :class:`AttentionStore` is
recording it keeps, per call, the head-averaged map and the layer's queries;
from the queries the maps for other prompts follow without running the UNet
again (:func:`attention_from_queries`).
"""
from dataclasses import dataclass
from typing import Dict, List, Optional

import torch
from diffusers.models.attention_processor import Attention

from diffseg.utils.misc import check_choice

ATTENTION_VALUES = ('softmax', 'exp')


def split_heads(attn: Attention, x: torch.Tensor) -> torch.Tensor:
    """(B, N, heads * d) -> (B, heads, N, d)."""
    b, n, _ = x.shape
    return x.view(b, n, attn.heads, -1).transpose(1, 2)


def cross_context(attn: Attention, text: torch.Tensor) -> torch.Tensor:
    """Prompt tokens as the layer's keys and values see them."""
    return attn.norm_encoder_hidden_states(text) if attn.norm_cross else text


def context_keys(attn: Attention, context: torch.Tensor) -> torch.Tensor:
    """Context (B, L, D) -> the layer's keys (B, heads, L, d)."""
    key = split_heads(attn, attn.to_k(context))
    if getattr(attn, 'norm_k', None) is not None:
        key = attn.norm_k(key)
    return key


def attention_logits(attn: Attention, query: torch.Tensor,
                     key: torch.Tensor) -> torch.Tensor:
    """q (B, h, N, d), k (B or 1, h, L, d) -> fp32 q.k * scale (B, h, N, L)."""
    return torch.matmul(query.float(), key.float().transpose(-1, -2)) * (
        attn.scale)


def attention_value(logits: torch.Tensor, value: str) -> torch.Tensor:
    """Head-averaged map (B, N, L) from fp32 logits (B, h, N, L): softmax
    probabilities, or exp(logits) (the reference code's unnormalised maps)."""
    maps = logits.softmax(-1) if value == 'softmax' else logits.exp()
    return maps.mean(1)


def attention_from_queries(attn: Attention, query: torch.Tensor,
                           text: torch.Tensor, value: str) -> torch.Tensor:
    """The map a layer would record for prompt ``text`` (1 or B, L, D) given
    its recorded queries (B, h, N, d): (B, N, L)."""
    text = text.to(attn.to_k.weight.dtype)
    key = context_keys(attn, cross_context(attn, text))
    return attention_value(attention_logits(attn, query, key), value)


@dataclass
class AttentionRecord:
    """One call of a capturing layer: its module, queries (B, h, N, d) fp32
    and head-averaged map (B, N, L)."""
    attn: Attention
    query: torch.Tensor
    maps: torch.Tensor


class AttentionStore:
    """Records of the capturing layers while ``recording`` is True."""

    def __init__(self):
        self.recording = False
        self.records: Dict[str, List[AttentionRecord]] = {}

    def clear(self) -> None:
        self.records = {}

    def add(self, name: str, record: AttentionRecord) -> None:
        self.records.setdefault(name, []).append(record)


class AttentionCaptureProcessor:
    """Attention processor computing fp32 attention and recording it.

    Args:
        store: where the records go (only while ``store.recording``).
        name: the layer's name in the store.
        value: recorded map, 'softmax' (probabilities, sum to 1 over the
            tokens) or 'exp' (exp of the logits, the reference code's).
    """

    def __init__(self, store: AttentionStore, name: str,
                 value: str = 'softmax'):
        check_choice('attention value', value, ATTENTION_VALUES)
        self.store = store
        self.name = name
        self.value = value

    def __call__(self,
                 attn: Attention,
                 hidden_states: torch.Tensor,
                 encoder_hidden_states: Optional[torch.Tensor] = None,
                 attention_mask: Optional[torch.Tensor] = None,
                 temb: Optional[torch.Tensor] = None,
                 *args,
                 **kwargs) -> torch.Tensor:
        residual = hidden_states
        if attn.spatial_norm is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        shape = hidden_states.shape
        if hidden_states.ndim == 4:  # (B, C, H, W) -> (B, HW, C)
            hidden_states = hidden_states.flatten(2).transpose(1, 2)
        batch = hidden_states.shape[0]
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(
                hidden_states.transpose(1, 2)).transpose(1, 2)
        context = (hidden_states if encoder_hidden_states is None else
                   cross_context(attn, encoder_hidden_states))
        query = split_heads(attn, attn.to_q(hidden_states))
        if getattr(attn, 'norm_q', None) is not None:
            query = attn.norm_q(query)
        key = context_keys(attn, context)
        value = split_heads(attn, attn.to_v(context))
        logits = attention_logits(attn, query, key)
        if attention_mask is not None:  # additive, (B * heads, 1 or N, L)
            mask = attn.prepare_attention_mask(attention_mask, key.shape[2],
                                               batch)
            logits = logits + mask.view(batch, attn.heads, -1,
                                        key.shape[2]).float()
        probs = logits.softmax(-1)
        if self.store.recording:
            maps = probs.mean(1) if self.value == 'softmax' else (
                attention_value(logits, self.value))
            self.store.add(self.name,
                           AttentionRecord(attn, query.float(), maps))
        out = torch.matmul(probs.to(value.dtype), value)
        out = out.transpose(1, 2).reshape(batch, -1, attn.heads *
                                          value.shape[-1])
        out = attn.to_out[1](attn.to_out[0](out))
        if len(shape) == 4:
            out = out.transpose(1, 2).reshape(shape)
        if attn.residual_connection:
            out = out + residual
        return out / attn.rescale_output_factor
