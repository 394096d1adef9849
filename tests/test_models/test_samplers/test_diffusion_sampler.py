import numpy as np
import pytest
import torch

from diffseg.models.denoisers import DiffusersUNet
from diffseg.models.samplers import (ConditionalOnly, DiffusionSampler,
                                     DualGuidance)
from diffseg.registry import SAMPLERS
from _helpers.tiny_models import TINY_UNET

SCHEDULERS = ['DDPMScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler',
              'EulerDiscreteScheduler']


@pytest.fixture(scope='module')
def unet():
    torch.manual_seed(0)
    return DiffusersUNet(config=dict(TINY_UNET, in_channels=8)).eval()


def inputs(b=2, length=5, seed=0):
    """z_q (B, 4, 8, 8), tokens, a mask dropping some tokens, null tokens."""
    g = torch.Generator().manual_seed(seed)
    z_q = torch.randn(b, 4, 8, 8, generator=g)
    tokens, null_tokens = torch.randn(2, b, length, 16, generator=g)
    mask = torch.ones(b, length)
    mask[0, 3:] = 0
    return z_q, tokens, mask, null_tokens


def sampler(scheduler='DDPMScheduler', steps=3, **kwargs):
    return SAMPLERS.build(
        dict(type='DiffusionSampler', scheduler=dict(type=scheduler),
             num_inference_steps=steps, **kwargs))


def test_build():
    s = sampler('DDIMScheduler', guidance=dict(type='ConditionalOnly'),
                seed=3)
    assert isinstance(s, DiffusionSampler)
    assert isinstance(s.guidance, ConditionalOnly) and s.seed == 3
    assert type(s.scheduler).__name__ == 'DDIMScheduler'
    assert isinstance(sampler().guidance, DualGuidance)


@pytest.mark.parametrize('scheduler', SCHEDULERS)
def test_schedulers_end_to_end(unet, scheduler):
    z_q, tokens, mask, null = inputs()
    out = sampler(scheduler, seed=0)(unet, z_q, tokens, mask, null)
    assert out.shape == z_q.shape and torch.isfinite(out).all()


def test_seed(unet):
    """DDPM steps are stochastic: the seed must fix their noise too."""
    z_q, tokens, mask, null = inputs()
    s = sampler(steps=2, seed=1)
    first, again = (s(unet, z_q, tokens, mask, null) for _ in range(2))
    other = sampler(steps=2, seed=2)(unet, z_q, tokens, mask, null)
    assert torch.equal(first, again)
    assert (first - other).abs().max() > 1e-3


@pytest.mark.parametrize('scheduler', SCHEDULERS)
def test_denoiser_inputs(scheduler):
    """One call per timestep, in order; the first sees the seeded unit noise
    (the scale the denoiser was trained on) beside the query latent."""
    z_q, tokens, mask, _ = inputs()
    calls = []

    def record(sample, t, tokens, mask):
        calls.append((sample, t))
        return torch.zeros_like(sample[:, :4])

    s = sampler(scheduler, steps=4, seed=7,
                guidance=dict(type='ConditionalOnly'))
    s(record, z_q, tokens, mask)
    timesteps = torch.stack([t for _, t in calls])
    assert torch.equal(timesteps, s.scheduler.timesteps[:, None].expand(-1, 2))
    first = calls[0][0]
    assert torch.equal(first[:, 4:], z_q)
    # Euler: init sigma sqrt(sigma_max^2 + 1), undone by scale_model_input
    noise = torch.randn(z_q.shape,
                        generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(first[:, :4], noise, rtol=1e-4, atol=1e-4)


def true_noise_denoiser(scheduler, z0):
    """A denoiser that returns the exact noise of z_t = sqrt(abar) z0 +
    sqrt(1 - abar) eps, abar read from the scheduler (interpolated in sigma
    for fractional timesteps); it ignores the query and the prompt."""
    ac = scheduler.alphas_cumprod.double().numpy()
    sigmas = np.sqrt((1 - ac) / ac)

    def denoise(sample, t, tokens, mask):
        sigma = np.interp(float(t.flatten()[0]), np.arange(len(ac)), sigmas)
        abar = 1 / (1 + sigma**2)
        target = z0.repeat(sample.shape[0] // z0.shape[0], 1, 1, 1)
        return (sample[:, :4] - abar**0.5 * target) / (1 - abar)**0.5

    return denoise


@pytest.mark.parametrize('scheduler', SCHEDULERS)
def test_true_noise_recovers_z0(scheduler):
    """With the exact noise every step predicts the known z0 and the last
    step ends on it (DDIM: exact deterministic updates; DDPM's last step
    adds no noise; DPM-Solver and Euler end on sigma = 0)."""
    z_q, tokens, mask, null = inputs()
    z0 = torch.randn(z_q.shape, generator=torch.Generator().manual_seed(5))
    cfg = dict(type=scheduler)
    if scheduler in ('DDPMScheduler', 'DDIMScheduler'):
        cfg.update(clip_sample=False)  # z0 ~ N(0, 1) exceeds [-1, 1]
    s = DiffusionSampler(cfg, num_inference_steps=4, seed=0)
    out = s(true_noise_denoiser(s.scheduler, z0), z_q, tokens, mask, null)
    torch.testing.assert_close(out, z0, rtol=0, atol=1e-4)


def test_null_tokens():
    z_q, tokens, mask, _ = inputs()
    with pytest.raises(ValueError, match='DualGuidance needs null_tokens'):
        sampler()(lambda *a: None, z_q, tokens, mask)
    s = sampler('DDIMScheduler', steps=2,
                guidance=dict(type='ConditionalOnly'))
    z0 = torch.zeros_like(z_q)
    out = s(true_noise_denoiser(s.scheduler, z0), z_q, tokens, mask)
    assert out.shape == z_q.shape


def test_bad_steps():
    with pytest.raises(ValueError, match='num_inference_steps'):
        sampler(steps=0)
