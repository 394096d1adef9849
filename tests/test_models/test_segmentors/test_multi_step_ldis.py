import pytest
import torch
import torch.nn.functional as F
from diffusers import UNet2DConditionModel
from mmengine.dataset import pseudo_collate

from diffseg.datasets import ShapesInContextDataset
from diffseg.models.denoisers import DiffusersUNet
from diffseg.models.segmentors import MultiStepLDIS
from diffseg.models.utils.diffusion_math import prediction_target
from diffseg.registry import MODELS
from _helpers.tiny_models import (TINY_SCHEDULER, TINY_UNET,
                                  tiny_episode_batch, tiny_ldis1_cfg,
                                  tiny_ldisn_cfg)

TOKENS_PER_PROMPT = 16  # TINY_CLIP: 32 px images, 8 px patches


def build(**overrides):
    torch.manual_seed(0)
    return MODELS.build(tiny_ldisn_cfg(**overrides))


def get_batch(model, n=2, num_prompts=1, training=True):
    return tiny_episode_batch(model, n, num_prompts, training=training)


def test_conv_in_expansion_keeps_pretrained_output(tmp_path):
    torch.manual_seed(0)
    UNet2DConditionModel(**TINY_UNET).save_pretrained(tmp_path / 'unet')
    base = DiffusersUNet(pretrained=str(tmp_path))
    wide = DiffusersUNet(pretrained=str(tmp_path), in_channels=8)
    assert wide.in_channels == 8 and wide.unet.config.in_channels == 8
    assert torch.equal(wide.unet.conv_in.bias, base.unet.conv_in.bias)
    assert not wide.unet.conv_in.weight[:, 4:].any()
    z, extra = torch.randn(2, 4, 16, 16), torch.randn(2, 4, 16, 16)
    t, tokens = torch.tensor([3, 7]), torch.randn(2, 5, 16)
    expected = base(z, t, tokens)
    torch.testing.assert_close(wide(torch.cat([z, extra], 1), t, tokens),
                               expected)
    # the reference code's fresh bias changes the output
    ref = DiffusersUNet(pretrained=str(tmp_path), in_channels=8,
                        copy_conv_in_bias=False)
    assert not torch.allclose(ref(torch.cat([z, extra], 1), t, tokens),
                              expected)
    with pytest.raises(ValueError, match='cannot expand'):
        base.expand_conv_in(2)


def test_denoiser_must_take_both_latents():
    with pytest.raises(ValueError, match='needs 8'):
        build(denoiser=dict(type='DiffusersUNet', config=TINY_UNET))


def test_loss_is_epsilon_mse_on_concatenated_latents():
    model = build(query_dropout=0.0, prompt_dropout=0.0)
    data = get_batch(model)
    seen = {}

    def spy(module, args, kwargs):
        seen['sample'], seen['t'] = args[0], args[1]

    model.denoiser.unet.register_forward_pre_hook(spy, with_kwargs=True)
    loss = model(**data, mode='loss')['loss_diffusion']
    z_0 = model.autoencoder.encode(
        model.target_pseudo_masks(data['inputs'], data['data_samples']))
    z_q = model.autoencoder.encode(data['inputs']['query'])
    z_t, t = seen['sample'][:, :4], seen['t']
    torch.testing.assert_close(seen['sample'][:, 4:], z_q)
    # recover the noise from z_t = sqrt(abar) z_0 + sqrt(1 - abar) noise
    abar = model.noise_scheduler.alphas_cumprod[t][:, None, None, None]
    noise = (z_t - abar.sqrt() * z_0) / (1 - abar).sqrt()
    assert noise.std().item() == pytest.approx(1.0, abs=0.3)
    tokens, mask = model.encode_prompts(data['inputs'])
    pred = model.denoiser(seen['sample'], t, tokens, mask)
    torch.testing.assert_close(loss, F.mse_loss(pred, noise), rtol=1e-4,
                               atol=1e-5)


def test_gradients_reach_unet_encoder_and_null_tokens_not_vae():
    model = build(query_dropout=0.0, prompt_dropout=1.0)
    data = get_batch(model)
    model(**data, mode='loss')['loss_diffusion'].backward()
    assert model.null_tokens.grad is not None and model.null_tokens.grad.any()
    assert model.denoiser.unet.conv_in.weight.grad.any()
    assert all(p.grad is None for p in model.autoencoder.parameters())


@pytest.mark.parametrize('scheme,expected', [
    ('independent', (0.1, 0.2)),      # (prompt, query) drop rates
    ('instructpix2pix', (0.2, 0.2)),  # u < 2p ; p <= u < 3p
])
def test_dropout_rates(scheme, expected):
    model = build(query_dropout=0.2 if scheme == 'independent' else 0.1,
                  prompt_dropout=0.1, dropout_scheme=scheme)
    n = 20000
    z_q = torch.ones(n, 1, 1, 1)
    tokens, null = torch.ones(n, 1, 1), torch.zeros(n, 1, 1)
    torch.manual_seed(0)
    z_kept, tok_kept = model.drop_conditions(z_q, tokens, null)
    prompt_rate = 1 - tok_kept.mean().item()
    query_rate = 1 - z_kept.mean().item()
    assert prompt_rate == pytest.approx(expected[0], abs=0.01)
    assert query_rate == pytest.approx(expected[1], abs=0.01)


