"""Iterative denoising from noise to a clean latent (LDIS-n, LDMSeg)."""
import inspect
from typing import Optional

import torch

from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.models.utils.diffusion_math import (alpha_bar_at, predict_x0,
                                                 x0_to_output)
from diffseg.registry import GUIDANCE, SAMPLERS
from .base import BaseSampler, SamplingOptions


@SAMPLERS.register_module()
class DiffusionSampler(BaseSampler):
    """Denoise ``randn`` into a latent with any diffusers scheduler.

    Each step scales the noisy latent for the scheduler, asks the guidance
    for the denoiser output given the condition and the prompt, and takes
    one scheduler step. The clean-latent estimate x0 of a step is the one
    the output implies at the scaled latent (``predict_x0``); it feeds
    self-conditioning, inpainting (x0 takes the known latent on the fixed
    cells and the output is re-expressed for it, so the step puts the known
    latent at the next noise level, with the noise the trajectory carries)
    and ``return_x0``. The LDIS-n reference uses DDPM, 20 steps,
    ``DualGuidance``.

    Args:
        scheduler: a noise scheduler config (``build_noise_scheduler``).
        num_inference_steps: denoising steps (= guidance calls).
        guidance: a GUIDANCE config: ``DualGuidance`` or ``ConditionalOnly``.
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
        self.guidance = GUIDANCE.build(dict(guidance))
        self.seed = seed
        self._step_takes_generator = 'generator' in inspect.signature(
            self.scheduler.step).parameters

    @property
    def prediction_type(self) -> str:
        return self.scheduler.config.prediction_type

    @property
    def needs_null_tokens(self) -> bool:
        return self.guidance.needs_null_tokens

    @torch.no_grad()
    def sample(self, denoiser, condition, tokens, token_mask, null_tokens,
               options):
        """condition (B, C, h, w), tokens and null_tokens (B, L, D),
        token_mask (B, L) or None -> the last step's sample, or its clean
        estimate with ``return_x0`` (B, C, h, w)."""
        if null_tokens is None and self.needs_null_tokens:
            raise ValueError(f'{type(self.guidance).__name__} needs '
                             f'null_tokens; pass them or use '
                             f'guidance=dict(type="ConditionalOnly")')
        track_x0 = (options.self_condition or options.known is not None
                    or options.return_x0)
        generator = (None if self.seed is None else torch.Generator(
            condition.device).manual_seed(self.seed))
        step_kwargs = (dict(generator=generator)
                       if self._step_takes_generator else {})
        scheduler = self.scheduler
        scheduler.set_timesteps(self.num_inference_steps,
                                device=condition.device)
        z = torch.randn(condition.shape, generator=generator,
                        device=condition.device,
                        dtype=condition.dtype) * scheduler.init_noise_sigma
        x0 = None
        for t in scheduler.timesteps:
            z_in = scheduler.scale_model_input(z, t)
            t_batch = t.expand(z.shape[0])
            cond = condition
            if options.self_condition:
                previous = torch.zeros_like(z_in) if x0 is None else x0
                cond = torch.cat([condition, previous.to(condition.dtype)], 1)
            output = self.guidance(denoiser, z_in, t_batch, cond, tokens,
                                   token_mask, null_tokens)
            if track_x0:
                x0, output = self.clean_estimate(output, z_in, t_batch,
                                                 options)
            z = scheduler.step(output, t, z, **step_kwargs).prev_sample
        return x0 if options.return_x0 else z

    def clean_estimate(self, output: torch.Tensor, z_t: torch.Tensor,
                       t: torch.Tensor, options: SamplingOptions):
        """-> (x0 (B, C, h, w), the output that implies it): x0 implied by
        ``output`` at z_t, with ``options.known`` on the fixed cells."""
        alpha_bar = alpha_bar_at(self.scheduler.alphas_cumprod, t, z_t)
        x0 = predict_x0(output, z_t, alpha_bar, self.prediction_type)
        if options.known is None:
            return x0, output
        x0 = self.fix_known(x0, options)
        m = options.known_mask.to(x0.dtype)
        fixed = x0_to_output(x0, z_t, alpha_bar, self.prediction_type)
        return x0, m * fixed + (1 - m) * output
