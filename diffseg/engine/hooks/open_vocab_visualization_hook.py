"""Hook drawing panels of open-vocabulary and unsupervised segmentation."""
import os.path as osp
from typing import Optional, Sequence

import cv2
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from diffseg.fileio import write_image
from diffseg.registry import HOOKS
from diffseg.visualization import draw_open_vocab_panel


@HOOKS.register_module()
class OpenVocabVisualizationHook(Hook):
    """When ``draw``, write one panel per test image: the image, the
    prediction and the ground truth with legends and, for models that keep
    them (MaskDiffusion's ``keep_attention``, switched on here), the
    cross-attention map of each class name. ``tools/test.py --show-dir DIR``
    sets ``draw=True, out_dir=DIR``.

    Args:
        draw: whether to draw at all.
        show: also show each panel in a window.
        wait_time: seconds a shown panel stays.
        out_dir: folder of the PNGs (``{image name}.png``), relative to
            ``{work_dir}/{timestamp}`` unless absolute; None sends them to
            the visualizer's backends.
    """

    def __init__(self,
                 draw: bool = False,
                 show: bool = False,
                 wait_time: float = 0.,
                 out_dir: Optional[str] = None):
        self.draw = draw
        self.show = show
        self.wait_time = wait_time
        self.out_dir = out_dir

    def before_test(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if self.draw and hasattr(model, 'keep_attention'):
            model.keep_attention = True

    def after_test_iter(self, runner, batch_idx: int, data_batch: dict,
                        outputs: Sequence) -> None:
        if not self.draw:
            return
        gt_names = runner.test_dataloader.dataset.metainfo.get('classes')
        for i, sample in enumerate(outputs):
            meta = sample.metainfo
            image = data_batch['inputs'][i].permute(1, 2, 0).cpu().numpy()
            image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
            h, w = meta.get('ori_shape', image.shape[:2])
            image = cv2.resize(image, (w, h), interpolation=cv2.INTER_LINEAR)
            pred = sample.pred_sem_seg.data[0].cpu().numpy()
            names = meta.get('label_names') or [
                f'segment {k + 1}'
                for k in range(sample.seg_logits.data.shape[0])]
            gt = (sample.gt_sem_seg.data[0].cpu().numpy()
                  if 'gt_sem_seg' in sample else None)
            attention = (sample.class_attention.data.cpu().numpy()
                         if 'class_attention' in sample else None)
            panel = draw_open_vocab_panel(image, pred, names, gt, attention,
                                          gt_names=gt_names)
            name = osp.splitext(osp.basename(
                meta.get('img_path', f'{batch_idx}_{i}.png')))[0]
            if self.show:
                runner.visualizer.show(panel, win_name=name,
                                       wait_time=self.wait_time)
            if self.out_dir is None:
                runner.visualizer.add_image(name, panel, runner.iter)
                continue
            out_dir = self.out_dir if osp.isabs(self.out_dir) else osp.join(
                runner.work_dir, runner.timestamp, self.out_dir)
            write_image(osp.join(out_dir, f'{name}.png'), panel)
