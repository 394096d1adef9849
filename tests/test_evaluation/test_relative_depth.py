import numpy as np
import pytest
import torch

from diffseg.evaluation.metrics import RelativeDepthMetric
from diffseg.evaluation.metrics.relative_depth import relative_depth_errors


def _sample(pred, gt):
    return dict(pred_depth_map=dict(data=torch.tensor(pred)[None]),
                gt_depth_map=dict(data=torch.tensor(gt)[None]))


def test_affine_predictions_are_perfect_and_invalid_pixels_ignored():
    gt = np.linspace(1, 5, 20, dtype=np.float32).reshape(4, 5)
    pred = 0.5 * gt - 2
    pred[0, 0] = 100.0  # lies on an invalid gt pixel
    gt[0, 0] = 0
    abs_rel, delta1 = relative_depth_errors(pred, gt)
    assert abs_rel == pytest.approx(0, abs=1e-6) and delta1 == 1.0


def test_against_polyfit_and_the_metric_means_over_images():
    rng = np.random.default_rng(0)
    gt = rng.uniform(1, 10, (6, 7))
    pred = rng.uniform(0, 1, (6, 7))
    scale, shift = np.polyfit(pred.ravel(), gt.ravel(), 1)
    aligned = np.maximum(scale * pred + shift, 1e-3)
    expected = (np.mean(np.abs(aligned - gt) / gt),
                np.mean(np.maximum(aligned / gt, gt / aligned) < 1.25))
    assert relative_depth_errors(pred, gt) == pytest.approx(expected)
    metric = RelativeDepthMetric()
    metric.process({}, [_sample(pred.astype(np.float32),
                                gt.astype(np.float32)),
                        _sample(gt.astype(np.float32),
                                gt.astype(np.float32))])
    result = metric.compute_metrics(metric.results)
    assert result['AbsRel'] == pytest.approx(100 * expected[0] / 2, rel=1e-4)
    assert result['delta1'] == pytest.approx(100 * (expected[1] + 1) / 2,
                                             rel=1e-4)


def test_errors():
    with pytest.raises(ValueError, match='2 valid'):
        relative_depth_errors(np.ones((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match='gt_depth_map is'):
        RelativeDepthMetric().process(
            {}, [_sample(np.ones((2, 2), np.float32),
                         np.ones((3, 2), np.float32))])
