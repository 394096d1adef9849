"""mIoU and frequency-weighted IoU of video semantic segmentation (VSPW)."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from prettytable import PrettyTable

from diffseg.registry import METRICS
from .mask_reading import sample_mask


@METRICS.register_module()
class VSPWIoU(BaseMetric):
    """mIoU and fwIoU over all frames of all videos, as VSPW reports them.

    Each data sample is one frame whose prediction and gt (1, H, W) hold class
    ids in [0, num_classes); gt pixels equal to ``ignore_index`` are left out.
    One confusion matrix (gt x pred) is accumulated over all frames:

    - IoU_c = TP_c / (gt_c + pred_c - TP_c); mIoU is the mean over the classes
      with a nonzero union (the others are logged as '-').
    - fwIoU = sum_c freq_c * IoU_c with freq_c = gt pixels of class c / all
      valid gt pixels.

    Both are in percent; the per-class IoU is logged as a table. With
    ``include_background=False`` class 0 (background: VSPW's 'others' and
    any stuff mapped to it) is left out of both means, and fwIoU's
    frequencies are taken over the other classes' gt pixels.

    Args:
        num_classes: number of classes.
        ignore_index: gt value of pixels that are not evaluated.
        class_names: names indexed by class id; default: ``dataset_meta
            ['classes']`` when set.
        pred_key: field of the data sample holding the prediction.
        include_background: count class 0 in mIoU and fwIoU.
    """

    def __init__(self,
                 num_classes: int,
                 ignore_index: int = 255,
                 class_names: Optional[Sequence[str]] = None,
                 pred_key: str = 'pred_sem_seg',
                 include_background: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if class_names is not None and len(class_names) != num_classes:
            raise ValueError(f'{len(class_names)} class_names for '
                             f'num_classes={num_classes}')
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.class_names = class_names
        self.pred_key = pred_key
        self.include_background = include_background

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Add each frame's confusion matrix to its video's running one.

        ``self.results`` holds one ``[video, (num_classes, num_classes)
        matrix, frames]`` entry per video (``video`` metainfo; None without
        it), so memory grows with videos, not frames.
        """
        n = self.num_classes
        if not self.results:
            self._entry_of = {}
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            frame = str(sample.get('img_path', '?'))
            for key in (self.pred_key, 'gt_sem_seg'):
                if key not in sample:
                    raise ValueError(f'frame {frame} has no {key!r}; its '
                                     f'fields are {sorted(sample)}')
            pred = sample_mask(sample[self.pred_key], self.pred_key,
                               f'frame {frame}').numpy().astype(np.int64)
            gt = sample_mask(sample['gt_sem_seg'], 'gt_sem_seg',
                             f'frame {frame}').numpy().astype(np.int64)
            if pred.shape != gt.shape:
                raise ValueError(
                    f'frame {frame}: {self.pred_key} has shape {pred.shape} '
                    f'but gt_sem_seg has shape {gt.shape}')
            valid = gt != self.ignore_index
            pred, gt = pred[valid], gt[valid]
            for name, values in ((self.pred_key, pred), ('gt_sem_seg', gt)):
                if ((values < 0) | (values >= n)).any():
                    raise ValueError(
                        f'frame {frame}: {name} has class ids outside '
                        f'[0, {n}) at non-ignored pixels: '
                        f'{np.unique(values[(values < 0) | (values >= n)])}')
            video = sample.get('video')
            if video not in self._entry_of:
                self._entry_of[video] = len(self.results)
                self.results.append([video, np.zeros((n, n), np.int64), 0])
            entry = self.results[self._entry_of[video]]
            entry[1] += np.bincount(gt * n + pred,
                                    minlength=n * n).reshape(n, n)
            entry[2] += 1

    def _scores(self, confusion: np.ndarray):
        """confusion (gt, pred) -> mIoU, fwIoU (fractions), IoU per class
        (NaN where the union is empty)."""
        inter = np.diag(confusion)
        gt_area = confusion.sum(1)
        union = gt_area + confusion.sum(0) - inter
        present = union > 0
        iou = np.full(self.num_classes, np.nan)
        iou[present] = inter[present] / union[present]
        if not self.include_background:
            present[0] = False
            gt_area = gt_area.copy()
            gt_area[0] = 0
        miou = np.mean(iou[present]) if present.any() else float('nan')
        total = gt_area.sum()
        fwiou = (np.sum(gt_area[present] * iou[present]) / total
                 if total > 0 else float('nan'))
        return miou, fwiou, iou

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Return ``dict(mIoU=..., fwIoU=...)`` in percent, 2 decimals.

        With ``video`` metainfo, the figures of each video (over its own
        frames) are logged and kept in ``per_video`` ({video: {frames, mIoU,
        fwIoU}}) for the test tool's summary.
        """
        videos = {}  # entries of one video from several processes are summed
        for video, confusion, frames in results:
            total = videos.setdefault(video, [0, 0])
            total[0] = total[0] + confusion
            total[1] += frames
        miou, fwiou, iou = self._scores(
            sum(confusion for confusion, _ in videos.values()))

        class_names = self.class_names or (self.dataset_meta or {}).get(
            'classes')
        table = PrettyTable(['Class', 'IoU'])
        for c in range(self.num_classes):
            name = (class_names[c] if class_names is not None
                    and c < len(class_names) else str(c))
            table.add_row([name, '-' if np.isnan(iou[c])
                           else f'{100 * iou[c]:.2f}'])
        print_log('per class results:\n' + table.get_string(),
                  logger='current')

        self.per_video = {}
        if set(videos) != {None}:
            table = PrettyTable(['Video', 'Frames', 'mIoU', 'fwIoU'])
            for video in sorted(videos, key=str):
                v_miou, v_fwiou, _ = self._scores(videos[video][0])
                figures = dict(frames=videos[video][1],
                               mIoU=round(100 * float(v_miou), 2),
                               fwIoU=round(100 * float(v_fwiou), 2))
                self.per_video[video] = figures
                table.add_row([video, *figures.values()])
            print_log('per video results:\n' + table.get_string(),
                      logger='current')
        return dict(mIoU=round(100 * float(miou), 2),
                    fwIoU=round(100 * float(fwiou), 2))
