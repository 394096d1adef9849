import os.path as osp

import pytest
import torch
from diffusers import StableDiffusionPipeline
from mmengine.structures import BaseDataElement

from diffseg.models.pretrainers import TextToImageLDM

VAE = dict(type='SDVAE', config=dict(
    in_channels=3, out_channels=3, block_out_channels=(8, 16),
    down_block_types=('DownEncoderBlock2D', ) * 2,
    up_block_types=('UpDecoderBlock2D', ) * 2, latent_channels=4,
    layers_per_block=1, norm_num_groups=4, mid_block_add_attention=False,
    sample_size=32))
TEXT = dict(type='CLIPTextEncoder', freeze=False, config=dict(
    hidden_size=16, intermediate_size=32, num_attention_heads=2,
    num_hidden_layers=1, vocab_size=49408, max_position_embeddings=16,
    bos_token_id=49406, eos_token_id=49407, pad_token_id=49407))
UNET = dict(type='DiffusersUNet', config=dict(
    sample_size=16, in_channels=4, out_channels=4, layers_per_block=1,
    block_out_channels=(8, 16),
    down_block_types=('CrossAttnDownBlock2D', ) * 2,
    up_block_types=('CrossAttnUpBlock2D', ) * 2, cross_attention_dim=16,
    attention_head_dim=4, norm_num_groups=4))
SCHEDULER = dict(type='DDPMScheduler', num_train_timesteps=100,
                 beta_schedule='scaled_linear', beta_start=0.00085,
                 beta_end=0.012, steps_offset=1, clip_sample=False)


def build(**overrides):
    torch.manual_seed(0)
    cfg = dict(autoencoder=VAE, text_encoder=TEXT, denoiser=UNET,
               noise_scheduler=SCHEDULER, caption_dropout=0.0,
               generation=dict(num_inference_steps=2))
    cfg.update(overrides)
    return TextToImageLDM(**cfg)


def samples(*captions):
    return [BaseDataElement(metainfo=dict(caption=c)) for c in captions]


@pytest.mark.parametrize('prediction_type', ['epsilon', 'v_prediction'])
def test_loss_is_the_mse_computed_by_hand(prediction_type):
    model = build(caption_dropout=0.5,
                  noise_scheduler=dict(SCHEDULER,
                                       prediction_type=prediction_type))
    x = torch.rand(3, 3, 32, 32) * 2 - 1
    captions = ['red circle and background', 'blue cross', 'background']
    torch.manual_seed(7)
    loss = model.loss(x, samples(*captions))['loss_diffusion']

    torch.manual_seed(7)
    keep = torch.rand(3) >= 0.5
    kept = [c if k else '' for c, k in zip(captions, keep.tolist())]
    vae = model.autoencoder.vae
    z_0 = vae.encode(x).latent_dist.mode() * vae.config.scaling_factor
    noise = torch.randn_like(z_0)
    t = torch.randint(0, 100, (3, ))
    abar = model.noise_scheduler.alphas_cumprod[t].view(-1, 1, 1, 1)
    z_t = abar.sqrt() * z_0 + (1 - abar).sqrt() * noise
    ids = model.text_encoder.tokenizer(kept, padding='max_length',
                                       max_length=16, truncation=True,
                                       return_tensors='pt').input_ids
    text = model.text_encoder.text_model(ids).last_hidden_state
    pred = model.denoiser.unet(z_t, t, text).sample
    target = noise if prediction_type == 'epsilon' else (
        abar.sqrt() * noise - (1 - abar).sqrt() * z_0)
    assert torch.allclose(loss, ((pred - target)**2).mean(), atol=1e-6)


def test_loss_trains_the_unet_and_text_encoder_not_the_vae():
    model = build()
    model.loss(torch.rand(2, 3, 32, 32), samples('red circle', 'blue cross')
               )['loss_diffusion'].backward()
    assert model.denoiser.unet.conv_in.weight.grad is not None
    emb = model.text_encoder.text_model.get_input_embeddings().weight
    assert emb.grad is not None and emb.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.autoencoder.parameters())


def test_frozen_text_encoder_gets_no_gradient():
    model = build(text_encoder=dict(TEXT, freeze=True))
    model.loss(torch.rand(2, 3, 32, 32), samples('a', 'b')
               )['loss_diffusion'].backward()
    assert all(p.grad is None for p in model.text_encoder.parameters())


