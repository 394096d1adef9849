"""PanopticQuality against hand-computed cases of the COCO definition."""
import numpy as np
import pytest
import torch

from diffseg.evaluation.metrics import PanopticQuality
from diffseg.evaluation.metrics.panoptic_quality import pq_image_stats

CATEGORIES = [dict(id=1, name='thing', isthing=1),
              dict(id=2, name='stuff', isthing=0)]


def _seg(i, cat, crowd=0):
    return dict(id=i, category_id=cat, iscrowd=crowd)


def _sample(gt, gt_segs, pred, pred_segs):
    return dict(
        gt_panoptic_seg=dict(data=torch.as_tensor(np.array(gt))[None],
                             segments_info=gt_segs),
        pred_panoptic_seg=dict(data=torch.as_tensor(np.array(pred))[None],
                               segments_info=pred_segs))


def _evaluate(samples, **kwargs):
    metric = PanopticQuality(**kwargs)
    metric.dataset_meta = dict(categories=CATEGORIES)
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_a_perfect_prediction_with_other_ids_scores_100():
    gt = [[1, 1, 2], [1, 3, 2]]
    pred = [[9, 9, 5], [9, 4, 5]]
    m = _evaluate([_sample(gt, [_seg(1, 1), _seg(2, 1), _seg(3, 2)], pred,
                           [_seg(9, 1), _seg(5, 1), _seg(4, 2)])])
    assert m['PQ'] == pytest.approx(100) and m['RQ'] == pytest.approx(100)
    assert m['PQ_th'] == pytest.approx(100)
    assert m['PQ_st'] == pytest.approx(100)


def test_matching_tp_fp_fn_by_hand():
    # gt: thing A (id 1, 10 px), thing B (id 2, 6 px), stuff C (id 3, 8 px)
    gt = np.array([[1] * 8, [1, 1, 2, 2, 2, 2, 2, 2], [3] * 8])
    # pred P1 = 8 px of A + 4 px of C: IoU 8 / (12 + 10 - 8) = 8 / 14 > 0.5
    # pred P2 = 2 px of B + 2 px of A: IoU 2 / (4 + 6 - 2) = 0.25 -> FP, B FN
    # pred P3 = the 4 other px of C + 2 px of B: IoU 4 / (6 + 8 - 4) = 0.4
    pred = np.array([[10] * 8, [11, 11, 11, 11, 30, 30, 0, 0],
                     [10] * 4 + [30] * 4])
    gt_segs = [_seg(1, 1), _seg(2, 1), _seg(3, 2)]
    pred_segs = [_seg(10, 1), _seg(11, 1), _seg(30, 2)]
    stats = pq_image_stats(gt, gt_segs, pred, pred_segs)
    assert stats[1].tolist() == pytest.approx([1, 1, 1, 8 / 14])
    assert stats[2].tolist() == pytest.approx([0, 1, 1, 0])
    m = _evaluate([_sample(gt, gt_segs, pred, pred_segs)])
    pq_thing = (8 / 14) * (1 / (1 + 0.5 + 0.5))
    assert m['PQ_th'] == pytest.approx(100 * pq_thing)
    assert m['SQ_th'] == pytest.approx(100 * 8 / 14)
    assert m['RQ_th'] == pytest.approx(50)
    assert m['PQ_st'] == pytest.approx(0)
    assert m['PQ'] == pytest.approx(100 * pq_thing / 2)
    # SQ of a category without a match counts as 0 in the mean
    assert m['SQ'] == pytest.approx(100 * (8 / 14) / 2)


def test_void_pixels_leave_the_union():
    gt = np.array([[1, 1, 0, 0], [1, 1, 0, 0]])
    pred = np.full((2, 4), 5)
    # plain IoU 4 / 8 = 0.5 would not match; without the void 4 / 4 = 1
    stats = pq_image_stats(gt, [_seg(1, 1)], pred, [_seg(5, 1)])
    assert stats[1].tolist() == pytest.approx([1, 0, 0, 1.0])


def test_gt_ids_without_segments_info_are_void():
    gt = np.array([[1, 1, 7, 7]])  # 7 is not listed: void
    stats = pq_image_stats(gt, [_seg(1, 1)], np.full((1, 4), 5), [_seg(5, 1)])
    assert stats[1].tolist() == pytest.approx([1, 0, 0, 1.0])


@pytest.mark.parametrize('void_pixels,false_positive', [(6, False),
                                                         (5, True),
                                                         (4, True)])
