"""The running std of training latents that sets an exported autoencoder's
``scaling_factor`` (the rule that gave Stable Diffusion its 0.18215:
diffusion models expect unit-variance latents)."""
from typing import Optional

import torch


def update_latent_std(latent_std: torch.Tensor, latents: torch.Tensor,
                      momentum: float) -> None:
    """Fold the std of a batch of unscaled ``latents`` into ``latent_std``
    (a 0-d buffer, 0 until the first batch) in place:
    ``std <- momentum * std + (1 - momentum) * batch std``."""
    std = latents.float().std()
    if latent_std == 0:
        latent_std.copy_(std)
    else:
        latent_std.mul_(momentum).add_((1 - momentum) * std)


def scaling_factor_from_std(latent_std: torch.Tensor) -> Optional[float]:
    """1 / ``latent_std``, or None before any estimate (std 0)."""
    return float(1 / latent_std) if latent_std > 0 else None
