"""Every config parses and builds; the real-model config loads real layouts."""
import glob
import inspect
import os.path as osp

import pytest
import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from mmengine.config import Config
from safetensors.torch import save_file
from transformers import CLIPVisionConfig, CLIPVisionModel

from diffseg.models.prompt_encoders import (ALPHA_WEIGHTS_NAME,
                                            AlphaCLIPVisionEmbeddings)
from diffseg.registry import DATASETS, MODELS
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
    """Tiny SD (vae/, unet/), Alpha-CLIP (CLIP + alpha conv, the converter's
    layout) and plain CLIP dirs written by save_pretrained."""
    sd, clip = osp.join(root, 'sd'), osp.join(root, 'clip')
    alpha_clip = osp.join(root, 'alpha_clip')
    torch.manual_seed(0)
    AutoencoderKL(**TINY_VAE).save_pretrained(osp.join(sd, 'vae'))
    UNet2DConditionModel(**dict(
        TINY_UNET, cross_attention_dim=cross_attention_dim)).save_pretrained(
            osp.join(sd, 'unet'))
    DDPMScheduler(beta_schedule='scaled_linear', beta_start=0.00085,
                  beta_end=0.012, clip_sample=False,
                  steps_offset=1).save_pretrained(osp.join(sd, 'scheduler'))
    CLIPVisionModel(CLIPVisionConfig(**TINY_CLIP)).save_pretrained(clip)
    CLIPVisionModel(CLIPVisionConfig(**TINY_CLIP)).save_pretrained(alpha_clip)
    conv = AlphaCLIPVisionEmbeddings(CLIPVisionConfig(**TINY_CLIP))
    torch.nn.init.normal_(conv.patch_embedding_alpha.weight)
    save_file({'patch_embedding_alpha.weight':
               conv.patch_embedding_alpha.weight.detach()},
              osp.join(alpha_clip, ALPHA_WEIGHTS_NAME))
    return sd, alpha_clip, clip


REAL_CONFIGS = [p for p in CONFIGS if '_sd15' in p and '/ldis/' in p]


def point_at(cfg, sd: str, alpha_clip: str, clip: str) -> Config:
    """Point every pretrained path of a real config at tiny checkpoints."""
    text = cfg.pretty_text.replace('checkpoints/stable-diffusion-v1-5', sd)
    text = text.replace('checkpoints/alpha-clip-l14-grit20m', alpha_clip)
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
    encoder = model.prompt_encoder
    if encoder.pre_masking == 'alpha':  # Alpha-CLIP's trained alpha conv
        alpha = encoder.clip.embeddings.patch_embedding_alpha.weight
        assert alpha.abs().sum() > 0
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
    sd, alpha_clip, _ = save_tiny_checkpoints(str(tmp_path), 768)
    cfg.model.autoencoder.pretrained = sd
    cfg.model.denoiser.pretrained = sd
    cfg.model.prompt_encoder.pretrained = alpha_clip
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
    # the paper's pre-masking: Alpha-CLIP's trained alpha conv is loaded
    alpha = model.prompt_encoder.clip.embeddings.patch_embedding_alpha.weight
    assert alpha.abs().sum() > 0
    inputs = dict(query=torch.rand(1, 3, 32, 32) * 2 - 1,
                  prompts=torch.cat([torch.rand(1, 1, 3, 32, 32) * 2 - 1,
                                     torch.ones(1, 1, 1, 32, 32)], 2))
    out = model(inputs, mode='tensor')
    assert out.shape == (1, 4, 16, 16)


def test_real_config_names_missing_weights(tmp_path):
    cfg = Config.fromfile(REAL_CFG)
    with pytest.raises(FileNotFoundError, match='alpha-clip-l14-grit20m'):
        MODELS.build(cfg.model)
    _, alpha_clip, clip = save_tiny_checkpoints(str(tmp_path), 768)
    # a plain CLIP where the Alpha-CLIP belongs says how to convert one
    cfg.model.prompt_encoder.pretrained = clip
    with pytest.raises(ValueError, match='alpha_clip_to_hf.py'):
        MODELS.build(cfg.model)
    cfg.model.prompt_encoder.pretrained = alpha_clip
    cfg.model.autoencoder.pretrained = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='nowhere.*vae'):
        MODELS.build(cfg.model)


