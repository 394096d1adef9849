"""Every config parses and builds; the real-model config loads real layouts."""
import glob
import os.path as osp

import pytest
import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from mmengine.config import Config
from transformers import CLIPVisionConfig, CLIPVisionModel

from diffseg.registry import MODELS
from _helpers.tiny_models import TINY_CLIP, TINY_UNET, TINY_VAE

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)
REAL_CFG = osp.join(ROOT, 'configs/ldis/ldis1_sd15_1shot_160k_icseg_256.py')


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_parses(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'diffseg'
    assert cfg.model.type in MODELS.module_dict
    if 'train_cfg' in cfg:  # training-free models have none
        assert cfg.train_cfg.max_iters > 0


def save_tiny_checkpoints(root: str, cross_attention_dim: int) -> tuple:
    """Tiny SD (vae/, unet/) and CLIP dirs written by save_pretrained."""
    sd, clip = osp.join(root, 'sd'), osp.join(root, 'clip')
    torch.manual_seed(0)
    AutoencoderKL(**TINY_VAE).save_pretrained(osp.join(sd, 'vae'))
    UNet2DConditionModel(**dict(
        TINY_UNET, cross_attention_dim=cross_attention_dim)).save_pretrained(
            osp.join(sd, 'unet'))
    DDPMScheduler(beta_schedule='scaled_linear', beta_start=0.00085,
                  beta_end=0.012, clip_sample=False,
                  steps_offset=1).save_pretrained(osp.join(sd, 'scheduler'))
    CLIPVisionModel(CLIPVisionConfig(**TINY_CLIP)).save_pretrained(clip)
    return sd, clip


REAL_CONFIGS = [p for p in CONFIGS if '_sd15' in p and '/ldis/' in p]


def point_at(cfg, sd: str, clip: str) -> Config:
    """Point every pretrained path of a real config at tiny checkpoints."""
    text = cfg.pretty_text.replace('checkpoints/stable-diffusion-v1-5', sd)
    text = text.replace('checkpoints/clip-vit-large-patch14', clip)
    tiny = Config.fromstring(text, '.py')
    tiny.model.data_preprocessor.prompt_size = (32, 32)
    return tiny


@pytest.fixture(scope='module')
def tiny_checkpoints(tmp_path_factory):
    return save_tiny_checkpoints(str(tmp_path_factory.mktemp('ckpt')), 768)


@pytest.mark.parametrize('path', REAL_CONFIGS,
                         ids=lambda p: osp.basename(p))
def test_real_configs_build_and_run(path, tiny_checkpoints):
    """Each real config (and ablation row) builds on saved checkpoints."""
    cfg = point_at(Config.fromfile(path), *tiny_checkpoints)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    k = cfg.test_dataloader.dataset.num_prompts
    inputs = dict(query=torch.rand(1, 3, 32, 32) * 2 - 1,
                  prompts=torch.cat([torch.rand(1, k, 3, 32, 32) * 2 - 1,
                                     torch.ones(1, k, 1, 32, 32)], 2))
    if cfg.model.type == 'MultiStepLDIS':
        model.sampler.num_inference_steps = 2
    with torch.no_grad():
        out = model(inputs, mode='tensor')
    assert out.shape == (1, 4, 16, 16) and torch.isfinite(out).all()
    lora = cfg.model.denoiser.get('lora')
    if lora:
        trainable = [n for n, p in model.denoiser.named_parameters()
                     if p.requires_grad]
        assert trainable and all('lora' in n or 'conv_in' in n
                                 for n in trainable)


def test_real_ldis1_config_builds_from_saved_checkpoints(tmp_path):
    cfg = Config.fromfile(REAL_CFG)
    assert cfg.model.prompt_encoder.out_dim == 768
    assert cfg.train_cfg.max_iters == 160000
    assert cfg.optim_wrapper.optimizer.lr == 1e-5
    sd, clip = save_tiny_checkpoints(str(tmp_path), 768)
    cfg.model.autoencoder.pretrained = sd
    cfg.model.denoiser.pretrained = sd
    cfg.model.prompt_encoder.pretrained = clip
    cfg.model.data_preprocessor.prompt_size = (32, 32)
    model = MODELS.build(cfg.model)
    # the weights are the saved ones, not a fresh initialisation
    saved = UNet2DConditionModel.from_pretrained(osp.join(sd, 'unet'))
    assert torch.equal(model.denoiser.unet.conv_in.weight,
                       saved.conv_in.weight)
    trainable = {n.split('.')[0] for n, p in model.named_parameters()
                 if p.requires_grad}
    assert trainable == {'prompt_encoder', 'denoiser'}
    assert not any(p.requires_grad
                   for p in model.prompt_encoder.clip.parameters())
    inputs = dict(query=torch.rand(1, 3, 32, 32) * 2 - 1,
                  prompts=torch.cat([torch.rand(1, 1, 3, 32, 32) * 2 - 1,
                                     torch.ones(1, 1, 1, 32, 32)], 2))
    out = model(inputs, mode='tensor')
    assert out.shape == (1, 4, 16, 16)


def test_real_config_names_missing_weights(tmp_path):
    cfg = Config.fromfile(REAL_CFG)
    with pytest.raises(FileNotFoundError, match='clip-vit-large-patch14'):
        MODELS.build(cfg.model)
    _, clip = save_tiny_checkpoints(str(tmp_path), 768)
    cfg.model.prompt_encoder.pretrained = clip
    cfg.model.autoencoder.pretrained = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='nowhere.*vae'):
        MODELS.build(cfg.model)
