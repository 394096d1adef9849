"""Class-mIoU and FB-IoU of in-context (few-shot) segmentation episodes."""
from collections import defaultdict
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from prettytable import PrettyTable

from diffseg.registry import METRICS
from .mask_reading import sample_mask


def _ratio(inter: int, union: int) -> float:
    return inter / union if union > 0 else float('nan')


@METRICS.register_module()
class InContextIoU(BaseMetric):
    """Class-mIoU and FB-IoU over in-context segmentation episodes.

    Each episode gives a binary prediction (1 = the prompted class) and a gt
    mask {0, 1, ignore_index}; pixels where the gt is ``ignore_index`` are left
    out. Sums are taken over the dataset, not averaged per episode:

    - class-mIoU: IoU_c = sum of the fg intersections of the episodes of class
      c / sum of their fg unions; mIoU = mean of IoU_c over the classes seen in
      the evaluated episodes. A class whose fg union is 0 over the dataset
      (empty gt and prediction in all its episodes) has no IoU: it is left out
      of the mean and logged. The reference code divides by the number of
      classes of the dataset instead, which is the same when every class has
      an episode.
    - FB-IoU (PFENet): mean of IoU_fg and IoU_bg, each the sum of the
      intersections over all episodes / the sum of the unions.

    Both are reported in percent; the per-class IoU is logged as a table.

    Args:
        pred_key: field of the data sample holding the prediction;
            ``'gt_objects'`` scores the prompt-agnostic baseline "every object
            is foreground".
        ignore_index: gt value of pixels that are not evaluated.
        class_names: names indexed by ``cls_id``; default: ``dataset_meta
            ['classes']`` when set.
    """

    def __init__(self,
                 pred_key: str = 'pred_sem_seg',
                 ignore_index: int = 255,
                 class_names: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.ignore_index = ignore_index
        self.class_names = class_names

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Store (cls_id, fg inter, fg union, bg inter, bg union) per episode.

        ``data_samples`` are InContextDataSample or their ``to_dict()`` form.
        """
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            episode = str(
                sample.get('episode_idx', sample.get('img_path', '?')))
            for key in (self.pred_key, 'gt_sem_seg'):
                if key not in sample:
                    raise ValueError(f'episode {episode} has no {key!r}; its '
                                     f'fields are {sorted(sample)}')
            if 'cls_id' not in sample:
                raise ValueError(f'episode {episode} has no cls_id in its '
                                 'metainfo')
            pred = sample_mask(sample[self.pred_key], self.pred_key,
                               f'episode {episode}')
            gt = sample_mask(sample['gt_sem_seg'], 'gt_sem_seg',
                             f'episode {episode}')
            if pred.shape != gt.shape:
                raise ValueError(
                    f'episode {episode}: {self.pred_key} has shape '
                    f'{tuple(pred.shape)} but gt_sem_seg has shape '
                    f'{tuple(gt.shape)}; predictions must be at the size of '
                    'the gt (the original image size)')
            valid = gt != self.ignore_index
            pred, gt = pred[valid], gt[valid]
            for name, values in ((self.pred_key, pred), ('gt_sem_seg', gt)):
                if ((values != 0) & (values != 1)).any():
                    raise ValueError(
                        f'episode {episode}: {name} has values '
                        f'{values.unique().tolist()} outside ignored pixels; '
                        'expected 0 (background) and 1 (foreground)')
            pred_fg, gt_fg = pred == 1, gt == 1
            self.results.append((
                int(sample['cls_id']),
                int((pred_fg & gt_fg).sum()),
                int((pred_fg | gt_fg).sum()),
                int((~pred_fg & ~gt_fg).sum()),
                int((~pred_fg | ~gt_fg).sum()),
            ))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Return ``dict(mIoU=..., FBIoU=...)`` in percent, 2 decimals."""
        sums = defaultdict(lambda: np.zeros(3, np.int64))  # episodes, I, U
        for cls_id, fg_inter, fg_union, _, _ in results:
            sums[cls_id] += (1, fg_inter, fg_union)
        totals = np.array([r[1:] for r in results],
                          np.int64).reshape(-1, 4).sum(0)

        class_names = self.class_names or (self.dataset_meta or {}).get(
            'classes')
        table = PrettyTable(['Class', 'cls_id', 'Episodes', 'IoU'])
        ious, no_union = [], []
        for cls_id in sorted(sums):
            episodes, inter, union = sums[cls_id]
            name = (class_names[cls_id] if class_names is not None
                    and 0 <= cls_id < len(class_names) else str(cls_id))
            if union == 0:
                no_union.append(name)
                table.add_row([name, cls_id, episodes, '-'])
                continue
            ious.append(inter / union)
            table.add_row([name, cls_id, episodes, f'{100 * ious[-1]:.2f}'])
        print_log('per class results:\n' + table.get_string(),
                  logger='current')
        if no_union:
            print_log(f'classes left out of mIoU (empty gt and prediction in '
                      f'all their episodes): {no_union}', logger='current')

        fg_inter, fg_union, bg_inter, bg_union = totals
        fb_iou = np.mean([_ratio(fg_inter, fg_union),
                          _ratio(bg_inter, bg_union)])
        miou = np.mean(ious) if ious else float('nan')
        return dict(mIoU=round(100 * float(miou), 2),
                    FBIoU=round(100 * float(fb_iou), 2))