def test_null_prompts():
    learned = build()
    prompts = torch.zeros(2, 3, 4, 32, 32)
    null = learned.null_prompt_tokens(prompts)
    assert null.shape == (2, 3 * TOKENS_PER_PROMPT, 16)
    assert learned.null_tokens.shape == (TOKENS_PER_PROMPT, 16)
    encoded = build(null_prompt='encoded')
    assert not hasattr(encoded, 'null_tokens')
    blank = torch.zeros(1, 1, 4, 32, 32)
    blank[:, :, 3] = 1  # mid-grey image, full mask
    torch.testing.assert_close(
        encoded.null_prompt_tokens(torch.randn(1, 1, 4, 32, 32)),
        encoded.prompt_encoder(blank)[0])
    with pytest.raises(ValueError, match='null_prompt'):
        build(null_prompt='zeros')
    with pytest.raises(ValueError, match='dropout_scheme'):
        build(dropout_scheme='sometimes')


def test_query_latent_scaling():
    model = build(scale_query_latent=False)
    query = torch.rand(1, 3, 32, 32) * 2 - 1
    torch.testing.assert_close(
        model.query_latent(query) * model.autoencoder.scaling_factor,
        model.autoencoder.encode(query))


def test_predict_with_sampled_prompt_counts():
    model = build().eval()
    ds = ShapesInContextDataset(num_episodes=10, img_size=32,
                                num_prompts=(1, 3),
                                pipeline=[dict(type='PackInContextInputs')])
    episodes = [ds[i] for i in (3, 4, 8)]
    counts = [e['data_samples'].num_prompts for e in episodes]
    assert len(set(counts)) > 1  # the batch really mixes K
    data = model.data_preprocessor(pseudo_collate(episodes), False)
    tokens, mask = model.encode_prompts(data['inputs'])
    for i, k in enumerate(counts):
        assert not mask[i, k * TOKENS_PER_PROMPT:].any()
    with torch.no_grad():
        out = model.test_step(pseudo_collate(episodes))
    for sample in out:
        assert sample.pred_sem_seg.shape == (32, 32)
        assert set(sample.pred_sem_seg.data.unique().tolist()) <= {0, 1}


def test_isinstance():
    assert isinstance(build(), MultiStepLDIS)


@pytest.mark.parametrize('scheduler', [
    'DDPMScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler',
    'EulerDiscreteScheduler'
])
def test_every_sampler_runs_end_to_end(scheduler):
    cfg = tiny_ldisn_cfg()
    cfg['sampler']['scheduler'] = dict(cfg['sampler']['scheduler'],
                                       type=scheduler)
    torch.manual_seed(0)
    model = MODELS.build(cfg).eval()
    ds = ShapesInContextDataset(num_episodes=2, img_size=32,
                                pipeline=[dict(type='PackInContextInputs')])
    with torch.no_grad():
        out = model.test_step(pseudo_collate([ds[0], ds[1]]))
    for sample in out:
        assert sample.pred_sem_seg.shape == (32, 32)
        assert torch.isfinite(sample.seg_logits.data).all()


@pytest.mark.parametrize('k', [1, 3, 5])
@pytest.mark.parametrize('cfg_type', ['MultiStepLDIS', 'OneStepLDIS'])
def test_k_shot_tokens_concatenate_with_their_post_masks(k, cfg_type):
    cfg = tiny_ldisn_cfg() if cfg_type == 'MultiStepLDIS' else \
        tiny_ldis1_cfg()
    torch.manual_seed(0)
    model = MODELS.build(cfg).eval()
    data = get_batch(model, n=2, num_prompts=k, training=False)
    prompts = data['inputs']['prompts']
    assert prompts.shape[1] == k
    tokens, mask = model.encode_prompts(data['inputs'])
    assert tokens.shape[1] == k * TOKENS_PER_PROMPT
    # each prompt's slice equals encoding that prompt alone
    for j in range(k):
        alone, alone_mask = model.prompt_encoder(prompts[:, j:j + 1])
        sl = slice(j * TOKENS_PER_PROMPT, (j + 1) * TOKENS_PER_PROMPT)
        torch.testing.assert_close(tokens[:, sl], alone)
        assert torch.equal(mask[:, sl], alone_mask)
    with torch.no_grad():
        out = model(data['inputs'], mode='tensor')
    assert out.shape == (2, 4, 16, 16)


@pytest.mark.parametrize('kind', ['v_prediction', 'sample'])
def test_prediction_types(kind):
    scheduler = dict(TINY_SCHEDULER, prediction_type=kind)
    model = build(noise_scheduler=scheduler,
                  sampler=dict(type='DiffusionSampler', scheduler=scheduler,
                               num_inference_steps=2))
    z_0, noise = torch.randn(2, 4, 8, 8), torch.randn(2, 4, 8, 8)
    t = torch.tensor([5, 60])
    abar = model.noise_scheduler.alphas_cumprod[t][:, None, None, None]
    expected = (abar.sqrt() * noise - (1 - abar).sqrt() * z_0
                if kind == 'v_prediction' else z_0)
    torch.testing.assert_close(
        prediction_target(model.noise_scheduler, z_0, noise, t), expected)
    with pytest.raises(ValueError, match='one prediction_type'):
        build(noise_scheduler=scheduler)  # the sampler predicts epsilon