# the rows of the paper's Tables 4-7 (configs/ldis/README.md)
ABLATION_ROWS = [
    'ldis1_sd15_1shot_160k_coco-ablation_256.py',
    'ldis1-lora-r1_sd15_1shot_160k_icseg_256.py',
    'ldis1-lora-r4_sd15_1shot_160k_icseg_256.py',
    'ldis1-lora-r4-po_sd15_1shot_160k_icseg_256.py',
    'ldis1-noisy-t500_sd15_1shot_160k_icseg_256.py',
    'ldisn_sd15_1shot_160k_coco-ablation_256.py',
    'ldisn-lora-r4_sd15_1shot_160k_icseg_256.py',
    'ldisn-nopremask_sd15_1shot_160k_icseg_256.py',
    'ldisn-nopostmask_sd15_1shot_160k_icseg_256.py',
    'ldisn-nomask_sd15_1shot_160k_icseg_256.py',
    'ldisn-vanillamask_sd15_1shot_160k_icseg_256.py',
    'ldisn-perturbedmask_sd15_1shot_160k_icseg_256.py',
] + [f'ldisn_sd15_{k}shot_160k_icseg_256.py' for k in (5, 10, 15, 20)]


def test_ablation_rows_score_the_same_coco_episodes():
    """Every row of Tables 4-7 tests on one COCO episode file (fixed
    prompt-query pairs), differing at most in how many prompts it takes."""
    datasets = {}
    for name in ABLATION_ROWS:
        cfg = Config.fromfile(osp.join(ROOT, 'configs', 'ldis', name))
        assert cfg.val_dataloader == cfg.test_dataloader, name
        dataset = cfg.test_dataloader.dataset.to_dict()
        datasets[name] = (dataset.pop('num_prompts'), dataset)
    counts = sorted({k for k, _ in datasets.values()})
    assert counts == [1, 5, 10, 15, 20]
    assert len({repr(d) for _, d in datasets.values()}) == 1
    first = next(iter(datasets.values()))[1]
    assert first['type'] == 'COCOInContextDataset' and first['test_mode']
    assert first['episode_file'] and first['num_episodes'] == 1000


def test_benchmark_configs_follow_table_2():
    """The paper's splits are the defaults where the releases allow."""
    def load(name):
        return Config.fromfile(osp.join(ROOT, 'configs', 'ldis', name))

    cfg = load('ldis1_sd15_1shot_160k_icseg_256.py')
    pascal, coco, davis, vspw = cfg.train_dataloader.dataset.datasets
    assert (coco.ann_file, coco.img_dir) == (
        'annotations/instances_train2014.json', 'train2014')
    assert (vspw.num_classes, vspw.num_videos, vspw.frame_step) == (58, 1000,
                                                                    4)
    val = cfg.val_dataloader.dataset
    assert val.type == 'PascalVOCInContextDataset'
    assert (val.episodes_per_image, val.num_episodes) == ('all', 2000)
    vspw_val = load('ldis1_sd15_1shot_160k_vspw-val_256.py').test_dataloader
    assert (vspw_val.dataset.num_classes, vspw_val.dataset.num_videos,
            vspw_val.dataset.subset_seed) == (58, 100, vspw.subset_seed)
    coco_val = load('ldis1_sd15_1shot_160k_coco-val_256.py').test_dataloader
    assert coco_val.dataset.img_dir == 'val2014'
    for fold in range(4):
        fold_cfg = load(f'ldis1_sd15_1shot_160k_coco20i-fold{fold}_256.py')
        assert fold_cfg.train_dataloader.dataset.img_dir == 'train2014'
        assert fold_cfg.test_dataloader.dataset.img_dir == 'val2014'
    # DAVIS: the official davis2017-evaluation frames (the default)
    davis_val = load('ldis1_sd15_1shot_160k_davis16-val_256.py')
    dataset = DATASETS.get(davis_val.test_dataloader.dataset.type)
    assert davis_val.test_dataloader.dataset.get(
        'drop_last_frame', inspect.signature(dataset).parameters[
            'drop_last_frame'].default) is True
