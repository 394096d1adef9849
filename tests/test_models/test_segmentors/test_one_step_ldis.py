import pytest
import torch
from mmengine.optim import OptimWrapper

from diffseg.models.segmentors import OneStepLDIS
from diffseg.registry import MODELS
from _helpers.tiny_models import tiny_episode_batch, tiny_ldis1_cfg

TOKENS_PER_PROMPT = 16  # TINY_CLIP: 32 px images, 8 px patches


def build(**overrides):
    torch.manual_seed(0)
    return MODELS.build(tiny_ldis1_cfg(**overrides))


def get_batch(model, n=2, num_prompts=1, training=True):
    return tiny_episode_batch(model, n, num_prompts, training=training)


class DenoiserSpy:
    """Record the arguments of every UNet call."""

    def __init__(self, model):
        self.calls = []
        model.denoiser.unet.register_forward_pre_hook(self.hook,
                                                      with_kwargs=True)

    def hook(self, module, args, kwargs):
        self.calls.append((args, kwargs))


def gt_of(data):
    return torch.stack([s.gt_sem_seg.data for s in data['data_samples']])


def test_build():
    model = build()
    assert isinstance(model, OneStepLDIS)
    assert model.loss_space == 'latent' and model.noise_scheduler is None


def test_latent_loss_matches_hand_computation():
    model = build()
    data = get_batch(model)
    inputs = data['inputs']
    assert inputs['query'].shape == (2, 3, 32, 32)
    assert inputs['prompts'].shape == (2, 1, 4, 32, 32)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_latent'}
    loss = losses['loss_latent']
    assert loss.dim() == 0 and torch.isfinite(loss) and loss > 0

    query = inputs['query']
    with torch.no_grad():
        pred = model.predict_latent(inputs)
        pseudo = model.mask_codec.encode(gt_of(data), query)
        # vanilla pseudo mask: (-1, 1, 0) on the target, (1, -1, 0) elsewhere
        fg = gt_of(data) == 1
        assert torch.equal(pseudo[:, 1:2] > 0, fg)
        dist = model.autoencoder.vae.encode(pseudo).latent_dist
        target = dist.mode() * model.autoencoder.vae.config.scaling_factor
    assert pred.shape == target.shape == (2, 4, 16, 16)
    torch.testing.assert_close(loss, ((pred - target) ** 2).mean())
    # mode='tensor' returns the predicted latent
    with torch.no_grad():
        torch.testing.assert_close(model(**data, mode='tensor'), pred)


def test_latent_loss_gradients():
    model = build()
    data = get_batch(model)
    spy = DenoiserSpy(model)
    model(**data, mode='loss')['loss_latent'].backward()
    # one UNet call at t = 0 with the prompt tokens and their mask
    assert len(spy.calls) == 1
    args, kwargs = spy.calls[0]
    assert args[1].tolist() == [0, 0]
    assert args[2].shape == (2, TOKENS_PER_PROMPT, 16)
    assert kwargs['encoder_attention_mask'].shape == (2, TOKENS_PER_PROMPT)

    def has_grad(module):
        return [p.grad is not None and p.grad.abs().sum() > 0
                for p in module.parameters()]

    assert all(has_grad(model.denoiser.unet.conv_in))
    assert any(has_grad(model.denoiser)) and sum(has_grad(
        model.denoiser)) > len(list(model.denoiser.parameters())) // 2
    assert all(has_grad(model.prompt_encoder.proj))
    assert any(has_grad(model.prompt_encoder.clip))
    assert all(p.grad is None for p in model.autoencoder.parameters())
    assert not any(p.requires_grad for p in model.autoencoder.parameters())


def test_pixel_loss():
    model = build(loss_space='pixel')
    data = get_batch(model)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_pixel'}
    loss = losses['loss_pixel']
    query = data['inputs']['query']
    with torch.no_grad():
        pred = model.predict_latent(data['inputs'])
        decoded = model.autoencoder.vae.decode(
            pred / model.autoencoder.vae.config.scaling_factor).sample
        target = model.mask_codec.encode(gt_of(data), query)
    torch.testing.assert_close(loss, ((decoded - target) ** 2).mean())
    loss.backward()
    assert all(p.grad is None for p in model.autoencoder.parameters())
    unet_grads = [p.grad for p in model.denoiser.parameters()]
    assert all(g is not None for g in unet_grads)
    assert sum(g.abs().sum() for g in unet_grads) > 0
    assert model.prompt_encoder.proj.weight.grad is not None


