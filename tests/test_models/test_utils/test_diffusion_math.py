import pytest
import torch
from diffusers import DDIMScheduler, DDPMScheduler
from diffusers.training_utils import compute_snr

from diffseg.models.samplers import OneStepSampler
from diffseg.models.utils.diffusion_math import (add_training_noise,
                                                 alpha_bar_at,
                                                 check_same_prediction_type,
                                                 min_snr_weight, predict_x0,
                                                 prediction_target,
                                                 x0_to_output)

SD_SCHEDULE = dict(beta_schedule='scaled_linear', beta_start=0.00085,
                   beta_end=0.012, num_train_timesteps=1000)


def test_min_snr_weight_by_hand():
    alphas = DDIMScheduler(**SD_SCHEDULE).alphas_cumprod
    a0, a999 = float(alphas[0]), float(alphas[999])
    assert a0 == pytest.approx(0.99915)
    a = alpha_bar_at(alphas, torch.tensor([0, 999]), torch.zeros(1))
    snr0, snr999 = a0 / (1 - a0), a999 / (1 - a999)
    w = min_snr_weight(a, 2.0, 'epsilon').flatten()
    # gamma = 2: weight 2 / SNR at t = 0 (about 0.0017), 1 at t = 999
    assert w[0].item() == pytest.approx(2 / snr0, rel=1e-4)
    assert w[0].item() == pytest.approx(0.0017, abs=1e-4)
    assert w[1].item() == pytest.approx(1.0)
    assert min_snr_weight(a, 2.0, 'sample').flatten().tolist() == \
        pytest.approx([2.0, snr999], rel=1e-4)
    assert min_snr_weight(a, 2.0, 'v_prediction').flatten().tolist() == \
        pytest.approx([2 / (snr0 + 1), snr999 / (snr999 + 1)], rel=1e-4)
    assert torch.equal(min_snr_weight(a, None, 'epsilon'), torch.ones_like(a))
    # the weight is 1 from the first t whose SNR is below gamma on
    snr = alphas / (1 - alphas)
    first = int((snr <= 2.0).nonzero()[0])
    w = min_snr_weight(alpha_bar_at(alphas, torch.arange(1000),
                                    torch.zeros(1)), 2.0, 'epsilon')
    assert (w.flatten()[first:] == 1).all() and (w.flatten()[:first] < 1).all()


def test_snr_matches_diffusers_compute_snr():
    scheduler = DDPMScheduler(**SD_SCHEDULE)
    t = torch.arange(1000)
    a = alpha_bar_at(scheduler.alphas_cumprod, t, torch.zeros(1))
    clamped = torch.minimum(compute_snr(scheduler, t),
                            torch.tensor(5.0)).view(-1, 1, 1, 1)
    torch.testing.assert_close(min_snr_weight(a, 5.0, 'sample'), clamped,
                               rtol=1e-5, atol=0)


@pytest.mark.parametrize('kind', ['epsilon', 'sample', 'v_prediction'])
def test_parametrisations_are_consistent(kind):
    torch.manual_seed(0)
    scheduler = DDIMScheduler(**SD_SCHEDULE, prediction_type=kind)
    z0, noise = torch.randn(2, 4, 3, 3), torch.randn(2, 4, 3, 3)
    t = torch.tensor([200, 900])
    a = alpha_bar_at(scheduler.alphas_cumprod, t, z0)
    z_t = a.sqrt() * z0 + (1 - a).sqrt() * noise
    torch.testing.assert_close(scheduler.add_noise(z0, noise, t), z_t)
    target = prediction_target(scheduler, z0, noise, t)
    by_hand = dict(epsilon=noise, sample=z0,
                   v_prediction=a.sqrt() * noise - (1 - a).sqrt() * z0)[kind]
    torch.testing.assert_close(target, by_hand)
    assert torch.allclose(predict_x0(target, z_t, a, kind), z0, atol=1e-5)
    assert torch.allclose(x0_to_output(z0, z_t, a, kind), target, atol=1e-5)


def test_training_noise_is_the_forward_process():
    scheduler = DDPMScheduler(**dict(SD_SCHEDULE, num_train_timesteps=50))
    z0 = torch.randn(64, 2, 3, 3)
    z_t, noise, t = add_training_noise(scheduler, z0)
    assert t.shape == (64, ) and 0 <= int(t.min()) <= int(t.max()) < 50
    assert len(t.unique()) > 10
    a = scheduler.alphas_cumprod[t].view(-1, 1, 1, 1)
    torch.testing.assert_close(z_t, a.sqrt() * z0 + (1 - a).sqrt() * noise)


def test_unsupported_and_mismatched_prediction_types():
    scheduler = DDIMScheduler(**SD_SCHEDULE, prediction_type='flow')
    with pytest.raises(ValueError, match="'flow' is not supported"):
        prediction_target(scheduler, torch.zeros(1), torch.zeros(1),
                          torch.tensor([1]))
    with pytest.raises(ValueError, match='one prediction_type'):
        check_same_prediction_type(DDIMScheduler(), OneStepSampler())
    check_same_prediction_type(DDIMScheduler(prediction_type='sample'),
                               OneStepSampler())
