"""Samplers (SAMPLERS): a denoiser and a condition -> a clean latent."""
from .base import BaseSampler, SamplingOptions
from .diffusion_sampler import DiffusionSampler
from .one_step_sampler import OneStepSampler

__all__ = [
    'BaseSampler', 'DiffusionSampler', 'OneStepSampler', 'SamplingOptions'
]
