"""Hook printing the test figures as a table and saving them as json."""
import numbers
import os.path as osp
from typing import Dict, List, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from diffseg.fileio import write_json
from diffseg.registry import HOOKS

# in-context rows: (name, metric prefix)
EPISODE_ROWS = (('prompted', ''), ('prompt-agnostic baseline', 'baseline/'),
                ('prompt swapped', 'swapped/'))


def _table(header, rows) -> List[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    return [' '.join(f'{str(x):>{w}}' for x, w in zip(row, widths))
            for row in [header, *rows]]


def summarize(metrics: dict, per_video: Dict[str, dict],
              title: str) -> tuple:
    """-> (printed lines, json dict) of the test ``metrics``.

    In-context figures (``mIoU`` and ``FBIoU``) give one row per kind of
    episode: prompted, the prompt-agnostic baseline (``baseline/``) and
    the swapped-prompt control (``swapped/``) when measured; other metrics
    are listed by name. ``per_video`` ({metric: {video: figures}}) adds a
    table per metric, one row a video.
    """
    summary = dict(title=title)
    lines = ['', title]
    if 'mIoU' in metrics and 'FBIoU' in metrics:
        rows = [(name, metrics[f'{prefix}mIoU'], metrics[f'{prefix}FBIoU'])
                for name, prefix in EPISODE_ROWS
                if f'{prefix}mIoU' in metrics]
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
    return lines, summary


@HOOKS.register_module()
class TestSummaryHook(Hook):
    """Print the test figures (see :func:`summarize`) under a title naming
    the test dataset, its split and size, and save them to
    ``{work_dir}/test_summary.json``.

    Metrics that keep per-video figures (a ``per_video`` dict, e.g.
    ``VideoJF``) are listed video by video.

    Args:
        unit: what one test item is, for the title ('episodes', 'images').
    """

    priority = 'LOWEST'  # after the logger has written the metrics

    def __init__(self, unit: str = 'images'):
        self.unit = unit

    def after_test_epoch(self, runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        if not is_main_process():
            return
        per_video = {}
        for metric in runner.test_evaluator.metrics:
            videos = getattr(metric, 'per_video', None)
            if videos:
                per_video[metric.prefix or type(metric).__name__] = videos
        dataset = runner.test_dataloader.dataset
        # named as the config names it, else by its class
        cfg = runner.cfg.get('test_dataloader', {}).get('dataset', {})
        title = ' '.join(str(part) for part in (
            cfg.get('type', type(dataset).__name__),
            cfg.get('split', getattr(dataset, 'split', '')),
            f'({len(dataset)} {self.unit})') if part)
        lines, summary = summarize(metrics or {}, per_video, title)
        print('\n'.join(lines), flush=True)
        write_json(osp.join(runner.work_dir, 'test_summary.json'), summary,
                   indent=2)
