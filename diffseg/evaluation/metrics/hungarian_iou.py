"""Hungarian-matched mIoU for unsupervised segmentation."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from prettytable import PrettyTable
from scipy.optimize import linear_sum_assignment

from diffseg.registry import METRICS
from diffseg.utils.misc import check_choice
from .mask_reading import sample_mask

PROTOCOLS = ('per_image', 'dataset')


def confusion(gt: np.ndarray, pred: np.ndarray, num_gt: int,
              num_pred: int) -> np.ndarray:
    """(num_gt, num_pred) pixel counts of (gt class, predicted segment)."""
    return np.bincount(gt.astype(np.int64) * num_pred + pred,
                       minlength=num_gt * num_pred).reshape(num_gt, num_pred)


def per_image_counts(hist: np.ndarray) -> np.ndarray:
    """DiffSeg's matching of one image: (3, C) tp, fp, fn per class.

    ``hist`` (C, S) with S >= C: classes (all C, present or not) and
    segments are matched one to one maximising the matched pixels. A
    class's FN are its pixels outside its segment, its FP the pixels of its
    segment from other classes; a class absent from the image that gets a
    segment takes that segment's pixels as FP. Pixels of unmatched segments
    (S > C) are FN of their classes only.
    """
    rows, cols = linear_sum_assignment(hist, maximize=True)
    tp = np.zeros(hist.shape[0])
    fp = np.zeros(hist.shape[0])
    tp[rows] = hist[rows, cols]
    fp[rows] = hist[:, cols].sum(0) - tp[rows]
    return np.stack([tp, fp, hist.sum(1) - tp])


def dataset_counts(hist: np.ndarray) -> np.ndarray:
    """STEGO's matching over a dataset: (3, C) tp, fp, fn per class.

    ``hist`` (C, S) with S >= C accumulated over the dataset; one matching
    maps the segment ids to classes for every image. FP of a class are the
    other pixels of its segment; FN its pixels anywhere else (including
    segments left unmatched when S > C).
    """
    rows, cols = linear_sum_assignment(hist, maximize=True)
    counts = np.zeros((3, hist.shape[0]))
    counts[0, rows] = hist[rows, cols]
    counts[1, rows] = hist[:, cols].sum(0) - counts[0, rows]
    counts[2] = hist.sum(1) - counts[0]
    return counts


@METRICS.register_module()
class HungarianIoU(BaseMetric):
    """mIoU and pixel accuracy after matching segments to classes.

    Unsupervised predictions carry segment ids, not classes; the Hungarian
    algorithm (``scipy.optimize.linear_sum_assignment``) matches them to the
    classes maximising the matched pixels:

    - ``protocol='per_image'`` (DiffSeg): a matching per image; tp, fp and
      fn are summed over the dataset. Any number of segments per image.
    - ``protocol='dataset'`` (STEGO): one matching of the confusion summed
      over the dataset, for segment ids consistent across images (ids in
      [0, num_classes + extra_clusters)).

    IoU_c = tp / (tp + fp + fn); mIoU is their mean over the classes whose
    denominator is not 0, aAcc = sum tp / valid pixels; both in percent.

    Args:
        protocol: 'per_image' or 'dataset'.
        num_classes: default: the length of ``dataset_meta['classes']``.
        extra_clusters: segment ids beyond the classes ('dataset' only).
        ignore_index: gt value left out of the evaluation.
    """

    def __init__(self,
                 protocol: str = 'per_image',
                 num_classes: Optional[int] = None,
                 extra_clusters: int = 0,
                 ignore_index: int = 255,
                 pred_key: str = 'pred_sem_seg',
                 class_names: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        check_choice('protocol', protocol, PROTOCOLS)
        if extra_clusters < 0 or (extra_clusters and protocol != 'dataset'):
            raise ValueError(f'extra_clusters={extra_clusters}: expected 0, '
                             "or > 0 with protocol='dataset'")
        self.protocol = protocol
        self._num_classes = num_classes
        self.extra_clusters = extra_clusters
        self.ignore_index = ignore_index
        self.pred_key = pred_key
        self.class_names = class_names

    @property
    def num_classes(self) -> int:
        if self._num_classes is not None:
            return self._num_classes
        classes = (self.dataset_meta or {}).get('classes')
        if classes is None:
            raise ValueError('HungarianIoU needs num_classes, or a dataset '
                             'whose metainfo lists its classes')
        return len(classes)

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Store per image (3, C) counts and the valid pixel count
        ('per_image'), or its (C, S) confusion ('dataset')."""
        n = self.num_classes
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            name = f"image {sample.get('img_path', '?')}"
            pred = sample_mask(sample[self.pred_key], self.pred_key,
                               name).numpy().astype(np.int64)
            gt = sample_mask(sample['gt_sem_seg'], 'gt_sem_seg',
                             name).numpy().astype(np.int64)
            if pred.shape != gt.shape:
                raise ValueError(f'{name}: {self.pred_key} {pred.shape} and '
                                 f'gt_sem_seg {gt.shape} differ in size')
            valid = gt != self.ignore_index
            pred, gt = pred[valid], gt[valid]
            if ((gt < 0) | (gt >= n)).any():
                raise ValueError(f'{name}: gt values {np.unique(gt)} outside '
                                 f'[0, {n}) and not ignore_index')
            if (pred < 0).any():
                raise ValueError(f'{name}: negative segment ids')
            if self.protocol == 'per_image':
                segments = max(n, int(pred.max(initial=0)) + 1)
                hist = confusion(gt, pred, n, segments)
                self.results.append((per_image_counts(hist), valid.sum()))
                continue
            segments = n + self.extra_clusters
            if pred.size and pred.max() >= segments:
                raise ValueError(
                    f'{name}: segment id {pred.max()} >= {segments} '
                    '(num_classes + extra_clusters); dataset-level matching '
                    'needs ids shared by all images')
            self.results.append((confusion(gt, pred, n, segments), None))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Return ``dict(mIoU=..., aAcc=...)`` in percent, 2 decimals."""
        if self.protocol == 'per_image':
            counts = sum(r[0] for r in results)
            total = sum(int(r[1]) for r in results)
        else:
            hist = sum(r[0] for r in results)
            counts, total = dataset_counts(hist), int(hist.sum())
        tp, fp, fn = counts
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = tp / (tp + fp + fn)
        self._log_table(iou)
        miou = np.nanmean(iou) if np.isfinite(iou).any() else float('nan')
        acc = tp.sum() / total if total else float('nan')
        return dict(mIoU=round(100 * float(miou), 2),
                    aAcc=round(100 * float(acc), 2))

    def _log_table(self, iou: np.ndarray) -> None:
        names = self.class_names or (self.dataset_meta or {}).get('classes')
        table = PrettyTable(['Class', 'IoU'])
        for c, value in enumerate(iou):
            name = names[c] if names is not None and c < len(names) else c
            table.add_row([name, '-' if np.isnan(value) else
                           f'{100 * value:.2f}'])
        print_log(f'Hungarian-matched IoU ({self.protocol}):\n' +
                  table.get_string(), logger='current')
