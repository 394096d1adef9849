"""Hook drawing in-context episode panels during validation and testing."""
import os.path as osp
import warnings
from typing import Optional, Sequence

from mmengine.hooks import Hook

from diffseg.fileio import write_image
from diffseg.registry import HOOKS
from diffseg.visualization import InContextVisualizer, draw_incontext_panel


@HOOKS.register_module()
class InContextVisualizationHook(Hook):
    """Draw one panel (prompts, prediction, gt) per episode.

    When ``draw``, every test episode is drawn, and the episodes of every
    ``interval``-th validation batch. Panels go to ``out_dir`` as
    ``episode_{episode_idx:06d}.png`` (validation ones under
    ``val_iter_{iter}/``), or to the visualizer's backends when ``out_dir`` is
    None. ``tools/test.py --show-dir DIR`` sets ``draw=True, out_dir=DIR``.

    Args:
        draw: whether to draw at all.
        interval: draw every ``interval``-th validation batch.
        show: also show each panel in a window.
        wait_time: seconds a shown panel stays.
        out_dir: folder of the PNG files, relative to
            ``{work_dir}/{timestamp}`` unless absolute.
    """

    def __init__(self,
                 draw: bool = False,
                 interval: int = 50,
                 show: bool = False,
                 wait_time: float = 0.,
                 out_dir: Optional[str] = None):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if not draw:
            warnings.warn('InContextVisualizationHook: draw is False, no '
                          'panel will be drawn or stored.')
        self.draw = draw
        self.interval = interval
        self.show = show
        self.wait_time = wait_time
        self.out_dir = out_dir
        self._seen = 0  # episodes of the current loop, for missing indices

    def before_val_epoch(self, runner) -> None:
        self._seen = 0

    def before_test_epoch(self, runner) -> None:
        self._seen = 0

    def after_val_iter(self, runner, batch_idx: int, data_batch: dict,
                       outputs: Sequence) -> None:
        if self.draw and self.every_n_inner_iters(batch_idx, self.interval):
            self._draw(runner, data_batch, outputs, 'val')
        self._seen += len(outputs)

    def after_test_iter(self, runner, batch_idx: int, data_batch: dict,
                        outputs: Sequence) -> None:
        if self.draw:
            self._draw(runner, data_batch, outputs, 'test')
        self._seen += len(outputs)

    def _draw(self, runner, data_batch: dict, outputs: Sequence,
              mode: str) -> None:
        out_dir = None
        if self.out_dir is not None:
            out_dir = (self.out_dir if osp.isabs(self.out_dir) else osp.join(
                runner.work_dir, runner.timestamp, self.out_dir))
            if mode == 'val':
                out_dir = osp.join(out_dir, f'val_iter_{runner.iter}')
        visualizer = runner.visualizer
        for i, sample in enumerate(outputs):
            idx = sample.metainfo.get('episode_idx', self._seen + i)
            name = f'episode_{idx:06d}'
            out_file = osp.join(out_dir, f'{name}.png') if out_dir else None
            query = data_batch['inputs'][i]
            if isinstance(visualizer, InContextVisualizer):
                visualizer.add_datasample(
                    f'{mode}_{name}', query, sample, show=self.show,
                    wait_time=self.wait_time, out_file=out_file,
                    step=runner.iter)
                continue
            panel = draw_incontext_panel(sample, query)
            if self.show:
                visualizer.show(panel, win_name=f'{mode}_{name}',
                                wait_time=self.wait_time)
            if out_file is not None:
                write_image(out_file, panel)
            else:
                visualizer.add_image(f'{mode}_{name}', panel, runner.iter)
