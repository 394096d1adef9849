"""Segmentation quality against UNet passes per image, for one multi-step
model (LDIS-n, LDMSeg) sampled with several schedulers and step counts on
the same test set, and optionally a one-step model (LDIS-1) beside it.

Each setting replaces ``model.sampler``'s scheduler type and
``num_inference_steps``; the UNet passes are counted (rows the denoiser
computes, per test sample), not derived from the settings, so guidance
branches are included. Writes ``results.json``, ``results.md`` and
``quality_vs_passes.png`` into ``--out-dir``.

Example::

    python tools/analysis_tools/quality_vs_passes.py \\
        configs/ldis/ldisn_tiny_1shot_1500it_shapes_64.py \\
        work_dirs/ldisn/iter_1500.pth \\
        --settings DDPMScheduler:20 DDPMScheduler:50 DDIMScheduler:5 \\
            DDIMScheduler:10 DDIMScheduler:20 DPMSolverMultistepScheduler:3 \\
            DPMSolverMultistepScheduler:5 DPMSolverMultistepScheduler:10 \\
        --one-step configs/ldis/ldis1_tiny_1shot_1500it_shapes_64.py \\
            work_dirs/demo/ldis1/iter_1500.pth \\
        --out-dir work_dirs/quality_vs_passes
"""
import argparse
import copy
import json
import os.path as osp
from typing import List, Optional, Tuple

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from diffseg.fileio import atomic_write, write_json
from diffseg.utils import register_all_modules

METRICS = ('mIoU', 'PQ')  # the first one a test reports is plotted


def parse_setting(text: str) -> Tuple[str, int]:
    """'DDIMScheduler:10' -> ('DDIMScheduler', 10)."""
    name, sep, steps = text.partition(':')
    if not sep or not steps.isdigit() or int(steps) < 1:
        raise argparse.ArgumentTypeError(
            f'setting {text!r}: expected SCHEDULER:STEPS, e.g. '
            'DDIMScheduler:10')
    return name, int(steps)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='config of the multi-step model')
    parser.add_argument('checkpoint')
    parser.add_argument('--settings', nargs='+', type=parse_setting,
                        required=True, metavar='SCHEDULER:STEPS')
    parser.add_argument('--one-step', nargs=2,
                        metavar=('CONFIG', 'CHECKPOINT'),
                        help='a one-step model to measure beside it')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='overrides for every run, key=value')
    return parser.parse_args(argv)


def measure(cfg: Config, checkpoint: str, work_dir: str,
            name: str) -> dict:
    """Test ``cfg`` once -> its metrics and UNet passes per sample."""
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.load_from = checkpoint
    cfg.experiment_name = name  # runners of one process need unique names
    if cfg.test_cfg.get('type') == 'InContextTestLoop':
        cfg.test_cfg.swapped_prompts = False
    runner = Runner.from_cfg(cfg)
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    rows = []
    handle = model.denoiser.register_forward_pre_hook(
        lambda module, args: rows.append(args[0].shape[0]))
    try:
        metrics = runner.test()
    finally:
        handle.remove()
    key = next((k for m in METRICS for k in metrics
                if k == m or k.endswith('/' + m) and 'baseline' not in k
                and 'swapped' not in k), None)
    if key is None:
        raise SystemExit(f'{name}: the test reported none of {METRICS} '
                         f'(got {sorted(metrics)})')
    samples = len(runner.test_dataloader.dataset)
    return dict(name=name, metric=key, value=float(metrics[key]),
                passes=sum(rows) / samples, samples=samples)


def sampler_cfg(cfg: Config, scheduler: str, steps: int) -> Config:
    cfg = copy.deepcopy(cfg)
    sampler = cfg.model.get('sampler')
    if not sampler or 'scheduler' not in sampler:
        raise SystemExit('the config\'s model has no sampler with a '
                         'scheduler to replace (a multi-step model is '
                         'needed, e.g. LDIS-n or LDMSeg)')
    sampler.scheduler.type = scheduler
    sampler.num_inference_steps = steps
    return cfg


def plot(results: List[dict], path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    families = {}
    for r in results:
        families.setdefault(r['family'], []).append(r)
    for family, rows in families.items():
        rows = sorted(rows, key=lambda r: r['passes'])
        ax.plot([r['passes'] for r in rows], [r['value'] for r in rows],
                marker='o', label=family)
        for r in rows:
            ax.annotate(str(r.get('steps', '')), (r['passes'], r['value']),
                        textcoords='offset points', xytext=(4, 4),
                        fontsize=7)
    ax.set_xscale('log')
    ax.set_xlabel('UNet passes per image')
    ax.set_ylabel(results[0]['metric'])
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_write(path) as f:
        fig.savefig(f, format='png')
    plt.close(fig)


def markdown(results: List[dict]) -> str:
    lines = ['| sampler | steps | UNet passes / image | ' +
             results[0]['metric'] + ' |', '|---|---|---|---|']
    for r in results:
        lines.append(f"| {r['family']} | {r.get('steps', '-')} | "
                     f"{r['passes']:.0f} | {r['value']:.2f} |")
    return '\n'.join(lines) + '\n'


def main(argv: Optional[list] = None):
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    for path in [args.checkpoint] + (args.one_step or [])[1:]:
        if not osp.isfile(path):
            raise SystemExit(f'checkpoint {path!r} does not exist')
    results = []
    for scheduler, steps in args.settings:
        name = f'{scheduler}-{steps}'
        r = measure(sampler_cfg(cfg, scheduler, steps), args.checkpoint,
                    osp.join(args.out_dir, name), name)
        results.append(dict(r, family=scheduler.replace('Scheduler', ''),
                            steps=steps))
        print(f"{name}: {r['metric']} {r['value']:.2f}, "
              f"{r['passes']:.1f} UNet passes / image", flush=True)
    if args.one_step:
        one = Config.fromfile(args.one_step[0])
        if args.cfg_options:
            one.merge_from_dict(args.cfg_options)
        r = measure(one, args.one_step[1], osp.join(args.out_dir,
                                                    'one-step'), 'one-step')
        results.append(dict(r, family=one.model.type, steps=1))
    table = markdown(results)
    print('\n' + table)
    write_json(osp.join(args.out_dir, 'results.json'), results)
    with atomic_write(osp.join(args.out_dir, 'results.md'), 'w') as f:
        f.write(table)
    plot(results, osp.join(args.out_dir, 'quality_vs_passes.png'))


if __name__ == '__main__':
    main()
