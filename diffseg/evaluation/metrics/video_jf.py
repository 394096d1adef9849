"""J&F (region and boundary) of in-context video object segmentation."""
from collections import defaultdict
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from prettytable import PrettyTable

from diffseg.evaluation.functional import db_eval_boundary, db_eval_iou
from diffseg.registry import METRICS
from .mask_reading import sample_mask


@METRICS.register_module()
class VideoJF(BaseMetric):
    """DAVIS-16 J-Mean, F-Mean, J&F-Mean, J-Recall and F-Recall.

    Each data sample is one frame with a binary prediction and a gt mask
    {0, 1, ignore_index} of shape (1, H, W); gt pixels equal to
    ``ignore_index`` are void (left out of J and cleared before taking the
    boundaries of F). Every frame passed is scored: leave out the prompt
    frame(s) whose annotation the model was given (the official
    davis2017-evaluation semi-supervised protocol also drops the last frame;
    drop it upstream to match it).

    As in DAVIS, a statistic is computed per video over its frames (mean;
    recall = fraction of frames with a measure > 0.5) and then averaged over
    videos, so every video weighs the same whatever its length. J&F-Mean is
    the mean of J-Mean and F-Mean. Results are in percent; a per-video table
    is logged and kept in ``per_video`` ({video: {frames, J-Mean, F-Mean,
    J&F-Mean}}) for the test tool's summary.

    Args:
        pred_key: field of the data sample holding the prediction.
        video_key: metainfo field naming the frame's video.
        ignore_index: gt value of void pixels.
        bound_th: boundary tolerance of F, see
            :func:`~diffseg.evaluation.functional.db_eval_boundary`.
    """

    def __init__(self,
                 pred_key: str = 'pred_sem_seg',
                 video_key: str = 'video',
                 ignore_index: int = 255,
                 bound_th: float = 0.008,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.video_key = video_key
        self.ignore_index = ignore_index
        self.bound_th = bound_th

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Store (video, J, F) per frame.

        ``data_samples`` are data elements or their ``to_dict()`` form.
        """
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            if self.video_key not in sample:
                raise ValueError(f'frame {sample.get("img_path", "?")} has no '
                                 f'{self.video_key!r} in its metainfo; its '
                                 f'fields are {sorted(sample)}')
            video = str(sample[self.video_key])
            frame = f'{sample.get("img_path", "?")} of video {video}'
            for key in (self.pred_key, 'gt_sem_seg'):
                if key not in sample:
                    raise ValueError(f'frame {frame} has no {key!r}; its '
                                     f'fields are {sorted(sample)}')
            pred = sample_mask(sample[self.pred_key], self.pred_key,
                               f'frame {frame}').numpy()
            gt = sample_mask(sample['gt_sem_seg'], 'gt_sem_seg',
                             f'frame {frame}').numpy()
            if pred.shape != gt.shape:
                raise ValueError(
                    f'frame {frame}: {self.pred_key} has shape {pred.shape} '
                    f'but gt_sem_seg has shape {gt.shape}')
            void = gt == self.ignore_index
            for name, values in ((self.pred_key, pred[~void]),
                                 ('gt_sem_seg', gt[~void])):
                if ((values != 0) & (values != 1)).any():
                    raise ValueError(
                        f'frame {frame}: {name} has values '
                        f'{np.unique(values).tolist()} outside void pixels; '
                        'expected 0 (background) and 1 (foreground)')
            gt = gt == 1
            pred = pred == 1
            self.results.append(
                (video, db_eval_iou(gt, pred, void),
                 db_eval_boundary(gt, pred, void, self.bound_th)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Return J-Mean, F-Mean, J&F-Mean, J-Recall, F-Recall in percent."""
        per_video = defaultdict(list)
        for video, j, f in results:
            per_video[video].append((j, f))
        table = PrettyTable(['Video', 'Frames', 'J-Mean', 'F-Mean'])
        means, recalls = [], []
        self.per_video = {}
        for video in sorted(per_video):
            jf = np.array(per_video[video])  # (frames, 2)
            means.append(jf.mean(0))
            recalls.append((jf > 0.5).mean(0))
            j, f = (round(100 * float(v), 2) for v in means[-1])
            self.per_video[video] = {'frames': len(jf), 'J-Mean': j,
                                     'F-Mean': f,
                                     'J&F-Mean': round((j + f) / 2, 2)}
            table.add_row([video, len(jf), f'{j:.2f}', f'{f:.2f}'])
        print_log('per video results:\n' + table.get_string(),
                  logger='current')
        j_mean, f_mean = 100 * np.mean(means, 0)
        j_recall, f_recall = 100 * np.mean(recalls, 0)
        return {
            'J&F-Mean': round(float(j_mean + f_mean) / 2, 2),
            'J-Mean': round(float(j_mean), 2),
            'F-Mean': round(float(f_mean), 2),
            'J-Recall': round(float(j_recall), 2),
            'F-Recall': round(float(f_recall), 2),
        }
