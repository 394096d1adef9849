"""The contract of GUIDANCE: the denoiser output of one sampling step.

Guidance maps ``(denoiser, z_t, t, condition, tokens, token_mask,
null_tokens)`` to the output (B, C, h, w) a scheduler step takes. The
denoiser sees ``cat([z_t, condition], 1)`` (LDIS-n: the query latent,
8 channels for SD; LDMSeg: the image latent and the self-conditioning
estimate) and the prompt tokens.
"""
from abc import ABCMeta, abstractmethod
from typing import Optional

import torch


def check_guidance_inputs(z_t: torch.Tensor, z_q: torch.Tensor,
                          tokens: torch.Tensor,
                          token_mask: Optional[torch.Tensor],
                          null_tokens: Optional[torch.Tensor]):
    """Raise ValueError unless z_t (B, C, h, w), z_q (B, C_q, h, w),
    tokens (B, L, D), token_mask (B, L) or None, null_tokens (B, L, D) or
    None agree."""
    if z_t.dim() != 4 or z_q.dim() != 4:
        raise ValueError(f'z_t and z_q must be (B, C, h, w); got '
                         f'{tuple(z_t.shape)} and {tuple(z_q.shape)}')
    if z_q.shape[0] != z_t.shape[0] or z_q.shape[2:] != z_t.shape[2:]:
        raise ValueError(f'the query latent {tuple(z_q.shape)} must have the '
                         f'batch size and spatial size of z_t '
                         f'{tuple(z_t.shape)}')
    if tokens.dim() != 3 or tokens.shape[0] != z_t.shape[0]:
        raise ValueError(f'tokens must be (B, L, D) with B = {z_t.shape[0]}; '
                         f'got {tuple(tokens.shape)}')
    if token_mask is not None and token_mask.shape != tokens.shape[:2]:
        raise ValueError(f'token_mask must be (B, L) = '
                         f'{tuple(tokens.shape[:2])}; got '
                         f'{tuple(token_mask.shape)}')
    if null_tokens is not None and null_tokens.shape != tokens.shape:
        raise ValueError(f'null_tokens must have the shape of tokens '
                         f'{tuple(tokens.shape)}; got '
                         f'{tuple(null_tokens.shape)} (expand a single null '
                         f'prompt to the batch first)')


class BaseGuidance(metaclass=ABCMeta):
    """One sampling step's denoiser output, with or without guidance.

    ``needs_null_tokens``: the guidance runs an unconditional branch on the
    null prompt tokens, so callers must give them.
    """

    needs_null_tokens: bool = False

    @abstractmethod
    def __call__(self, denoiser, z_t: torch.Tensor, t: torch.Tensor,
                 z_q: torch.Tensor, tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None) -> torch.Tensor:
        """z_t (B, C, h, w), t scalar or (B,), z_q (B, C_q, h, w) the
        condition, tokens and null_tokens (B, L, D), token_mask (B, L) or
        None -> output (B, C, h, w)."""
