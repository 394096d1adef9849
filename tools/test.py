"""Evaluate a diffseg checkpoint (same flags as mmsegmentation's test.py).

For in-context datasets that can swap prompts (``prompt_mode``), ``--controls``
(on by default for them) also evaluates the same checkpoint with each prompt
swapped for another class present in the query: a model that follows its
prompt scores far lower there. The prompt-agnostic baseline (every object is
foreground) comes from the config's ``baseline`` evaluator.
"""
import argparse
import copy
import inspect
import json
import numbers
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config, DictAction
from mmengine.dist import is_main_process
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
        '--controls', choices=['auto', 'on', 'off'], default='auto',
        help='also evaluate with swapped prompts (auto: when the test '
        'dataset has a prompt_mode)')
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


def swapped_prompt_cfg(cfg: Config) -> Config:
    """The same test with prompts swapped for another class of the query."""
    swapped = copy.deepcopy(cfg)
    swapped.test_dataloader.dataset.prompt_mode = 'swap'
    swapped.test_evaluator = [
        e for e in (cfg.test_evaluator if isinstance(cfg.test_evaluator, list)
                    else [cfg.test_evaluator])
        if e.get('type') != 'DumpResults' and e.get('prefix') != 'baseline'
    ]
    if 'visualization' in swapped.default_hooks:
        swapped.default_hooks.visualization.draw = False
    return swapped


def supports_prompt_swap(dataset_cfg) -> bool:
    from diffseg.registry import DATASETS
    dataset_cls = DATASETS.get(dataset_cfg.get('type'))
    return dataset_cls is not None and 'prompt_mode' in inspect.signature(
        dataset_cls.__init__).parameters


def per_video_figures(runner: Runner) -> dict:
    """{video: figures} of each test metric that keeps them (VideoJF,
    VSPWIoU on videos), keyed by the metric's prefix or class name."""
    found = {}
    for metric in runner.test_evaluator.metrics:
        per_video = getattr(metric, 'per_video', None)
        if per_video:
            found[metric.prefix or type(metric).__name__] = per_video
    return found


def _table(header, rows) -> list:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    return [' '.join(f'{str(x):>{w}}' for x, w in zip(row, widths))
            for row in [header, *rows]]


def print_summary(metrics: dict, swapped: dict, per_video: dict, title: str,
                  out_path: str) -> None:
    """Print the figures (in-context: prompted, baseline and swapped side by
    side; videos: one row a video, then the means) and save them as json."""
    summary = dict(title=title)
    lines = ['', title]
    if 'mIoU' in metrics and 'FBIoU' in metrics:
        rows = [('prompted', metrics['mIoU'], metrics['FBIoU'])]
        if 'baseline/mIoU' in metrics:
            rows.append(('prompt-agnostic baseline', metrics['baseline/mIoU'],
                         metrics['baseline/FBIoU']))
        if swapped:
            rows.append(('prompt swapped', swapped.get('mIoU'),
                         swapped.get('FBIoU')))
        lines.append(f"{'episodes':<28}{'mIoU':>8}{'FB-IoU':>9}")
        lines += [f'{name:<28}{miou:>8.2f}{fb:>9.2f}'
                  for name, miou, fb in rows]
        summary.update({name: dict(mIoU=float(m), FBIoU=float(fb))
                        for name, m, fb in rows})
    else:
        summary['metrics'] = {k: float(v) for k, v in metrics.items()
                              if isinstance(v, numbers.Real)}
    for name, videos in per_video.items():
        keys = list(next(iter(videos.values())))
        lines += ['', f'{name} per video'] + _table(
            ['video', *keys], [[v, *videos[v].values()] for v in videos])
    if per_video:
        summary['per_video'] = per_video
    if 'metrics' in summary:
        lines += [''] + [f'{k:<16}{v:>8.2f}'
                         for k, v in summary['metrics'].items()]
    print('\n'.join(lines), flush=True)
    with open(out_path, 'w') as f:
        json.dump(summary, f, indent=2)


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = build_cfg(args)
    setup_cpu_distributed(cfg)  # gloo when CUDA is absent
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    controls = args.controls == 'on' or (
        args.controls == 'auto'
        and supports_prompt_swap(cfg.test_dataloader.dataset))
    swapped = {}
    if controls:
        swapped = Runner.from_cfg(swapped_prompt_cfg(cfg)).test()
    if is_main_process():
        dataset = cfg.test_dataloader.dataset
        unit = 'episodes' if 'InContext' in str(dataset.get('type')) else (
            'images')
        title = ' '.join(str(part) for part in (
            dataset.get('type'), dataset.get('split', ''),
            f"({len(runner.test_dataloader.dataset)} {unit})") if part)
        print_summary(metrics, swapped, per_video_figures(runner), title,
                      osp.join(cfg.work_dir, 'test_summary.json'))


if __name__ == '__main__':
    main()
