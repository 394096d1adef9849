"""LDMSeg's diffusion arithmetic and its denoiser as the sampler calls it.

Conventions: ``alpha_bar`` is the scheduler's cumulative product at the
timestep, broadcast as (B, 1, 1, 1); z_t = sqrt(alpha_bar) z_0 +
sqrt(1 - alpha_bar) eps.
"""
from typing import Optional

import torch

PREDICTION_TYPES = ('epsilon', 'sample', 'v_prediction')


def _check(prediction_type: str) -> None:
    if prediction_type not in PREDICTION_TYPES:
        raise ValueError(f'prediction_type {prediction_type!r} is not '
                         f'supported; use one of {PREDICTION_TYPES}')


def alpha_bar_at(alphas_cumprod: torch.Tensor, t: torch.Tensor,
                 like: torch.Tensor) -> torch.Tensor:
    """alpha_bar of timesteps t (B,) or scalar -> (B or 1, 1, 1, 1), on the
    device and dtype of ``like``."""
    t = torch.as_tensor(t).round().long().reshape(-1).cpu()
    return alphas_cumprod[t].to(like.device, like.dtype).view(-1, 1, 1, 1)


def predict_x0(output: torch.Tensor, z_t: torch.Tensor,
               alpha_bar: torch.Tensor, prediction_type: str) -> torch.Tensor:
    """The clean latent implied by a denoiser output."""
    _check(prediction_type)
    if prediction_type == 'sample':
        return output
    a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    if prediction_type == 'epsilon':
        return (z_t - s * output) / a
    return a * z_t - s * output


def x0_to_output(x0: torch.Tensor, z_t: torch.Tensor,
                 alpha_bar: torch.Tensor, prediction_type: str):
    """The denoiser output that implies the clean latent ``x0`` at z_t
    (the inverse of :func:`predict_x0`)."""
    _check(prediction_type)
    if prediction_type == 'sample':
        return x0
    a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    eps = (z_t - a * x0) / s
    return eps if prediction_type == 'epsilon' else a * eps - s * x0


def prediction_target(z_0: torch.Tensor, noise: torch.Tensor,
                      alpha_bar: torch.Tensor, prediction_type: str):
    """What the denoiser learns to output for z_0 noised with ``noise``."""
    _check(prediction_type)
    if prediction_type == 'epsilon':
        return noise
    if prediction_type == 'sample':
        return z_0
    return alpha_bar.sqrt() * noise - (1 - alpha_bar).sqrt() * z_0


def min_snr_weight(alpha_bar: torch.Tensor, gamma: Optional[float],
                   prediction_type: str) -> torch.Tensor:
    """Min-SNR-gamma loss weight (Hang et al. 2023): min(SNR, gamma) / SNR
    for epsilon, min(SNR, gamma) for sample, min(SNR, gamma) / (SNR + 1)
    for v; SNR = alpha_bar / (1 - alpha_bar). None gives weight 1."""
    _check(prediction_type)
    if gamma is None:
        return torch.ones_like(alpha_bar)
    snr = alpha_bar / (1 - alpha_bar)
    clamped = snr.clamp(max=gamma)
    if prediction_type == 'epsilon':
        return clamped / snr
    if prediction_type == 'sample':
        return clamped
    return clamped / (snr + 1)


class SelfConditionedDenoiser:
    """LDMSeg's denoiser in the calling convention of DiffusionSampler's
    ``ConditionalOnly`` guidance: ``(cat([z_t, z_img]), t, tokens, mask)``.

    Each call appends the self-conditioning input (zeros at the first step,
    then the previous step's clean-latent estimate) when ``self_condition``,
    runs the UNet and keeps the clean-latent estimate in ``x0``, so after
    the sampler's last step ``x0`` is the final prediction.

    Inpainting (``known`` latent (B, C, h, w) with ``known_mask`` (B, 1, h,
    w), 1 = fixed): the clean estimate is replaced by ``known`` on the fixed
    cells and the output re-expressed for it, so any scheduler's step
    returns the known latent noised to the next level there (with the noise
    the trajectory carries) while the rest is generated around it.
    """

    def __init__(self, denoiser, alphas_cumprod: torch.Tensor,
                 prediction_type: str, latent_channels: int,
                 self_condition: bool = True,
                 known: Optional[torch.Tensor] = None,
                 known_mask: Optional[torch.Tensor] = None):
        _check(prediction_type)
        if (known is None) != (known_mask is None):
            raise ValueError('give both known and known_mask, or neither')
        self.denoiser = denoiser
        self.alphas_cumprod = alphas_cumprod
        self.prediction_type = prediction_type
        self.latent_channels = latent_channels
        self.self_condition = self_condition
        self.known, self.known_mask = known, known_mask
        self.x0 = None

    def __call__(self, sample: torch.Tensor, t: torch.Tensor,
                 tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        z_t = sample[:, :self.latent_channels]
        if self.self_condition:
            cond = torch.zeros_like(z_t) if self.x0 is None else self.x0
            sample = torch.cat([sample, cond.to(sample.dtype)], 1)
        output = self.denoiser(sample, t, tokens, token_mask)
        alpha_bar = alpha_bar_at(self.alphas_cumprod, t, z_t)
        x0 = predict_x0(output, z_t, alpha_bar, self.prediction_type)
        if self.known is not None:
            m = self.known_mask.to(x0.dtype)
            x0 = m * self.known.to(x0.dtype) + (1 - m) * x0
            fixed = x0_to_output(x0, z_t, alpha_bar, self.prediction_type)
            output = m * fixed + (1 - m) * output
        self.x0 = x0
        return output