def test_unmatched_prediction_mostly_on_void_is_not_a_false_positive(
        void_pixels, false_positive):
    # gt: A (id 1) fills the rest; the prediction covers 10 px of which
    # `void_pixels` are void and the rest is A (IoU too low to match)
    gt = np.ones((4, 10), np.int64)
    gt[0, :void_pixels] = 0
    pred = np.zeros((4, 10), np.int64)
    pred[0] = 5
    stats = pq_image_stats(gt, [_seg(1, 1)], pred, [_seg(5, 1)])
    # > 0.5 of the prediction on void: ignored; exactly 0.5 is not enough
    assert stats[1][1] == (1 if false_positive else 0)
    assert stats[1][2] == 1  # A is missed


def test_crowd_regions():
    # gt: A (id 1, thing, 4 px), crowd of category 1 (id 2, 4 px),
    # stuff (id 3) elsewhere
    gt = np.array([[1, 1, 2, 2, 3, 3], [1, 1, 2, 2, 3, 3]])
    gt_segs = [_seg(1, 1), _seg(2, 1, crowd=1), _seg(3, 2)]
    # a prediction of category 1 on 3 crowd px + 1 stuff px: not a FP
    pred = np.array([[0, 0, 5, 5, 9, 9], [0, 0, 5, 9, 5, 9]])
    stats = pq_image_stats(gt, gt_segs, pred, [_seg(5, 1), _seg(9, 2)])
    assert stats[1].tolist() == pytest.approx([0, 0, 1, 0])  # A missed only
    # the same prediction as category 2: the crowd is of another class -> FP
    stats = pq_image_stats(gt, gt_segs, pred, [_seg(5, 2), _seg(9, 2)])
    assert stats[2][1] >= 1
    # crowd pixels stay in the IoU union (panopticapi): a prediction over A
    # and the crowd has IoU 4 / 8 = 0.5 with A, not a match; half of it on
    # crowd is not more than half, so it is a false positive
    pred = np.array([[5, 5, 5, 5, 9, 9], [5, 5, 5, 5, 9, 9]])
    stats = pq_image_stats(gt, gt_segs, pred, [_seg(5, 1), _seg(9, 2)])
    assert stats[1].tolist() == pytest.approx([0, 1, 1, 0])
    assert stats[2].tolist() == pytest.approx([1, 0, 0, 1.0])


def test_class_agnostic_merges_categories_and_sums_over_images():
    gt = np.array([[1, 1, 3, 3]])
    # right regions, wrong categories: 0 class-aware, 100 class-agnostic
    pred = np.array([[4, 4, 6, 6]])
    sample = _sample(gt, [_seg(1, 1), _seg(3, 2)], pred,
                     [_seg(4, 2), _seg(6, 1)])
    assert _evaluate([sample])['PQ'] == pytest.approx(0)
    m = _evaluate([sample, sample], class_agnostic=True)
    assert m['PQ'] == pytest.approx(100) and 'PQ_st' not in m
    # a second image with a miss: tp 4, fn 1 (sums over images, not means)
    miss = _sample(gt, [_seg(1, 1), _seg(3, 2)], np.array([[4, 4, 0, 0]]),
                   [_seg(4, 1)])
    m = _evaluate([sample, miss], class_agnostic=True)
    assert m['RQ'] == pytest.approx(100 * 3 / (3 + 0.5))


def test_categories_without_dataset_meta_come_from_the_gt():
    metric = PanopticQuality()
    gt_segs = [dict(_seg(1, 1), isthing=1), dict(_seg(2, 5), isthing=0)]
    metric.process({}, [_sample([[1, 2]], gt_segs, [[1, 2]],
                                [_seg(1, 1), _seg(2, 5)])])
    m = metric.compute_metrics(metric.results)
    assert m['PQ_th'] == pytest.approx(100) and m['PQ_st'] == pytest.approx(
        100)


def test_errors():
    with pytest.raises(ValueError, match=r'\[7\] are in the map'):
        pq_image_stats(np.ones((2, 2)), [_seg(1, 1)], np.full((2, 2), 7), [])
    with pytest.raises(ValueError, match='absent from the map'):
        pq_image_stats(np.ones((2, 2)), [_seg(1, 1)], np.zeros((2, 2)),
                       [_seg(3, 1)])
    with pytest.raises(ValueError, match='predict at ori_shape'):
        pq_image_stats(np.ones((2, 2)), [], np.zeros((3, 2)), [])
    with pytest.raises(ValueError, match='not among the dataset categories'):
        _evaluate([_sample([[1]], [_seg(1, 1)], [[2]], [_seg(2, 9)])])
