import pytest
import torch
from mmengine.structures import PixelData

from diffseg.models.utils.diffusion_math import alpha_bar_at, predict_x0
from diffseg.registry import MODELS
from _helpers.tiny_ldmseg import tiny_ldmseg_cfg, tiny_panoptic_samples


def _model(**overrides):
    torch.manual_seed(0)
    return MODELS.build(tiny_ldmseg_cfg(**overrides))


def test_loss_excludes_void_and_averages_over_every_element():
    model = _model(tasks=('semantic', ), snr_gamma=None,
                   noise_scheduler=dict(tiny_ldmseg_cfg()['noise_scheduler'],
                                        prediction_type='sample'),
                   sampler=dict(tiny_ldmseg_cfg()['sampler'],
                                scheduler=dict(
                                    tiny_ldmseg_cfg()['sampler']['scheduler'],
                                    prediction_type='sample')),
                   self_condition_prob=0.0)
    samples = tiny_panoptic_samples()
    inputs = torch.rand(2, 3, 32, 32) * 2 - 1
    z0, valid = model.tasks['semantic'].encode(samples, (32, 32))
    assert valid.shape == (2, 1, 16, 16)
    assert (valid[:, :, 0] == 0).all() and valid[:, :, 1:].all()
    offsets = {}

    def fake_denoiser(sample, t, tokens, token_mask=None):
        return torch.zeros_like(sample[:, :4]) + offsets['value']

    model.denoiser.forward = fake_denoiser
    for name, value in (('zero', 0.0), ('void', 1e3 * (1 - valid))):
        offsets['value'] = value
        loss = model(inputs, samples, mode='loss')['loss_diffusion']
        # x0 target, weight 1: mean over all B*C*h*w of valid * z0^2
        assert loss.item() == pytest.approx(float((valid * z0**2).mean()),
                                            rel=1e-5), name
    offsets['value'] = 1e3 * valid
    assert model(inputs, samples, mode='loss')['loss_diffusion'] > 1e4


@pytest.mark.parametrize('prob,calls', [(1.0, 2), (0.0, 1)])
def test_training_self_conditioning(prob, calls):
    model = _model(self_condition_prob=prob)
    seen = []
    forward = model.denoiser.forward

    def spy(sample, t, tokens, token_mask=None):
        out = forward(sample, t, tokens, token_mask)
        seen.append((sample.detach(), out.detach(), t))
        return out

    model.denoiser.forward = spy
    losses = model(torch.zeros(2, 3, 32, 32), tiny_panoptic_samples(),
                   mode='loss')
    assert len(seen) == calls
    assert (seen[0][0][:, 8:] == 0).all()  # the first pass sees zeros
    if calls == 2:
        (first_in, first_out, t), (second_in, _, _) = seen
        a = alpha_bar_at(model.noise_scheduler.alphas_cumprod, t, first_in)
        estimate = predict_x0(first_out, first_in[:, :4], a, 'epsilon')
        assert torch.allclose(second_in[:, 8:], estimate, atol=1e-5)
        assert torch.equal(second_in[:, :8], first_in[:, :8])
    losses['loss_diffusion'].backward()
    assert model.denoiser.unet.conv_in.weight.grad is not None


def test_model_inpainting_keeps_known_latents_and_ids():
    model = _model().eval()
    samples = tiny_panoptic_samples(1)
    known = torch.zeros(1, 32, 32, dtype=torch.long)
    known[0, :16] = 42  # the top half is known: one segment
    samples[0].known_panoptic_seg = PixelData(data=known)
    inputs = torch.rand(1, 3, 32, 32) * 2 - 1
    z_known, cells, ids = model.tasks['panoptic'].encode_known(samples,
                                                               (32, 32))
    assert ids[0].tolist() == [42]
    assert cells[0, 0, :8].all() and not cells[0, 0, 8:].any()
    z = model.sample_latent(model.image_latent(inputs), 'panoptic', z_known,
                            cells)
    assert torch.allclose(z[..., :8, :], z_known[..., :8, :], atol=1e-5)
    with torch.no_grad():
        out = model(inputs, samples, mode='predict')[0]
    info = out.pred_panoptic_seg.segments_info
    assert all(s['known'] == (s['id'] == 42) for s in info)


def test_task_embeddings_route_each_task():
    model = _model(tasks=('panoptic', 'semantic', 'depth'),
                   task_embeddings=dict(num_tokens=2), num_classes=3)
    tokens = model.task_tokens(torch.tensor([0, 2]))
    assert tokens.shape == (2, 2, 16)
    weight = model.task_embeddings.embedding.weight
    assert torch.equal(tokens[1].flatten(), weight[2])
    # cross-attention is live: another task's tokens change the output
    sample = torch.randn(1, 12, 16, 16)
    t = torch.tensor([10])
    outs = [model.denoiser(sample, t, model.task_tokens(torch.tensor([k])))
            for k in range(3)]
    assert not torch.allclose(outs[0], outs[1])
    # each training sample draws a task it is annotated for
    samples = tiny_panoptic_samples(4)
    del samples[0].gt_depth_map, samples[0].gt_sem_seg
    draws = torch.stack([model.draw_tasks(samples) for _ in range(30)])
    assert (draws[:, 0] == 0).all() and set(draws[:, 1:].unique().tolist()) \
        == {0, 1, 2}
    loss = model(torch.zeros(4, 3, 32, 32), samples, mode='loss')
    loss['loss_diffusion'].backward()
    assert weight.grad is not None and weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(2, 3, 32, 32), tiny_panoptic_samples(),
                    mode='predict')
    assert out[0].pred_panoptic_seg.data.shape == (1, 32, 32)
    assert out[0].pred_sem_seg.data.shape == (1, 32, 32)
    assert out[0].pred_sem_seg.data.max() < 3
    depth = out[0].pred_depth_map.data
    assert depth.shape == (1, 32, 32) and 0 <= depth.min() <= depth.max() <= 1


