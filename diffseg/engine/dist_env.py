"""Multi-process training on machines without CUDA (gloo backend)."""
from unittest import mock

import torch
from mmengine.config import Config
from mmengine.dist import init_dist, is_distributed


def setup_cpu_distributed(cfg: Config) -> bool:
    """Start the process group and wrap CPU models when CUDA is absent.

    mmengine 0.10.7 calls ``torch.cuda.set_device`` while it initialises the
    process group (every launcher) and passes the local rank as GPU index to
    the model wrappers; both fail without CUDA. For a run with a launcher on
    such a machine this initialises the group itself with the ``gloo``
    backend (``env_cfg.dist_cfg`` otherwise kept, e.g. ``timeout``), with
    the GPU selection skipped; the runner then finds the group initialised
    and uses it. The model wrapper gets ``device_ids=None`` (DDP of a CPU
    module). FSDP and DeepSpeed strategies are refused: they need GPUs.
    Returns True when it did so, False when there is nothing to do (no
    launcher, CUDA present, or already initialised).
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available() or is_distributed():
        return False
    strategy = cfg.get('strategy')
    if strategy is not None and strategy.get('type') != 'DDPStrategy':
        raise ValueError(
            f"strategy {strategy.get('type')!r} needs GPUs (torch FSDP and "
            'DeepSpeed do not run on the CPU); without CUDA use the Runner '
            '(no strategy) or DDPStrategy')
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    with mock.patch.object(torch.cuda, 'set_device', lambda device: None):
        init_dist(launcher, **dist_cfg)
    if strategy is not None:
        strategy.setdefault('model_wrapper', {})['device_ids'] = None
    else:
        wrapper = cfg.get('model_wrapper_cfg') or dict(
            type='MMDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        wrapper['device_ids'] = None
        cfg.model_wrapper_cfg = wrapper
    return True