def test_predict():
    model = build().eval()
    data = get_batch(model, training=False)
    with torch.no_grad():
        samples = model(**data, mode='predict')
        pred = model.predict_latent(data['inputs'])
        pseudo = model.autoencoder.vae.decode(
            pred / model.autoencoder.vae.config.scaling_factor).sample
    want_prob = torch.sigmoid(pseudo[:, 1:2] - pseudo[:, 0:1])
    assert len(samples) == 2
    for i, s in enumerate(samples):
        assert s.metainfo['ori_shape'] == (32, 32)
        pred, logits = s.pred_sem_seg.data, s.seg_logits.data
        assert pred.shape == (1, 32, 32) and logits.shape == (1, 32, 32)
        assert set(pred.unique().tolist()) <= {0, 1}
        assert logits.min() >= 0 and logits.max() <= 1
        torch.testing.assert_close(logits, want_prob[i])
        assert torch.equal(pred, (want_prob[i] > 0.5).long())


def test_predict_resizes_to_ori_shape():
    model = build().eval()
    data = get_batch(model, n=1, training=False)
    data['data_samples'][0].set_metainfo(dict(ori_shape=(48, 40)))
    with torch.no_grad():
        (sample, ) = model(**data, mode='predict')
    assert sample.pred_sem_seg.data.shape == (1, 48, 40)
    assert sample.seg_logits.data.shape == (1, 48, 40)


def test_input_timestep_needs_scheduler():
    with pytest.raises(ValueError, match='noise_scheduler'):
        build(input_timestep=10)


def test_input_timestep_with_scheduler():
    model = build(input_timestep=10,
                  noise_scheduler=dict(type='DDPMScheduler'))
    data = get_batch(model)
    spy = DenoiserSpy(model)
    torch.manual_seed(123)
    loss = model(**data, mode='loss')['loss_latent']
    assert torch.isfinite(loss)
    assert len(spy.calls) == 1
    args, _ = spy.calls[0]
    assert args[1].tolist() == [10, 10]
    # the UNet sees the noised query latent z_t of the LDIS-1 input
    with torch.no_grad():
        z = model.autoencoder.encode(data['inputs']['query'])
    torch.manual_seed(123)
    eps = torch.randn_like(z)
    acp = model.noise_scheduler.alphas_cumprod[10]
    torch.testing.assert_close(args[0], acp.sqrt() * z + (1 - acp).sqrt() * eps)
    # predict runs and feeds t = 10 as well
    model.eval()
    with torch.no_grad():
        samples = model(**get_batch(model, training=False), mode='predict')
    assert spy.calls[-1][0][1].tolist() == [10, 10]
    assert samples[0].pred_sem_seg.data.shape == (1, 32, 32)


def test_three_prompts():
    model = build()
    data = get_batch(model, num_prompts=3)
    assert data['inputs']['prompts'].shape == (2, 3, 4, 32, 32)
    spy = DenoiserSpy(model)
    loss = model(**data, mode='loss')['loss_latent']
    assert torch.isfinite(loss)
    args, kwargs = spy.calls[0]
    assert args[2].shape == (2, 3 * TOKENS_PER_PROMPT, 16)
    assert kwargs['encoder_attention_mask'].shape == (2, 3 *
                                                      TOKENS_PER_PROMPT)


def test_adamw_steps_reduce_loss():
    model = build()
    data = get_batch(model, n=1)
    params = [p for p in model.parameters() if p.requires_grad]
    optim = OptimWrapper(torch.optim.AdamW(params, lr=1e-3))
    with torch.no_grad():
        before = model(**data, mode='loss')['loss_latent'].item()
    for _ in range(4):
        optim.update_params(model(**data, mode='loss')['loss_latent'])
    with torch.no_grad():
        after = model(**data, mode='loss')['loss_latent'].item()
    assert after < 0.8 * before, (before, after)


def test_bad_mode_and_loss_space():
    with pytest.raises(ValueError, match='loss_space'):
        build(loss_space='both')
    model = build()
    data = get_batch(model, n=1)
    with pytest.raises(ValueError, match='mode'):
        model(**data, mode='nope')


def test_loss_needs_gt():
    model = build()
    data = get_batch(model, n=1)
    del data['data_samples'][0].gt_sem_seg
    with pytest.raises(ValueError, match='gt_sem_seg'):
        model(**data, mode='loss')
