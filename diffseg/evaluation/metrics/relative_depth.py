"""Relative depth: AbsRel and delta1 after a least-squares scale and shift."""
from typing import Dict, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric

from diffseg.registry import METRICS


def align_scale_shift(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """pred, gt (N,) -> s * pred + b with (s, b) minimising
    ||s * pred + b - gt||^2 (the affine-invariant protocol of MiDaS)."""
    design = np.stack([pred, np.ones_like(pred)], 1)
    (scale, shift), *_ = np.linalg.lstsq(design, gt, rcond=None)
    return scale * pred + shift


def relative_depth_errors(pred: np.ndarray, gt: np.ndarray,
                          min_depth: float = 1e-3) -> Tuple[float, float]:
    """pred, gt (H, W); gt <= 0 is invalid -> (AbsRel, delta1) after
    aligning pred to gt on the valid pixels; aligned depth is clipped to
    ``min_depth``."""
    valid = (gt > 0) & np.isfinite(gt)
    if valid.sum() < 2:
        raise ValueError('a depth map needs at least 2 valid gt pixels')
    gt_v = gt[valid].astype(np.float64)
    aligned = np.maximum(
        align_scale_shift(pred[valid].astype(np.float64), gt_v), min_depth)
    abs_rel = float(np.mean(np.abs(aligned - gt_v) / gt_v))
    delta1 = float(np.mean(np.maximum(aligned / gt_v, gt_v / aligned) < 1.25))
    return abs_rel, delta1


@METRICS.register_module()
class RelativeDepthMetric(BaseMetric):
    """Mean over images of AbsRel and delta1 (< 1.25) in %, each image's
    ``pred_depth_map`` aligned to ``gt_depth_map`` by scale and shift."""

    default_prefix = 'depth'

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for i, sample in enumerate(data_samples):
            if 'pred_depth_map' not in sample or 'gt_depth_map' not in sample:
                raise KeyError(f'data sample {i} needs pred_depth_map and '
                               'gt_depth_map')
            pred = sample['pred_depth_map']['data'].squeeze(0)
            gt = sample['gt_depth_map']['data'].squeeze(0)
            if pred.shape != gt.shape:
                raise ValueError(f'pred_depth_map is {tuple(pred.shape)} but '
                                 f'gt_depth_map is {tuple(gt.shape)}')
            self.results.append(relative_depth_errors(
                pred.cpu().numpy(), gt.cpu().numpy()))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        abs_rel, delta1 = np.mean(np.array(results), 0)
        return dict(AbsRel=100 * abs_rel, delta1=100 * delta1)
