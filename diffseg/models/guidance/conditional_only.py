"""No guidance: the conditional branch alone."""
from typing import Optional

import torch

from diffseg.registry import GUIDANCE
from .base import BaseGuidance, check_guidance_inputs


@GUIDANCE.register_module()
class ConditionalOnly(BaseGuidance):
    """No guidance: one denoiser call on (z_q, tokens); null_tokens unused."""

    def __call__(self, denoiser, z_t: torch.Tensor, t: torch.Tensor,
                 z_q: torch.Tensor, tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None) -> torch.Tensor:
        """z_t (B, C, h, w), t scalar or (B,), z_q (B, C_q, h, w),
        tokens (B, L, D), token_mask (B, L) or None -> eps (B, C, h, w)."""
        check_guidance_inputs(z_t, z_q, tokens, token_mask, null_tokens)
        return denoiser(torch.cat([z_t, z_q], 1), t, tokens, token_mask)
