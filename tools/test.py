"""Evaluate a diffseg checkpoint (same flags as mmsegmentation's test.py).

The config decides what is measured: its evaluators (e.g. the
prompt-agnostic baseline), its test loop (``InContextTestLoop`` adds the
swapped-prompt control) and its ``TestSummaryHook``, which prints the
figures and saves them to ``WORK_DIR/test_summary.json``.
"""
import argparse
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from diffseg.engine.dist_env import setup_cpu_distributed
from diffseg.engine.robustness import add_robustness_hooks
from diffseg.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Test a diffseg model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', nargs='?',
        help='checkpoint file; omitted for training-free models (configs '
        'without train_cfg, e.g. MaskDiffusion)')
    parser.add_argument('--work-dir', help='the dir to save logs and metrics')
    parser.add_argument(
        '--out', help='pickle file to dump the predictions to (.pkl)')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--show-dir', help='directory for one PNG panel per episode: prompts '
        'with their masks, the query with the prediction, the ground truth')
    parser.add_argument('--wait-time', type=float, default=2,
                        help='interval of show (s)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def enable_visualization(cfg, args) -> None:
    hooks = cfg.default_hooks
    if 'visualization' not in hooks:
        raise SystemExit('--show/--show-dir need a `visualization` hook in '
                         'default_hooks (InContextVisualizationHook)')
    hooks.visualization.draw = True
    if args.show:
        hooks.visualization.show = True
        hooks.visualization.wait_time = args.wait_time
    if args.show_dir:
        hooks.visualization.out_dir = osp.abspath(args.show_dir)


def build_cfg(args) -> Config:
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.checkpoint is None:
        if cfg.get('train_cfg'):
            raise SystemExit(f'{args.config} trains (it has a train_cfg): '
                             'give the checkpoint to test')
    elif not osp.isfile(args.checkpoint):
        raise SystemExit(f'checkpoint {args.checkpoint!r} does not exist')
    else:
        cfg.load_from = args.checkpoint
    add_robustness_hooks(cfg)  # a checkpoint of another model is refused
    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise SystemExit(f'--out {args.out!r}: expected a .pkl file')
        evaluators = cfg.test_evaluator
        if isinstance(evaluators, dict):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpResults', out_file_path=args.out)
        ]
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = build_cfg(args)
    setup_cpu_distributed(cfg)  # gloo when CUDA is absent
    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
