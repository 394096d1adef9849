import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from sklearn.metrics import jaccard_score

from diffseg.evaluation import InContextIoU
from diffseg.registry import METRICS
from diffseg.structures import InContextDataSample


def make_sample(pred, gt, cls_id, episode_idx=0, objects=None):
    sample = InContextDataSample(
        metainfo=dict(cls_id=cls_id, episode_idx=episode_idx))
    sample.gt_sem_seg = PixelData(data=torch.as_tensor(gt)[None].long())
    if pred is not None:
        sample.pred_sem_seg = PixelData(
            data=torch.as_tensor(pred)[None].long())
    if objects is not None:
        sample.gt_objects = PixelData(data=torch.as_tensor(objects)[None])
    return sample


def evaluate(metric, samples, as_dict=True):
    for i in range(0, len(samples), 2):  # batches of 2, the mmengine way
        batch = samples[i:i + 2]
        metric.process({}, [s.to_dict() if as_dict else s for s in batch])
    return metric.evaluate(len(samples))


def test_registered():
    assert METRICS.get('InContextIoU') is InContextIoU


def test_hand_computed_two_episodes():
    # episode 0, class 0: pred fg {a, b}, gt fg {a}; I=1, U=2; bg: I=2, U=3
    # episode 1, class 1: pred fg {a}, gt fg {a, c} with d ignored;
    #   valid a b c: fg I=1 U=2; bg I=1 (b), U=2 (b, c)
    samples = [
        make_sample([[1, 1], [0, 0]], [[1, 0], [0, 0]], cls_id=0),
        make_sample([[1, 0], [0, 1]], [[1, 0], [1, 255]], cls_id=1,
                    episode_idx=1),
    ]
    metric = InContextIoU()
    metric.dataset_meta = dict(classes=('a', 'b'))
    result = evaluate(metric, samples)
    assert result['mIoU'] == pytest.approx(50.0)  # (1/2 + 1/2) / 2
    fg, bg = 2 / 4, 3 / 5
    assert result['FBIoU'] == pytest.approx(round(100 * (fg + bg) / 2, 2))


def test_class_iou_accumulates_over_episodes_not_mean():
    # class 0, episodes I/U: 1/1, 0/2, 0/2 -> 1/5 (the per-episode mean is 1/3)
    samples = [
        make_sample([[1, 0]], [[1, 0]], cls_id=0),
        make_sample([[1, 0]], [[0, 1]], cls_id=0, episode_idx=1),
        make_sample([[1, 1]], [[0, 0]], cls_id=0, episode_idx=2),
    ]
    result = evaluate(InContextIoU(), samples)
    assert result['mIoU'] == pytest.approx(20.0)


def test_random_episodes_match_sklearn():
    rng = np.random.default_rng(0)
    samples, per_class = [], {}
    all_pred, all_gt = [], []
    for idx in range(7):
        cls_id = int(rng.integers(0, 3))
        pred = rng.integers(0, 2, size=(6, 5))
        gt = rng.integers(0, 2, size=(6, 5))
        gt[rng.random((6, 5)) < 0.2] = 255
        samples.append(make_sample(pred, gt, cls_id, episode_idx=idx))
        valid = gt != 255
        per_class.setdefault(cls_id, ([], []))
        per_class[cls_id][0].append(pred[valid])
        per_class[cls_id][1].append(gt[valid])
        all_pred.append(pred[valid])
        all_gt.append(gt[valid])

    class_ious = [
        jaccard_score(np.concatenate(g), np.concatenate(p))
        for p, g in per_class.values()
    ]
    all_pred, all_gt = np.concatenate(all_pred), np.concatenate(all_gt)
    fg = jaccard_score(all_gt, all_pred, pos_label=1)
    bg = jaccard_score(all_gt, all_pred, pos_label=0)

    result = evaluate(InContextIoU(), samples, as_dict=False)
    assert result['mIoU'] == round(100 * np.mean(class_ious), 2)
    assert result['FBIoU'] == round(100 * (fg + bg) / 2, 2)


def test_pred_key_gt_objects_scores_baseline():
    gt = [[1, 0, 0]]
    objects = [[1, 1, 0]]  # another object counted as foreground
    sample = make_sample(None, gt, cls_id=2, objects=objects)
    result = evaluate(InContextIoU(pred_key='gt_objects', prefix='agnostic'),
                      [sample])
    assert result['agnostic/mIoU'] == pytest.approx(50.0)


def test_class_without_union_left_out_of_miou():
    samples = [
        make_sample([[1, 0]], [[1, 0]], cls_id=0),
        make_sample([[0, 0]], [[0, 0]], cls_id=1, episode_idx=1),
    ]
    result = evaluate(InContextIoU(class_names=('a', 'b')), samples)
    assert result['mIoU'] == pytest.approx(100.0)


def test_shape_mismatch_raises():
    sample = make_sample(np.zeros((2, 3)), np.zeros((3, 3)), cls_id=0,
                         episode_idx=7)
    with pytest.raises(ValueError, match=r'episode 7.*\(2, 3\).*\(3, 3\)'):
        InContextIoU().process({}, [sample.to_dict()])


def test_missing_pred_key_raises():
    sample = make_sample(np.zeros((2, 2)), np.zeros((2, 2)), cls_id=0)
    with pytest.raises(ValueError, match='gt_objects'):
        InContextIoU(pred_key='gt_objects').process({}, [sample.to_dict()])


def test_non_binary_prediction_raises():
    sample = make_sample([[2, 0]], [[1, 0]], cls_id=0)
    with pytest.raises(ValueError, match='outside ignored pixels'):
        InContextIoU().process({}, [sample])
