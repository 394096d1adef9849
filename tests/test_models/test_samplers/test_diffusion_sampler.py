import numpy as np
import pytest
import torch
from diffusers import DDIMScheduler

from diffseg.models.guidance import ConditionalOnly, DualGuidance
from diffseg.models.samplers import DiffusionSampler
from diffseg.registry import SAMPLERS

SCHEDULERS = ['DDPMScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler',
              'EulerDiscreteScheduler']


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
def test_schedulers_end_to_end(ldisn_unet, scheduler):
    z_q, tokens, mask, null = inputs()
    out = sampler(scheduler, seed=0)(ldisn_unet, z_q, tokens, mask, null)
    assert out.shape == z_q.shape and torch.isfinite(out).all()


def test_seed(ldisn_unet):
    """DDPM steps are stochastic: the seed must fix their noise too."""
    z_q, tokens, mask, null = inputs()
    s = sampler(steps=2, seed=1)
    first, again = (s(ldisn_unet, z_q, tokens, mask, null) for _ in range(2))
    other = sampler(steps=2, seed=2)(ldisn_unet, z_q, tokens, mask, null)
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
    with pytest.raises(ValueError, match='both known and known_mask'):
        sampler()(lambda *a: None, *inputs(), known=torch.zeros(2, 4, 8, 8))


def test_declares_prediction_type_and_null_tokens():
    s = sampler('DDIMScheduler', guidance=dict(type='ConditionalOnly'))
    assert s.prediction_type == 'epsilon' and not s.needs_null_tokens
    s = SAMPLERS.build(dict(type='DiffusionSampler', scheduler=dict(
        type='DDIMScheduler', prediction_type='sample')))
    assert s.prediction_type == 'sample' and s.needs_null_tokens


SD_SCHEDULE = dict(beta_schedule='scaled_linear', beta_start=0.00085,
                   beta_end=0.012, num_train_timesteps=1000)
DDIM_TRAILING = dict(SD_SCHEDULE, clip_sample=False, set_alpha_to_one=False,
                     timestep_spacing='trailing')


def ddim_sampler(steps):
    return DiffusionSampler(dict(DDIM_TRAILING, type='DDIMScheduler'),
                            num_inference_steps=steps,
                            guidance=dict(type='ConditionalOnly'), seed=3)


def test_self_conditioning_and_the_returned_clean_estimate():
    """Run by hand with diffusers' own DDIM (its pred_original_sample is the
    clean estimate): the sampler feeds each step the previous estimate
    (zeros first) after the condition, and return_x0 gives the last
    estimate, not the last sample."""
    torch.manual_seed(0)
    weights = torch.randn(4, 12)
    calls = []

    def denoiser(sample, t, tokens, token_mask=None):
        calls.append(sample.clone())
        return torch.einsum('oc,bchw->bohw', weights, sample) * 0.1

    z_img = torch.randn(1, 4, 2, 2)
    tokens = torch.zeros(1, 1, 8)
    s = ddim_sampler(4)
    x0 = s(denoiser, z_img, tokens, self_condition=True, return_x0=True)
    last = s(denoiser, z_img, tokens, self_condition=True)
    got, calls[:] = calls[:4], []

    scheduler = DDIMScheduler(**DDIM_TRAILING)
    scheduler.set_timesteps(4)
    z = torch.randn(1, 4, 2, 2, generator=torch.Generator().manual_seed(3))
    estimate = torch.zeros_like(z)
    for k, t in enumerate(scheduler.timesteps):
        sample = torch.cat([z, z_img, estimate], 1)
        torch.testing.assert_close(got[k], sample, rtol=0, atol=1e-5)
        step = scheduler.step(denoiser(sample, t.expand(1), tokens), t, z)
        estimate, z = step.pred_original_sample, step.prev_sample
    assert (got[0][:, 8:] == 0).all()
    torch.testing.assert_close(x0, estimate, rtol=0, atol=1e-5)
    torch.testing.assert_close(last, z, rtol=0, atol=1e-5)
    assert not torch.allclose(x0, last, atol=1e-4)


def test_inpainting_fixes_known_cells_noised_to_each_level():
    torch.manual_seed(0)
    known = torch.randn(1, 4, 4, 4)
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2, :] = 1
    inputs = []

    def denoiser(sample, t, tokens, token_mask=None):
        inputs.append((sample[:, :4].clone(), int(t[0])))
        return torch.tanh(sample[:, :4] + sample[:, 8:])

    s = ddim_sampler(6)
    x0 = s(denoiser, torch.zeros(1, 4, 4, 4), torch.zeros(1, 1, 8),
           self_condition=True, known=known, known_mask=mask,
           return_x0=True)
    # the final clean latent is the known one on the fixed cells
    assert torch.allclose(x0 * mask, known * mask, atol=1e-5)
    assert not torch.allclose(x0 * (1 - mask), known * (1 - mask))
    # each step's input on fixed cells is the known latent at that step's
    # noise level, with the noise the previous input implied
    alphas = s.scheduler.alphas_cumprod
    for (z_prev, t_prev), (z_next, t_next) in zip(inputs, inputs[1:]):
        a, b = float(alphas[t_prev]), float(alphas[t_next])
        noise = (z_prev - a**0.5 * known) / (1 - a)**0.5
        expected = b**0.5 * known + (1 - b)**0.5 * noise
        assert torch.allclose(z_next * mask, expected * mask, atol=5e-3)
