"""Every diffusers noise scheduler, registered by its class name.

A config writes ``dict(type='DDIMScheduler', num_train_timesteps=1000, ...)``,
or ``dict(type='DDPMScheduler', pretrained='checkpoints/sd15')`` to read the
``scheduler/`` folder of a local diffusers pipeline (keys beside ``pretrained``
override the saved config). As when diffusers swaps schedulers
(``DDIMScheduler.from_config(ddpm.config)``), keys the chosen scheduler does
not take are ignored with a warning, so one config can serve several
schedulers.
"""
import inspect

import diffusers.schedulers

from diffseg.registry import NOISE_SCHEDULERS
from diffseg.utils.pretrained import resolve_pretrained_dir


def build_noise_scheduler(cfg: dict):
    """Build a scheduler from ``cfg`` (a ``type`` name plus its kwargs)."""
    cfg = dict(cfg)
    cls = NOISE_SCHEDULERS.get(cfg.pop('type'))
    if cls is None:
        raise KeyError(f'unknown noise scheduler type; choose one of '
                       f'{sorted(NOISE_SCHEDULERS.module_dict)}')
    pretrained = cfg.pop('pretrained', None)
    if pretrained is None:
        return cls.from_config(cfg)
    folder = resolve_pretrained_dir(pretrained, 'scheduler', 'noise scheduler',
                                    'the scheduler/ folder of Stable Diffusion',
                                    config_name=cls.config_name)
    return cls.from_config(cls.load_config(folder), **cfg)


def _register_diffusers_schedulers():
    names = []
    for name in dir(diffusers.schedulers):
        obj = getattr(diffusers.schedulers, name)
        if (inspect.isclass(obj) and name.endswith('Scheduler')
                and not name.startswith('Flax')):
            NOISE_SCHEDULERS.register_module(name=name, module=obj, force=True)
            names.append(name)
    return names


DIFFUSERS_SCHEDULERS = _register_diffusers_schedulers()

__all__ = ['build_noise_scheduler', 'DIFFUSERS_SCHEDULERS']
