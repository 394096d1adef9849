"""One denoiser call from the condition to the clean latent (LDIS-1)."""
import torch

from diffseg.registry import SAMPLERS
from .base import BaseSampler


@SAMPLERS.register_module()
class OneStepSampler(BaseSampler):
    """LDIS-1 inference: z = denoiser(condition, t, tokens, token mask).

    The denoiser maps the condition itself (the query latent, noised to t
    or not) to the clean latent, so its output is the clean estimate
    (``prediction_type`` 'sample') and ``return_x0`` changes nothing;
    ``null_tokens`` are not used. With ``self_condition`` the denoiser sees
    zeros as the (absent) previous estimate; ``known`` replaces the output
    on the fixed cells.

    Args:
        timestep: the timestep given to the denoiser (reference code: 0).
    """

    prediction_type = 'sample'
    needs_null_tokens = False

    def __init__(self, timestep: int = 0):
        self.timestep = timestep

    def sample(self, denoiser, condition, tokens, token_mask, null_tokens,
               options):
        t = torch.full((condition.shape[0], ), self.timestep,
                       device=condition.device, dtype=torch.long)
        sample = condition
        if options.self_condition:
            sample = torch.cat([condition, torch.zeros_like(condition)], 1)
        return self.fix_known(denoiser(sample, t, tokens, token_mask),
                              options)
