import pytest
import torch
from diffusers import AutoencoderKL
from transformers import AutoConfig, AutoModel

from diffseg.registry import IMAGE_ENCODERS
from _helpers.tiny_models import TINY_VAE

TINY_VIT = dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                intermediate_size=24, image_size=32, patch_size=4)


def test_sd_vae_image_encoder_is_the_frozen_vae_mean(tmp_path):
    torch.manual_seed(0)
    vae = AutoencoderKL(**TINY_VAE)
    vae.save_pretrained(str(tmp_path / 'vae'))
    enc = IMAGE_ENCODERS.build(dict(type='SDVAEImageEncoder',
                                    pretrained=str(tmp_path)))
    img = torch.rand(2, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        expected = vae.encode(img).latent_dist.mode() * 0.18215
    z = enc(img)
    assert z.shape == (2, 4, 16, 16) and enc.out_channels == 4
    assert enc.downsample_factor == 2
    assert torch.allclose(z, expected, atol=1e-5)
    assert not any(p.requires_grad for p in enc.parameters())
    assert not any('decoder' in n for n, _ in enc.named_parameters())


@pytest.mark.parametrize('model_type,extra', [
    ('dinov2', {}),
    ('dinov2_with_registers', dict(num_register_tokens=2)),
    ('vit', {}),
])
def test_vit_encoder_projects_patch_tokens(model_type, extra):
    torch.manual_seed(0)
    enc = IMAGE_ENCODERS.build(dict(
        type='ViTImageEncoder', config=dict(TINY_VIT, model_type=model_type,
                                            **extra),
        out_channels=4, downsample_factor=8))
    img = torch.rand(2, 3, 48, 64) * 2 - 1  # not the config's image size
    feats = enc.features(img)
    assert feats.shape == (2, 16, 12, 16)
    # the patch tokens, independently: normalise, run, drop CLS/registers
    x = ((img + 1) / 2 - torch.tensor([0.485, 0.456, 0.406]).view(
        1, 3, 1, 1)) / torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    kwargs = dict(interpolate_pos_encoding=True) if model_type == 'vit' \
        else {}
    with torch.no_grad():
        tokens = enc.backbone(pixel_values=x, **kwargs).last_hidden_state
    skip = 1 + extra.get('num_register_tokens', 0)
    assert tokens.shape[1] == skip + 12 * 16
    assert torch.allclose(feats, tokens[:, skip:].transpose(1, 2).reshape(
        2, 16, 12, 16), atol=1e-5)
    out = enc(img)
    assert out.shape == (2, 4, 6, 8)
    trainable = {n.split('.')[0] for n, p in enc.named_parameters()
                 if p.requires_grad}
    assert trainable == {'proj'}
    out.sum().backward()
    assert enc.proj.weight.grad is not None


def test_vit_encoder_from_a_saved_directory(tmp_path):
    torch.manual_seed(0)
    AutoModel.from_config(AutoConfig.for_model(
        'dinov2', **TINY_VIT)).save_pretrained(str(tmp_path))
    enc = IMAGE_ENCODERS.build(dict(type='ViTImageEncoder',
                                    pretrained=str(tmp_path),
                                    input_size=(32, 32)))
    saved = AutoModel.from_pretrained(str(tmp_path))
    assert torch.equal(enc.backbone.embeddings.patch_embeddings.projection
                       .weight, saved.embeddings.patch_embeddings.projection
                       .weight)
    assert enc(torch.zeros(1, 3, 64, 64)).shape == (1, 4, 8, 8)
    with pytest.raises(FileNotFoundError, match='dinov2-base'):
        IMAGE_ENCODERS.build(dict(type='ViTImageEncoder',
                                  pretrained=str(tmp_path / 'none')))
    with pytest.raises(ValueError, match='model_type'):
        IMAGE_ENCODERS.build(dict(type='ViTImageEncoder', config=TINY_VIT))
