"""Iterative denoising from noise to the pseudo-mask latent (LDIS-n)."""
import inspect
from typing import Optional

import torch

from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.registry import SAMPLERS


@SAMPLERS.register_module()
class DiffusionSampler:
    """LDIS-n inference: denoise ``randn`` into a pseudo-mask latent.

    Each step scales the noisy latent for the scheduler, asks the guidance
    for the noise prediction given the query latent and the prompt, and takes
    one scheduler step. The reference uses DDPM, 20 steps, ``DualGuidance``.

    Args:
        scheduler: a noise scheduler config (``build_noise_scheduler``).
        num_inference_steps: denoising steps (= guidance calls).
        guidance: a SAMPLERS config: ``DualGuidance`` or ``ConditionalOnly``.
        seed: seed of the initial noise and of stochastic steps; None uses
            torch's global random state.
    """

    def __init__(self,
                 scheduler: dict,
                 num_inference_steps: int = 20,
                 guidance: dict = dict(type='DualGuidance'),
                 seed: Optional[int] = None):
        if num_inference_steps < 1:
            raise ValueError(f'num_inference_steps must be >= 1; got '
                             f'{num_inference_steps}')
        self.scheduler = build_noise_scheduler(scheduler)
        self.num_inference_steps = num_inference_steps
        self.guidance = SAMPLERS.build(dict(guidance))
        self.seed = seed
        self._step_takes_generator = 'generator' in inspect.signature(
            self.scheduler.step).parameters

    @torch.no_grad()
    def __call__(self, denoiser, z_q: torch.Tensor, tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None) -> torch.Tensor:
        """z_q (B, C, h, w) query latent, tokens and null_tokens (B, L, D),
        token_mask (B, L) or None -> z_0 (B, C, h, w) pseudo-mask latent."""
        if null_tokens is None and getattr(self.guidance, 'needs_null_tokens',
                                           False):
            raise ValueError(f'{type(self.guidance).__name__} needs '
                             f'null_tokens; pass them or use '
                             f'guidance=dict(type="ConditionalOnly")')
        generator = (None if self.seed is None else torch.Generator(
            z_q.device).manual_seed(self.seed))
        step_kwargs = (dict(generator=generator)
                       if self._step_takes_generator else {})
        scheduler = self.scheduler
        scheduler.set_timesteps(self.num_inference_steps, device=z_q.device)
        z = torch.randn(z_q.shape, generator=generator, device=z_q.device,
                        dtype=z_q.dtype) * scheduler.init_noise_sigma
        for t in scheduler.timesteps:
            z_in = scheduler.scale_model_input(z, t)
            eps = self.guidance(denoiser, z_in, t.expand(z.shape[0]), z_q,
                                tokens, token_mask, null_tokens)
            z = scheduler.step(eps, t, z, **step_kwargs).prev_sample
        return z
