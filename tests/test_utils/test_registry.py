import inspect
import subprocess
import sys

import diffusers
import diffusers.schedulers
import pytest

from diffseg.models.noise_schedulers import (DIFFUSERS_SCHEDULERS,
                                             build_noise_scheduler)
from diffseg.registry import NOISE_SCHEDULERS, PROMPT_ENCODERS


def _diffusers_scheduler_names():
    return sorted(
        name for name in dir(diffusers.schedulers)
        if name.endswith('Scheduler') and not name.startswith('Flax')
        and inspect.isclass(getattr(diffusers.schedulers, name)))


@pytest.mark.parametrize('name', [
    'DDPMScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler',
    'EulerDiscreteScheduler'
])
def test_common_schedulers_registered(name):
    assert NOISE_SCHEDULERS.get(name) is getattr(diffusers, name)


def test_every_diffusers_scheduler_registered():
    expected = _diffusers_scheduler_names()
    assert len(expected) > 10
    assert sorted(DIFFUSERS_SCHEDULERS) == expected
    for name in expected:
        assert name in NOISE_SCHEDULERS.module_dict, name
    registered = [n for n in NOISE_SCHEDULERS.module_dict
                  if n.endswith('Scheduler')]
    assert len(registered) == len(expected)
    assert not any(n.startswith('Flax') for n in NOISE_SCHEDULERS.module_dict)


def test_build_from_config():
    sched = build_noise_scheduler(
        dict(type='DDIMScheduler', num_train_timesteps=50))
    assert isinstance(sched, diffusers.DDIMScheduler)
    assert sched.config.num_train_timesteps == 50
    assert len(sched.alphas_cumprod) == 50
    # the config dict is not modified
    cfg = dict(type='DDPMScheduler', beta_schedule='scaled_linear')
    build_noise_scheduler(cfg)
    assert cfg == dict(type='DDPMScheduler', beta_schedule='scaled_linear')


@pytest.mark.parametrize('layout', ['pipeline', 'folder'])
def test_build_from_pretrained(tmp_path, layout):
    saved = diffusers.DDPMScheduler(num_train_timesteps=123,
                                    beta_schedule='scaled_linear',
                                    beta_start=0.00085, beta_end=0.012,
                                    clip_sample=False)
    folder = tmp_path / 'scheduler' if layout == 'pipeline' else tmp_path
    saved.save_pretrained(str(folder))
    sched = build_noise_scheduler(
        dict(type='DDPMScheduler', pretrained=str(tmp_path)))
    assert isinstance(sched, diffusers.DDPMScheduler)
    assert sched.config.num_train_timesteps == 123
    assert sched.config.beta_schedule == 'scaled_linear'
    assert sched.config.beta_end == pytest.approx(0.012)
    assert sched.config.clip_sample is False
    # keys beside `pretrained` override the saved config
    sched = build_noise_scheduler(
        dict(type='DDIMScheduler', pretrained=str(tmp_path),
             num_train_timesteps=77))
    assert isinstance(sched, diffusers.DDIMScheduler)
    assert sched.config.num_train_timesteps == 77
    assert sched.config.beta_schedule == 'scaled_linear'


def test_pretrained_missing_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match='scheduler'):
        build_noise_scheduler(
            dict(type='DDPMScheduler', pretrained=str(tmp_path / 'nope')))


def test_unknown_scheduler_type():
    with pytest.raises(KeyError, match='DDIMScheduler'):
        build_noise_scheduler(dict(type='NoSuchScheduler'))


def test_unknown_prompt_encoder_type():
    with pytest.raises(KeyError, match='NoSuchEncoder'):
        PROMPT_ENCODERS.build(dict(type='NoSuchEncoder'))


def test_registries_find_their_modules_through_locations():
    """A fresh interpreter builds guidance, id codecs, tasks and the
    pretrainers by name without importing their packages first."""
    code = '\n'.join([
        'import sys',
        'from diffseg.registry import GUIDANCE, ID_CODECS, MODELS, TASKS',
        "assert 'diffseg.models' not in sys.modules",
        "for registry, name in ((GUIDANCE, 'DualGuidance'),",
        "                       (ID_CODECS, 'BitCodec'),",
        "                       (TASKS, 'panoptic'),",
        "                       (MODELS, 'MaskAutoencoderPretrainer')):",
        '    assert registry.get(name) is not None, name',
    ])
    subprocess.run([sys.executable, '-c', code], check=True)
