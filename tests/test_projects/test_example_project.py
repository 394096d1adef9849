import os.path as osp

import pytest
import torch
from mmengine.config import Config

from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.registry import PROMPT_ENCODERS
from diffseg.testing.configs import REPO_ROOT, write_tiny_ldis1_config
from diffseg.testing.tools import run_tool

PROJECT_CONFIG = osp.join(REPO_ROOT, 'projects', 'example_project', 'configs',
                          'ldis1_meancolour_tiny_1shot_shapes_64.py')


@pytest.fixture
def on_repo_path(monkeypatch):
    """Make ``projects.*`` importable, as ``export PYTHONPATH=$(pwd)`` does."""
    monkeypatch.syspath_prepend(REPO_ROOT)


def test_config_swaps_in_the_encoder(on_repo_path):
    cfg = Config.fromfile(PROJECT_CONFIG)  # runs custom_imports
    assert cfg.model.prompt_encoder == dict(type='MeanColourPromptEncoder',
                                            out_dim=64)
    base = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'ldis',
                                    'ldis1_tiny_1shot_shapes_64.py'))
    # everything but the encoder comes from the demo config
    assert cfg.model.type == base.model.type
    assert cfg.model.denoiser == base.model.denoiser
    assert cfg.train_cfg == base.train_cfg
    assert PROMPT_ENCODERS.get('MeanColourPromptEncoder') is not None


@pytest.mark.parametrize('post_masking', [True, False])
def test_encoder_contract(on_repo_path, post_masking):
    from projects.example_project.mean_colour_encoder import \
        MeanColourPromptEncoder
    encoder = MeanColourPromptEncoder(out_dim=16, patch_size=8,
                                      post_masking=post_masking)
    prompts = torch.rand(2, 3, 4, 32, 24) * 2 - 1
    prompts[:, :, 3] = 0
    prompts[0, 0, 3, :8, :8] = 1  # episode 0, prompt 0: one patch
    tokens, keep = encoder(prompts)
    n = 1 + 4 * 3
    assert tokens.shape == (2, 3 * n, 16) and encoder.out_channels == 16
    if not post_masking:
        assert keep is None
        return
    assert keep.shape == (2, 3 * n) and keep.dtype == torch.bool
    # colour token + the one foreground patch; empty prompts keep everything
    assert keep[0, :n].tolist() == [True, True] + [False] * (n - 2)
    assert keep[0, n:].all() and keep[1].all()
    tokens.sum().backward()
    assert encoder.colour_embed.weight.grad.abs().sum() > 0


def test_encoder_rejects_bad_prompts(on_repo_path):
    from projects.example_project.mean_colour_encoder import \
        MeanColourPromptEncoder
    encoder = MeanColourPromptEncoder(out_dim=16)
    with pytest.raises(ValueError, match=r'expected \(B, K, 4, h, w\)'):
        encoder(torch.zeros(2, 3, 32, 32))
    with pytest.raises(ValueError, match='multiples of patch_size=8'):
        encoder(torch.zeros(1, 1, 4, 30, 32))


def test_project_trains_with_its_encoder(tmp_path):
    config = write_tiny_ldis1_config(
        str(tmp_path / 'meancolour_tiny.py'), base=PROJECT_CONFIG,
        model=dict(prompt_encoder=dict(
            _delete_=True, type='MeanColourPromptEncoder', out_dim=16)))
    work_dir = tmp_path / 'work_dir'
    run_tool('train.py', config, '--work-dir', work_dir)
    ckpt = load_from_local(work_dir / 'iter_4.pth')
    keys = {k for k in ckpt['state_dict'] if k.startswith('prompt_encoder.')}
    assert keys == {f'prompt_encoder.{name}.{p}'
                    for name in ('patchify', 'colour_embed', 'proj')
                    for p in ('weight', 'bias')}
