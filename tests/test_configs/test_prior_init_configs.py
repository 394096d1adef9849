"""The tiny configs that start from the prior load it as the sd configs load
Stable Diffusion: every UNet weight, conv_in widened with zeros; their
controls build the same architecture at random."""
import os.path as osp

import pytest
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from mmengine.config import Config

from diffseg.models.autoencoders import MaskAutoencoderModel
from diffseg.models.denoisers.task_embeddings import remove_cross_attention
from diffseg.registry import MODELS
from _helpers.paths import REPO_ROOT, repo_config

CONFIGS = {  # config -> conv_in input channels of its UNet
    'ldis/ldis1_tiny-sd_1shot_1500it_shapes_64.py': 4,
    'ldis/ldisn_tiny-sd_1shot_1500it_shapes_64.py': 8,
    'ldmseg/ldmseg_tiny-sd_2k_shapes-panoptic_64.py': 12,
}


@pytest.fixture(scope='module')
def prior(tmp_path_factory):
    """A prior folder (vae/, unet/) of the tiny SD architectures, and a
    mask autoencoder folder of the tiny LDMSeg's, saved by diffusers."""
    root = tmp_path_factory.mktemp('prior')
    torch.manual_seed(0)
    arch = repo_config('_base_/models/tiny-sd.py')
    vae = repo_config('vae/vae_tiny_300it_shapes_64.py').model.autoencoder
    AutoencoderKL(**vae.config).save_pretrained(str(root / 'sd' / 'vae'))
    unet = UNet2DConditionModel(**arch.tiny_sd_unet)
    unet.save_pretrained(str(root / 'sd' / 'unet'))
    mask_ae = repo_config('ldmseg/ldmseg-mask-ae_tiny_2k_shapes-panoptic_64.py'
                          ).model.autoencoder.config
    MaskAutoencoderModel(**mask_ae).save_pretrained(
        str(root / 'mask' / 'mask_autoencoder'))
    return dict(sd=str(root / 'sd'), mask=str(root / 'mask'),
                unet=unet.state_dict())


def build(relpath: str, prior: dict):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', relpath))
    text = cfg.pretty_text.replace('work_dirs/tiny-sd', prior['sd']).replace(
        'work_dirs/ldmseg-tiny', prior['mask'])
    cfg = Config.fromstring(text, '.py')
    torch.manual_seed(1)
    return MODELS.build(cfg.model)


@pytest.mark.parametrize('relpath', CONFIGS)
def test_prior_fills_every_unet_weight_and_only_new_channels_are_zero(
        relpath, prior):
    unet = build(relpath, prior).denoiser.network.state_dict()
    assert set(unet) == set(prior['unet'])
    channels = CONFIGS[relpath]
    for name, value in prior['unet'].items():
        if name == 'conv_in.weight':
            assert unet[name].shape[1] == channels
            assert torch.equal(unet[name][:, :4], value)
            assert not unet[name][:, 4:].any()
        else:
            assert torch.equal(unet[name], value), name


@pytest.mark.parametrize('relpath', CONFIGS)
def test_random_control_is_the_same_architecture_untrained(relpath, prior):
    random_path = relpath.replace('_tiny-sd_', '_tiny-sd-random_')
    assert osp.isfile(osp.join(REPO_ROOT, 'configs', random_path))
    unet = build(random_path, prior).denoiser.network.state_dict()
    assert {k: v.shape for k, v in unet.items() if k != 'conv_in.weight'} \
        == {k: v.shape for k, v in prior['unet'].items()
            if k != 'conv_in.weight'}
    assert unet['conv_in.weight'].shape[1] == CONFIGS[relpath]
    assert not torch.equal(unet['down_blocks.0.resnets.0.conv1.weight'],
                           prior['unet']['down_blocks.0.resnets.0.conv1.weight'])
    # the prior's VAE is kept
    model = build(random_path, prior)
    vae = model.image_encoder.vae if hasattr(model, 'image_encoder') else \
        model.autoencoder  # LDMSeg keeps the encoder only
    loaded = AutoencoderKL.from_pretrained(
        osp.join(prior['sd'], 'vae')).state_dict()
    weights = vae.network.state_dict()
    assert any(k.startswith('encoder.') for k in weights)
    assert all(torch.equal(v, loaded[k]) for k, v in weights.items())


def test_random_init_needs_a_pretrained_folder():
    from diffseg.models.denoisers import DiffusersUNet
    with pytest.raises(ValueError, match='random_init applies to'):
        DiffusersUNet(config=dict(sample_size=8), random_init=True)


def test_only_cross_attention_blocks_cannot_lose_their_context(prior):
    unet = UNet2DConditionModel.from_pretrained(osp.join(prior['sd'],
                                                         'unet'))
    with pytest.raises(ValueError, match='only_cross_attention'):
        remove_cross_attention(unet)
