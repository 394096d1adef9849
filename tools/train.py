"""Train a diffseg model from a config (same flags as mmsegmentation's).

Configs with ``runner_type='FlexibleRunner'`` and a ``strategy`` (FSDP,
DeepSpeed; configs/_base_/strategies/) run on mmengine's FlexibleRunner,
others on the Runner. Every run gets diffseg's robustness hooks unless its
config lists them already: a non-finite loss stops training before it
reaches a checkpoint, every iteration is seeded from (seed, iteration, rank)
so that ``--resume`` continues exactly, and a checkpoint that does not fit
the model is refused. docs/distributed.md has the details.
"""
import argparse
import logging
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from diffseg.engine.dist_env import setup_cpu_distributed
from diffseg.engine.hooks import NonFiniteLossError
from diffseg.engine.robustness import add_robustness_hooks
from diffseg.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Train a diffseg model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', action='store_true', default=False,
        help='resume from the latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', default=False,
        help='mixed precision: bf16 autocast where the device supports it '
        '(CPU, recent GPUs), float16 with loss scaling on older GPUs')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value (e.g. '
        'train_cfg.max_iters=100)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def setup_amp(cfg) -> None:
    """Switch the optim wrapper to mixed precision, or say why not."""
    import torch
    wrapper = cfg.optim_wrapper
    kind = wrapper.get('type', 'OptimWrapper')
    if kind in ('AmpOptimWrapper', 'BF16OptimWrapper'):
        print_log('mixed precision is already enabled in the config.',
                  logger='current', level=logging.WARNING)
        return
    if kind != 'OptimWrapper':
        raise SystemExit('--amp switches an OptimWrapper to mixed precision; '
                         f'the config uses {kind} (for DeepSpeed, set bf16 '
                         'or fp16 in the strategy instead)')
    if not torch.cuda.is_available() or torch.cuda.is_bf16_supported():
        wrapper.type = 'BF16OptimWrapper'
    else:
        wrapper.type = 'AmpOptimWrapper'
        wrapper.dtype = 'float16'
        wrapper.setdefault('loss_scale', 'dynamic')


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        setup_amp(cfg)
    cfg.resume = args.resume
    add_robustness_hooks(cfg)
    setup_cpu_distributed(cfg)
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    try:
        runner.train()
    except NonFiniteLossError as error:
        runner.logger.error(str(error))
        raise SystemExit(f'error: {error}') from None


if __name__ == '__main__':
    main()
