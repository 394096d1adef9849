"""Noise prediction of one LDIS-n denoising step, with or without guidance.

The denoiser sees ``cat([z_t, query latent], 1)`` (8 channels for SD) and the
prompt tokens. Each class maps ``(denoiser, z_t, t, z_q, tokens, token_mask,
null_tokens)`` to the noise prediction ``eps`` (B, C, h, w).
"""
from typing import Optional

import torch

from diffseg.registry import SAMPLERS


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


@SAMPLERS.register_module()
class DualGuidance:
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


@SAMPLERS.register_module()
class ConditionalOnly:
    """No guidance: one denoiser call on (z_q, tokens); null_tokens unused."""

    needs_null_tokens = False

    def __call__(self, denoiser, z_t: torch.Tensor, t: torch.Tensor,
                 z_q: torch.Tensor, tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None) -> torch.Tensor:
        """z_t (B, C, h, w), t scalar or (B,), z_q (B, C_q, h, w),
        tokens (B, L, D), token_mask (B, L) or None -> eps (B, C, h, w)."""
        check_guidance_inputs(z_t, z_q, tokens, token_mask, null_tokens)
        return denoiser(torch.cat([z_t, z_q], 1), t, tokens, token_mask)
