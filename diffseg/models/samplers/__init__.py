from .diffusion_sampler import DiffusionSampler
from .guidance import ConditionalOnly, DualGuidance, check_guidance_inputs
from .one_step_sampler import OneStepSampler

__all__ = [
    'OneStepSampler', 'DiffusionSampler', 'DualGuidance', 'ConditionalOnly',
    'check_guidance_inputs'
]
