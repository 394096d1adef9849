"""The real LDMSeg configs build on tiny checkpoints saved like the real
ones and run a training and a sampling step."""
import glob
import os.path as osp

import pytest
import torch
from diffusers import UNet2DConditionModel
from mmengine.config import Config

from diffseg.registry import MODELS
from _helpers.tiny_ldmseg import (save_tiny_ldmseg_checkpoints,
                                  tiny_panoptic_samples)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REAL = sorted(glob.glob(osp.join(ROOT, 'configs/ldmseg/ldmseg*_sd14*.py')) +
              glob.glob(osp.join(ROOT, 'configs/ldmseg/'
                                       'ldmseg-mask-ae*_shallow*.py')))


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return save_tiny_ldmseg_checkpoints(
        str(tmp_path_factory.mktemp('ldmseg_ckpt')), num_bits=(7, 8))


def point_at(cfg: Config, tiny: dict) -> Config:
    """Real pretrained paths -> the tiny folders; x2 latents at 32 px."""
    text = cfg.pretty_text
    for real, name in (('checkpoints/stable-diffusion-v1-4', 'sd'),
                       ('checkpoints/dinov2-base', 'dinov2'),
                       ('work_dirs/ldmseg-coco', 'mask7'),
                       ('work_dirs/ldmseg-ade20k', 'mask8')):
        text = text.replace(real, tiny[name])
    cfg = Config.fromstring(text, '.py')
    if cfg.model.get('image_encoder', {}).get('type') == 'ViTImageEncoder':
        cfg.model.image_encoder.update(downsample_factor=2, input_size=None)
    if 'sampler' in cfg.model:
        cfg.model.sampler.num_inference_steps = 2
        cfg.model.postprocess.min_area = 1
    return cfg


def test_every_real_config_is_covered():
    names = {osp.basename(p) for p in REAL}
    assert 'ldmseg_sd14_200k_coco-panoptic_512.py' in names
    assert len(names) == 5


@pytest.mark.parametrize('path', REAL, ids=osp.basename)
def test_real_config_builds_trains_and_predicts(path, tiny):
    cfg = Config.fromfile(path)
    if cfg.model.type == 'LDMSeg':
        assert cfg.model.sampler.num_inference_steps == 50
        # the paper's best sampler (the reference code's DDIM is an option)
        assert cfg.model.sampler.scheduler.type == 'DDPMScheduler'
        assert cfg.model.sampler.scheduler.timestep_spacing == 'trailing'
        assert cfg.model.noise_scheduler.prediction_type == 'epsilon'
        assert cfg.model.snr_gamma == 2.0
    cfg = point_at(cfg, tiny)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    samples = tiny_panoptic_samples(2)
    inputs = torch.rand(2, 3, 32, 32) * 2 - 1
    losses = model(inputs, samples, mode='loss')
    sum(losses.values()).backward()
    model.eval()
    with torch.no_grad():
        out = model(inputs, samples, mode='predict')
    assert out[0].pred_panoptic_seg.data.shape == (1, 32, 32)
    if cfg.model.type != 'LDMSeg':
        return
    # the UNet is the saved one, widened to 12 channels (new ones zero)
    saved = UNet2DConditionModel.from_pretrained(osp.join(tiny['sd'], 'unet'))
    conv_in = model.denoiser.unet.conv_in.weight
    assert conv_in.shape[1] == 12
    assert torch.equal(conv_in[:, :4], saved.conv_in.weight)
    assert (conv_in[:, 4:] == 0).all()
    trainable = {n.split('.')[0] for n, p in model.named_parameters()
                 if p.requires_grad}
    expected = {'denoiser'}
    if cfg.model.image_encoder.type == 'ViTImageEncoder':
        expected.add('image_encoder')  # the projection only, trained
        # in the graph (zero at the first step: conv_in's new channels are 0)
        assert model.image_encoder.proj.weight.grad is not None
    if cfg.model.get('task_embeddings'):
        expected.add('task_embeddings')
        assert out[0].pred_sem_seg.data.shape == (1, 32, 32)
    assert trainable == expected


def test_real_config_names_missing_weights():
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs/ldmseg/ldmseg_sd14_200k_coco-panoptic_512.py'))
    with pytest.raises(FileNotFoundError, match='stable-diffusion-v1-4'):
        MODELS.build(cfg.model)
