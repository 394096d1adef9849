"""Guidance (GUIDANCE): the denoiser output of one sampling step."""
from .base import BaseGuidance, check_guidance_inputs
from .conditional_only import ConditionalOnly
from .dual_guidance import DualGuidance

__all__ = [
    'BaseGuidance', 'ConditionalOnly', 'DualGuidance', 'check_guidance_inputs'
]
