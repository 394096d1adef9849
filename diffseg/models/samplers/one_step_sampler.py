"""One denoiser call from the query latent to the pseudo-mask latent."""
import torch

from diffseg.registry import SAMPLERS


@SAMPLERS.register_module()
class OneStepSampler:
    """LDIS-1 inference: z_mask = denoiser(z_t, t, prompt tokens, token mask).

    Args:
        timestep: the timestep given to the denoiser (reference code: 0).
    """

    def __init__(self, timestep: int = 0):
        self.timestep = timestep

    def __call__(self, denoiser, latent: torch.Tensor, tokens: torch.Tensor,
                 token_mask=None) -> torch.Tensor:
        """latent (B, C, h, w), tokens (B, L, D), token_mask (B, L) -> (B, C, h, w)."""
        t = torch.full((latent.shape[0], ), self.timestep,
                       device=latent.device, dtype=torch.long)
        return denoiser(latent, t, tokens, token_mask)
