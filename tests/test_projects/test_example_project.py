import os.path as osp

import pytest
import torch
from mmengine.config import Config

from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.models.prompt_encoders import BasePromptEncoder
from diffseg.registry import MODELS, PROMPT_ENCODERS
from _helpers.configs import write_tiny_ldis1_config
from _helpers.paths import REPO_ROOT
from _helpers.tiny_models import tiny_episode_batch, tiny_ldisn_cfg
from _helpers.tools import run_tool

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
                                    'ldis1_tiny_1shot_1500it_shapes_64.py'))
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
                                      post_masking=post_masking,
                                      prompt_size=(32, 24))
    assert isinstance(encoder, BasePromptEncoder)
    prompts = torch.rand(2, 3, 4, 32, 24) * 2 - 1
    prompts[:, :, 3] = 0
    prompts[0, 0, 3, :8, :8] = 1  # episode 0, prompt 0: one patch
    tokens, keep = encoder(prompts)
    n = 1 + 4 * 3
    assert tokens.shape == (2, 3 * n, 16) and encoder.out_channels == 16
    assert encoder.num_tokens_per_prompt == n
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
    with pytest.raises(ValueError, match='multiples of patch_size=8'):
        MeanColourPromptEncoder(out_dim=16, prompt_size=30)


def ldisn_with_the_encoder(**encoder):
    torch.manual_seed(0)
    return MODELS.build(tiny_ldisn_cfg(prompt_encoder=dict(
        type='MeanColourPromptEncoder', out_dim=16, **encoder)))


@pytest.mark.parametrize('prompt_dropout', [0.0, 1.0])
def test_encoder_runs_ldisn_with_the_learned_null_prompt(
        on_repo_path, prompt_dropout):
    from projects.example_project.mean_colour_encoder import \
        MeanColourPromptEncoder  # noqa: F401 (registers the encoder)
    model = ldisn_with_the_encoder(prompt_size=32)
    model.prompt_dropout = prompt_dropout
    # one null token a token of a 32 px prompt: the colour + 4 x 4 patches
    assert model.null_tokens.shape == (1 + 16, 16)
    data = tiny_episode_batch(model, n=2, num_prompts=2)
    loss = model(**data, mode='loss')['loss_diffusion']
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    null_grad = model.null_tokens.grad.abs().sum()
    encoder_grad = model.prompt_encoder.proj.weight.grad.abs().sum()
    # dropped prompts train the null prompt, kept ones the encoder
    assert (null_grad > 0) == (prompt_dropout == 1.0)
    assert (encoder_grad > 0) == (prompt_dropout == 0.0)
    model.eval()
    data = tiny_episode_batch(model, n=2, num_prompts=2, training=False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    for sample in out:
        pred = sample.pred_sem_seg.data
        assert pred.shape == (1, 32, 32)
        assert set(pred.unique().tolist()) <= {0, 1}


def test_ldisn_rejects_prompts_of_another_token_count(on_repo_path):
    from projects.example_project.mean_colour_encoder import \
        MeanColourPromptEncoder  # noqa: F401 (registers the encoder)
    model = ldisn_with_the_encoder(prompt_size=64)  # prompts come at 32 px
    data = tiny_episode_batch(model, n=1)
    with pytest.raises(ValueError, match='num_tokens_per_prompt = 65'):
        model(**data, mode='loss')


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