@pytest.mark.parametrize('p', [0.0, 0.3, 1.0])
def test_caption_dropout_draws_one_uniform_per_caption(p):
    model = build(caption_dropout=p)
    captions = [f'caption {i}' for i in range(50)]
    torch.manual_seed(3)
    dropped = model.drop_captions(captions)
    torch.manual_seed(3)
    keep = (torch.rand(50) >= p).tolist()
    assert dropped == [c if k else '' for c, k in zip(captions, keep)]
    if p == 0.0:
        assert dropped == captions
    if p == 1.0:
        assert dropped == [''] * 50


def test_export_loads_in_diffusers_pipeline_and_generates_the_same(tmp_path):
    model = build().eval()
    out = str(tmp_path / 'tiny-sd')
    (tmp_path / 'tiny-sd').mkdir()
    (tmp_path / 'tiny-sd' / 'README.md').write_text('kept')
    model.save_pretrained(out)
    for part in ('vae', 'unet', 'text_encoder', 'tokenizer', 'scheduler'):
        assert osp.isdir(osp.join(out, part)), part
    assert (tmp_path / 'tiny-sd' / 'README.md').read_text() == 'kept'
    pipe = StableDiffusionPipeline.from_pretrained(out, local_files_only=True)
    assert type(pipe.scheduler).__name__ == 'DDPMScheduler'
    pipe.scheduler = type(model.as_pipeline(
        model.generation['scheduler']).scheduler).from_config(
            pipe.scheduler.config)
    pipe.set_progress_bar_config(disable=True)
    image = pipe(['red circle and background'], num_inference_steps=2,
                 guidance_scale=4.0, output_type='pt',
                 generator=torch.Generator().manual_seed(0)).images
    ours = model.generate(['red circle and background'])
    assert image.shape == ours.shape == (1, 3, 32, 32)
    assert torch.allclose(image, ours, atol=1e-5)
    # a second export replaces every part whole
    model.save_pretrained(out)
    assert not [n for n in (tmp_path / 'tiny-sd').iterdir()
                if n.name.startswith('.export')]


def test_diffseg_components_load_the_export(tmp_path):
    from diffseg.registry import AUTOENCODERS, DENOISERS, MODELS
    model = build().eval()
    model.save_pretrained(str(tmp_path))
    unet = DENOISERS.build(dict(type='DiffusersUNet',
                                pretrained=str(tmp_path)))
    text = MODELS.build(dict(type='CLIPTextEncoder',
                             pretrained=str(tmp_path)))
    vae = AUTOENCODERS.build(dict(type='SDVAE', pretrained=str(tmp_path)))
    for a, b in ((unet, model.denoiser), (vae, model.autoencoder)):
        for (k, v), (k2, v2) in zip(a.state_dict().items(),
                                    b.state_dict().items()):
            assert k == k2 and torch.equal(v, v2)
    ids = text.tokenize(['blue cross'])
    assert torch.equal(ids, model.text_encoder.tokenize(['blue cross']))
    assert torch.allclose(text.encode_ids(ids),
                          model.text_encoder.encode_ids(ids))


def test_predict_generates_from_the_captions():
    model = build().eval()
    out = model.predict(torch.zeros(2, 3, 32, 32), samples('a', 'b'))
    img = out[0].pred_img.data
    assert img.shape == (3, 32, 32) and img.dtype == torch.uint8
    expected = model.generate(['a', 'b'])[0]
    assert torch.equal(img, (expected * 255).round().to(torch.uint8))


def test_bad_configs_and_inputs_are_named():
    with pytest.raises(ValueError, match='cross-attends to width'):
        build(text_encoder=dict(TEXT, config=dict(TEXT['config'],
                                                  hidden_size=8,
                                                  intermediate_size=16)))
    with pytest.raises(ValueError, match='caption_dropout'):
        build(caption_dropout=1.5)
    with pytest.raises(ValueError, match='unknown keys'):
        build(generation=dict(steps=3))
    model = build()
    with pytest.raises(ValueError, match='no caption'):
        model.loss(torch.zeros(1, 3, 32, 32), [BaseDataElement()])
    with pytest.raises(ValueError, match='unknown generation options'):
        model.generate(['a'], cfg_scale=3)
