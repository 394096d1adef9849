"""Classifier-free guidance on the query and the prompt (LDIS-n, Eq. 10)."""
from typing import Optional

import torch

from diffseg.registry import GUIDANCE
from .base import BaseGuidance, check_guidance_inputs


@GUIDANCE.register_module()
class DualGuidance(BaseGuidance):
    """Classifier-free guidance on the query and the prompt (Eq. 10).

    Three branches share the noisy latent and the token mask:
    full = (z_q, tokens), q = (z_q, null tokens), none = (zeros, null tokens);
    ``eps = e_none + prompt_scale (e_full - e_q)
    + query_scale (e_q - e_none)``.

    Args:
        query_scale: gamma_q (reference: 1.5).
        prompt_scale: gamma_tau (reference: 7).
        batched: one denoiser call on the 3B batch (True) or three calls.
    """

    needs_null_tokens = True

    def __init__(self, query_scale: float = 1.5, prompt_scale: float = 7.0,
                 batched: bool = True):
        self.query_scale = query_scale
        self.prompt_scale = prompt_scale
        self.batched = batched

    def __call__(self, denoiser, z_t: torch.Tensor, t: torch.Tensor,
                 z_q: torch.Tensor, tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None) -> torch.Tensor:
        """z_t (B, C, h, w), t scalar or (B,), z_q (B, C_q, h, w), tokens and
        null_tokens (B, L, D), token_mask (B, L) or None
        -> eps (B, C, h, w)."""
        if null_tokens is None:
            raise ValueError('DualGuidance needs null_tokens (the null prompt '
                             'tokens, shaped like tokens)')
        check_guidance_inputs(z_t, z_q, tokens, token_mask, null_tokens)
        with_query = torch.cat([z_t, z_q], 1)
        samples = [with_query, with_query,
                   torch.cat([z_t, torch.zeros_like(z_q)], 1)]
        prompts = [tokens, null_tokens, null_tokens]
        if self.batched:
            mask = None if token_mask is None else token_mask.repeat(3, 1)
            t3 = t.repeat(3) if t.dim() else t
            e_full, e_q, e_none = denoiser(torch.cat(samples), t3,
                                           torch.cat(prompts), mask).chunk(3)
        else:
            e_full, e_q, e_none = (denoiser(s, t, p, token_mask)
                                   for s, p in zip(samples, prompts))
        return (e_none + self.prompt_scale * (e_full - e_q) +
                self.query_scale * (e_q - e_none))