def test_without_task_embeddings_cross_attention_is_removed():
    model = _model()
    assert all(block.attn2 is None for name, block in
               model.denoiser.unet.named_modules()
               if type(block).__name__ == 'BasicTransformerBlock')
    sample, t = torch.randn(1, 12, 16, 16), torch.tensor([10])
    a = model.denoiser(sample, t, torch.zeros(1, 1, 16))
    b = model.denoiser(sample, t, torch.randn(1, 1, 16) * 10)
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match='several tasks need task_emb'):
        _model(tasks=('panoptic', 'semantic'))


def test_component_checks():
    cfg = tiny_ldmseg_cfg()
    with pytest.raises(ValueError, match='needs 12'):
        MODELS.build(dict(cfg, denoiser=dict(cfg['denoiser'], config=dict(
            cfg['denoiser']['config'], in_channels=8))))
    with pytest.raises(ValueError, match='ConditionalOnly'):
        MODELS.build(dict(cfg, sampler=dict(cfg['sampler'],
                                            guidance=dict(
                                                type='DualGuidance'))))
    with pytest.raises(ValueError, match='one prediction_type'):
        MODELS.build(dict(cfg, noise_scheduler=dict(
            cfg['noise_scheduler'], prediction_type='sample')))
    with pytest.raises(ValueError, match='choose among'):
        MODELS.build(dict(cfg, tasks=('instance', )))
    vae = dict(cfg['image_encoder']['config'], block_out_channels=(8, 8, 8),
               down_block_types=('DownEncoderBlock2D', ) * 3,
               up_block_types=('UpDecoderBlock2D', ) * 3)
    model = MODELS.build(dict(cfg, image_encoder=dict(
        type='SDVAEImageEncoder', config=vae)))
    with pytest.raises(ValueError, match='match their downsampling'):
        model.image_latent(torch.zeros(1, 3, 32, 32))


def test_panoptic_postprocess_by_hand():
    from diffseg.models.utils import panoptic_postprocess
    logits = torch.full((5, 4, 8), -8.0)
    logits[1, :, :4] = 8  # a confident 16 px segment
    logits[2, :2, 4:] = 8  # confident, 8 px: kept with min_area 8
    logits[3, 2:, 4:6] = 8  # 4 px: below min_area
    # channel 4 wins 4 px weakly (softmax < 0.5 there: 1.0 vs three 0.0)
    logits[4, 2:, 6:] = 1.0
    logits[:4, 2:, 6:] = 0.0
    ids, segments = panoptic_postprocess(logits, mask_threshold=0.5,
                                         min_area=8, overlap_threshold=0.5)
    assert ids[:, :4].eq(1).all() and ids[:2, 4:].eq(2).all()
    assert ids[2:, 4:].eq(0).all()  # small and unconfident -> void
    assert segments == [dict(id=1, area=16), dict(id=2, area=8)]
    # overlap check: channel 2's own mask (sigmoid >= 0.5) covers the whole
    # image but its argmax region is 8 px: 8 / 32 < 0.5 -> void
    logits[2][logits[2] < 0] = 4.0
    ids, segments = panoptic_postprocess(logits, min_area=8)
    assert ids[:2, 4:].eq(0).all() and [s['id'] for s in segments] == [1]
    ids, segments = panoptic_postprocess(logits, min_area=8,
                                         overlap_threshold=0.2)
    assert [s['id'] for s in segments] == [1, 2]


@pytest.mark.parametrize('scheduler', ['DDPMScheduler',
                                       'DPMSolverMultistepScheduler',
                                       'EulerDiscreteScheduler'])
def test_any_registered_scheduler_samples(scheduler):
    cfg = tiny_ldmseg_cfg()
    cfg['sampler'] = dict(cfg['sampler'], scheduler=dict(
        cfg['noise_scheduler'], type=scheduler))
    model = _model(sampler=cfg['sampler']).eval()
    calls = []
    forward = model.denoiser.forward
    model.denoiser.forward = lambda *a: calls.append(1) or forward(*a)
    z_img = model.image_latent(torch.rand(2, 3, 32, 32) * 2 - 1)
    z = model.sample_latent(z_img, 'panoptic')
    assert z.shape == (2, 4, 16, 16) and torch.isfinite(z).all()
    assert len(calls) == 3  # one denoiser call per step
