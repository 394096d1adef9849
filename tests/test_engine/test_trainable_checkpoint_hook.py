from unittest.mock import Mock

import pytest
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from mmengine.config import Config
from mmengine.runner import Runner
from torch import nn

from diffseg.apis import init_model
from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.engine.hooks import TrainableWeightsCheckpointHook
from diffseg.registry import HOOKS
from _helpers.configs import write_tiny_ldis1_config
from _helpers.tiny_models import TINY_UNET, TINY_VAE


def save_checkpoint_with_hook(model):
    checkpoint = dict(meta=dict(iter=2), state_dict=model.state_dict())
    hook = HOOKS.build(dict(type='TrainableWeightsCheckpointHook'))
    hook.before_save_checkpoint(Mock(model=model), checkpoint)
    return checkpoint


def test_keeps_trainable_parameters_and_their_buffers():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2),
                          nn.BatchNorm1d(2))
    model[0].requires_grad_(False)
    model[2].requires_grad_(False)
    model[1].bias.requires_grad_(False)
    checkpoint = save_checkpoint_with_hook(model)
    assert list(checkpoint['state_dict']) == [
        '1.weight', '1.running_mean', '1.running_var', '1.num_batches_tracked']
    assert hasattr(checkpoint['state_dict'], '_metadata')
    assert checkpoint['meta'] == dict(iter=2, trainable_only=True)


def test_nothing_trainable():
    model = nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(RuntimeError, match='no trainable parameters'):
        save_checkpoint_with_hook(model)


def fixed_batch():
    g = torch.Generator().manual_seed(0)
    prompts = torch.rand(2, 1, 4, 32, 32, generator=g) * 2 - 1
    prompts[:, :, 3] = (prompts[:, :, 3] > 0).float()
    return dict(query=torch.rand(2, 3, 32, 32, generator=g) * 2 - 1,
                prompts=prompts)


def test_lora_checkpoint_round_trip(tmp_path):
    """Train LDIS-1 with a LoRA UNet on a pretrained base: the trainable-only
    checkpoint on top of that base reproduces the trained model."""
    torch.manual_seed(0)
    sd = tmp_path / 'tiny-sd'
    AutoencoderKL(**TINY_VAE).save_pretrained(str(sd / 'vae'))
    UNet2DConditionModel(**TINY_UNET).save_pretrained(str(sd / 'unet'))
    config = write_tiny_ldis1_config(
        str(tmp_path / 'lora.py'),
        model=dict(
            autoencoder=dict(_delete_=True, type='SDVAE', pretrained=str(sd)),
            denoiser=dict(_delete_=True, type='DiffusersUNet',
                          pretrained=str(sd), lora=dict(rank=4))),
        custom_hooks=[dict(type='TrainableWeightsCheckpointHook')],
        train_cfg=dict(max_iters=2, val_begin=3),
        visualizer=dict(name='trainable_checkpoint_test'),
        work_dir=str(tmp_path / 'work_dir'))
    # in-process: the runner's model is the full trained state to compare
    runner = Runner.from_cfg(Config.fromfile(config))
    trained = runner.train().eval()

    ckpt_path = str(tmp_path / 'work_dir' / 'iter_2.pth')
    ckpt = load_from_local(ckpt_path)
    assert ckpt['meta']['trainable_only'] is True
    keys = set(ckpt['state_dict'])
    assert keys == {n for n, p in trained.named_parameters()
                    if p.requires_grad}
    assert {k.split('.')[0] for k in keys} == {'prompt_encoder', 'denoiser'}
    assert all('.lora_' in k for k in keys if k.startswith('denoiser.'))
    assert len(keys) < len(trained.state_dict()) / 2
    assert any(k.endswith('lora_B.default.weight')
               and ckpt['state_dict'][k].abs().max() > 0 for k in keys)

    batch = fixed_batch()
    with torch.no_grad():
        want = trained(batch)
        got = init_model(config, ckpt_path)(batch)
        untrained = init_model(config)(batch)
    torch.testing.assert_close(got, want, rtol=1e-6, atol=1e-6)
    assert not torch.allclose(untrained, want, atol=1e-4)


def test_registered():
    assert HOOKS.get('TrainableWeightsCheckpointHook') is \
        TrainableWeightsCheckpointHook
