"""Diffusion arithmetic shared by the samplers and the diffusion losses
(LDIS-n, LDMSeg).

Conventions: ``alpha_bar`` is the scheduler's cumulative product at the
timestep, broadcast as (B, 1, 1, 1); z_t = sqrt(alpha_bar) z_0 +
sqrt(1 - alpha_bar) eps; SNR = alpha_bar / (1 - alpha_bar) (diffusers'
``training_utils.compute_snr``). The denoiser predicts what the
scheduler's ``prediction_type`` says: the noise ('epsilon'), the clean
latent ('sample') or v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) z_0
('v_prediction').
"""
from typing import Optional, Tuple

import torch

PREDICTION_TYPES = ('epsilon', 'sample', 'v_prediction')


def check_prediction_type(prediction_type: str) -> None:
    if prediction_type not in PREDICTION_TYPES:
        raise ValueError(f'prediction_type {prediction_type!r} is not '
                         f'supported; use one of {PREDICTION_TYPES}')


def check_same_prediction_type(noise_scheduler, sampler) -> None:
    """Raise ValueError unless the training scheduler and the sampler
    (SAMPLERS) agree on what the denoiser predicts."""
    kinds = {noise_scheduler.config.prediction_type, sampler.prediction_type}
    if len(kinds) > 1:
        raise ValueError(f'training and sampling schedulers predict '
                         f'{sorted(kinds)}; give both one prediction_type')


def alpha_bar_at(alphas_cumprod: torch.Tensor, t: torch.Tensor,
                 like: torch.Tensor) -> torch.Tensor:
    """alpha_bar of timesteps t (B,) or scalar -> (B or 1, 1, 1, 1), on the
    device and dtype of ``like``."""
    t = torch.as_tensor(t).round().long().reshape(-1).cpu()
    return alphas_cumprod[t].to(like.device, like.dtype).view(-1, 1, 1, 1)


def add_training_noise(scheduler, z_0: torch.Tensor
                       ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The forward process for a training step: noise ~ N(0, I) and one
    timestep per sample, uniform over the scheduler's training steps ->
    (z_t, noise, t (B,))."""
    noise = torch.randn_like(z_0)
    t = torch.randint(0, scheduler.config.num_train_timesteps,
                      (z_0.shape[0], ), device=z_0.device)
    return scheduler.add_noise(z_0, noise, t), noise, t


def prediction_target(scheduler, z_0: torch.Tensor, noise: torch.Tensor,
                      t: torch.Tensor) -> torch.Tensor:
    """What the denoiser learns to output for z_0 noised with ``noise`` at
    t, per ``scheduler.config.prediction_type`` (v by the scheduler's
    ``get_velocity``)."""
    kind = scheduler.config.prediction_type
    check_prediction_type(kind)
    if kind == 'epsilon':
        return noise
    if kind == 'sample':
        return z_0
    return scheduler.get_velocity(z_0, noise, t)


def predict_x0(output: torch.Tensor, z_t: torch.Tensor,
               alpha_bar: torch.Tensor, prediction_type: str) -> torch.Tensor:
    """The clean latent implied by a denoiser output at z_t."""
    check_prediction_type(prediction_type)
    if prediction_type == 'sample':
        return output
    a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    if prediction_type == 'epsilon':
        return (z_t - s * output) / a
    return a * z_t - s * output


def x0_to_output(x0: torch.Tensor, z_t: torch.Tensor,
                 alpha_bar: torch.Tensor,
                 prediction_type: str) -> torch.Tensor:
    """The denoiser output that implies the clean latent ``x0`` at z_t
    (the inverse of :func:`predict_x0`)."""
    check_prediction_type(prediction_type)
    if prediction_type == 'sample':
        return x0
    a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    eps = (z_t - a * x0) / s
    return eps if prediction_type == 'epsilon' else a * eps - s * x0


def min_snr_weight(alpha_bar: torch.Tensor, gamma: Optional[float],
                   prediction_type: str) -> torch.Tensor:
    """Min-SNR-gamma loss weight (Hang et al. 2023): min(SNR, gamma) / SNR
    for epsilon, min(SNR, gamma) for sample, min(SNR, gamma) / (SNR + 1)
    for v. None gives weight 1.

    SNR is alpha_bar / (1 - alpha_bar) written directly: it equals
    diffusers' ``compute_snr`` (which squares sqrt(alpha_bar) /
    sqrt(1 - alpha_bar)) up to float rounding, and keeps the trained
    models' figures exact."""
    check_prediction_type(prediction_type)
    if gamma is None:
        return torch.ones_like(alpha_bar)
    snr = alpha_bar / (1 - alpha_bar)
    clamped = snr.clamp(max=gamma)
    if prediction_type == 'epsilon':
        return clamped / snr
    if prediction_type == 'sample':
        return clamped
    return clamped / (snr + 1)
