import numpy as np
import pytest
import torch

from diffseg.evaluation.metrics import HungarianIoU

IGNORE = 255


def sample(pred, gt):
    """A data sample dict as the metric gets it after ``to_dict``."""
    return dict(pred_sem_seg=dict(data=torch.tensor([pred])),
                gt_sem_seg=dict(data=torch.tensor([gt])), img_path='x.png')


def evaluate(metric, *pairs):
    metric.process({}, [sample(p, g) for p, g in pairs])
    return metric.compute_metrics(metric.results)


def test_per_image_matching_by_hand():
    """gt 0 0 0 0 1 1 1 (one ignored pixel) against segments 0 0 1 2 2 3 3.

    Intersections: class 0 with segments 0, 1, 2: 2, 1, 1; class 1 with
    segments 2, 3: 1, 2. The best matching is 0-0 and 1-3 (4 pixels; 0-0
    and 1-2 gives 3). Segments 1 and 2 stay unmatched: their pixels are
    FN of their classes only. tp = (2, 2), fp = (0, 0), fn = (2, 1):
    IoU = (2/4, 2/3), mIoU 58.33; accuracy 4/7 = 57.14.
    """
    metric = HungarianIoU(num_classes=2)
    out = evaluate(metric, ([[0, 0, 1, 2, 2, 3, 3, 5]],
                            [[0, 0, 0, 0, 1, 1, 1, IGNORE]]))
    assert out == dict(mIoU=58.33, aAcc=57.14)
    assert np.array_equal(metric.results[0][0], [[2, 2], [0, 0], [2, 1]])


def test_per_image_absent_class_takes_false_positives():
    """All pixels are class 0 (class 1 absent), segments 0 0 0 1.

    The matching pairs class 0 with segment 0 (3 > 1) and class 1 with
    segment 1, whose pixel is then an FP of class 1: IoU = (3/4, 0/1).
    """
    out = evaluate(HungarianIoU(num_classes=2),
                   ([[0, 0, 0, 1]], [[0, 0, 0, 0]]))
    assert out == dict(mIoU=37.5, aAcc=75.0)


def test_per_image_counts_add_over_images():
    """Image 1 as in the absent-class case; image 2 (gt 1 1 0, segments
    4 4 7) matches 1-4 and 0-7 perfectly. tp = (3 + 1, 0 + 2),
    fp = (0, 1), fn = (1, 0): IoU = (4/5, 2/3); accuracy 6/7."""
    out = evaluate(HungarianIoU(num_classes=2),
                   ([[0, 0, 0, 1]], [[0, 0, 0, 0]]),
                   ([[4, 4, 7]], [[1, 1, 0]]))
    assert out == dict(mIoU=73.33, aAcc=85.71)


def test_dataset_matching_by_hand():
    """Image 1: gt 0 0 1 1, segments 1 1 0 0; image 2: gt 0 1, segments 1 1.

    Summed (class x segment): class 0: segment 1 x3; class 1: segment 0 x2,
    segment 1 x1. One matching for all: 0-1, 1-0. tp = (3, 2),
    fp = (1, 0), fn = (0, 1): IoU = (3/4, 2/3), mIoU 70.83; accuracy 5/6.
    """
    metric = HungarianIoU(protocol='dataset', num_classes=2)
    out = evaluate(metric, ([[1, 1, 0, 0]], [[0, 0, 1, 1]]),
                   ([[1, 1]], [[0, 1]]))
    assert out == dict(mIoU=70.83, aAcc=83.33)


def test_dataset_matching_with_extra_clusters():
    """Segments 0 0 2 1 1 over gt 0 0 0 1 1 with one extra cluster: 0-0 and
    1-1 match; segment 2's pixel is an FN of class 0: IoU = (2/3, 1)."""
    out = evaluate(HungarianIoU(protocol='dataset', num_classes=2,
                                extra_clusters=1),
                   ([[0, 0, 2, 1, 1]], [[0, 0, 0, 1, 1]]))
    assert out == dict(mIoU=83.33, aAcc=80.0)


def test_errors_and_class_count_from_dataset_meta():
    metric = HungarianIoU(protocol='dataset')
    metric.dataset_meta = dict(classes=('a', 'b'))
    assert metric.num_classes == 2
    with pytest.raises(ValueError, match='segment id 2 >= 2'):
        evaluate(metric, ([[0, 2]], [[0, 1]]))
    with pytest.raises(ValueError, match='gt values'):
        evaluate(HungarianIoU(num_classes=2), ([[0, 1]], [[0, 3]]))
    with pytest.raises(ValueError, match='extra_clusters'):
        HungarianIoU(extra_clusters=2)
    with pytest.raises(ValueError, match='needs num_classes'):
        _ = HungarianIoU().num_classes
