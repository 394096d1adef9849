import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement, PixelData
from sklearn.metrics import confusion_matrix

from diffseg.evaluation.metrics import VideoJF, VSPWIoU
from diffseg.registry import METRICS

A = np.zeros((6, 6), np.int64)
A[1:4, 1:4] = 1
B = np.roll(A, 1, axis=1)  # J(A, B) = 6 / 12; F = 6 / 12 at 0 px tolerance


def make_frame(pred, gt, **metainfo):
    sample = BaseDataElement(metainfo=metainfo)
    sample.gt_sem_seg = PixelData(data=torch.as_tensor(gt)[None])
    sample.pred_sem_seg = PixelData(data=torch.as_tensor(pred)[None])
    return sample


def evaluate(metric, samples):
    for i in range(0, len(samples), 2):  # batches of 2, the mmengine way
        metric.process({}, [s.to_dict() for s in samples[i:i + 2]])
    return metric.evaluate(len(samples))


def test_registered():
    assert METRICS.get('VideoJF') is VideoJF
    assert METRICS.get('VSPWIoU') is VSPWIoU


def test_video_jf_mean_over_videos_of_frame_means():
    # video a: 1 perfect frame; video b: perfect, shifted, shifted
    # J per video: a 1, b (1 + .5 + .5) / 3 = 2/3 -> J-Mean 5/6 (the mean over
    # frames would be 3/4); F identical at bound_th=0
    # recall (J > 0.5): a 1, b 1/3 -> 2/3
    samples = [make_frame(A, A, video='b'), make_frame(B, A, video='b'),
               make_frame(A, A, video='a'), make_frame(B, A, video='b')]
    result = evaluate(VideoJF(bound_th=0.0), samples)
    assert result == {'J&F-Mean': 83.33, 'J-Mean': 83.33, 'F-Mean': 83.33,
                      'J-Recall': 66.67, 'F-Recall': 66.67}


def test_video_jf_void_and_errors():
    gt = A.copy()
    gt[0, :] = 255  # void where the prediction is wrong
    pred = A.copy()
    pred[0, :] = 1
    result = evaluate(VideoJF(), [make_frame(pred, gt, video='v')])
    assert result['J-Mean'] == 100.0 and result['F-Mean'] == 100.0
    with pytest.raises(ValueError, match="'video'"):
        VideoJF().process({}, [make_frame(A, A).to_dict()])
    with pytest.raises(ValueError, match=r'\(6, 5\).*\(6, 6\)'):
        VideoJF().process({}, [make_frame(A[:, :5], A, video='v')])
    with pytest.raises(ValueError, match=r'\[0, 2\]'):
        VideoJF().process({}, [make_frame(2 * A, A, video='v')])


def test_vspw_iou_against_sklearn():
    rng = np.random.default_rng(0)
    gts = [rng.integers(0, 3, (5, 6)) for _ in range(3)]
    preds = [rng.integers(0, 3, (5, 6)) for _ in range(3)]
    for gt, pred in zip(gts, preds):
        gt[0, :2] = 255
        pred[0, :2] = 3  # class 3 only at ignored pixels: left out of mIoU
    samples = [make_frame(p, g) for p, g in zip(preds, gts)]
    result = evaluate(VSPWIoU(num_classes=4), samples)

    valid = np.concatenate([g.ravel() for g in gts]) != 255
    cm = confusion_matrix(
        np.concatenate([g.ravel() for g in gts])[valid],
        np.concatenate([p.ravel() for p in preds])[valid], labels=range(4))
    tp = np.diag(cm)[:3]
    iou = tp / (cm.sum(1)[:3] + cm.sum(0)[:3] - tp)
    freq = cm.sum(1)[:3] / cm.sum()
    assert result['mIoU'] == pytest.approx(round(100 * iou.mean(), 2))
    assert result['fwIoU'] == pytest.approx(round(100 * (freq * iou).sum(), 2))


def test_vspw_iou_without_background_against_sklearn():
    rng = np.random.default_rng(1)
    gt = rng.integers(0, 3, (8, 9))
    pred = rng.integers(0, 3, (8, 9))
    result = evaluate(VSPWIoU(num_classes=3, include_background=False),
                      [make_frame(pred, gt)])
    cm = confusion_matrix(gt.ravel(), pred.ravel(), labels=range(3))
    tp = np.diag(cm)
    iou = (tp / (cm.sum(1) + cm.sum(0) - tp))[1:]
    freq = cm.sum(1)[1:] / cm.sum(1)[1:].sum()
    assert result['mIoU'] == pytest.approx(round(100 * iou.mean(), 2))
    assert result['fwIoU'] == pytest.approx(round(100 * (freq * iou).sum(), 2))


def test_vspw_iou_errors():
    with pytest.raises(ValueError, match='class ids outside'):
        VSPWIoU(num_classes=2).process({}, [make_frame(2 * A, A)])
    with pytest.raises(ValueError, match=r'\(6, 5\).*\(6, 6\)'):
        VSPWIoU(num_classes=2).process({}, [make_frame(A[:, :5], A)])
    with pytest.raises(ValueError, match='class_names'):
        VSPWIoU(num_classes=2, class_names=['a'])


def test_vspw_iou_per_video_and_across_processes():
    rng = np.random.default_rng(2)
    frames = [(video, rng.integers(0, 3, (4, 5)), rng.integers(0, 3, (4, 5)))
              for video in ('b', 'a', 'b', 'a', 'b')]
    samples = [make_frame(p, g, video=v) for v, p, g in frames]
    metric = VSPWIoU(num_classes=3)
    result = evaluate(metric, samples)
    for video in ('a', 'b'):
        alone = VSPWIoU(num_classes=3)
        figures = evaluate(alone, [s for s, f in zip(samples, frames)
                                   if f[0] == video])
        assert metric.per_video[video] == dict(
            frames=sum(f[0] == video for f in frames), **figures)
    # two processes, each with part of every video: gathered entries sum up
    parts = [VSPWIoU(num_classes=3), VSPWIoU(num_classes=3)]
    for i, sample in enumerate(samples):
        parts[i // 2 % 2].process({}, [sample.to_dict()])
    gathered = parts[0].results + parts[1].results
    assert len(gathered) == 4
    assert VSPWIoU(num_classes=3).compute_metrics(gathered) == result


def test_video_jf_keeps_per_video_figures():
    metric = VideoJF(bound_th=0.0)
    evaluate(metric, [make_frame(A, A, video='a'), make_frame(B, A, video='b'),
                      make_frame(A, A, video='b')])
    assert metric.per_video == {
        'a': {'frames': 1, 'J-Mean': 100.0, 'F-Mean': 100.0,
              'J&F-Mean': 100.0},
        'b': {'frames': 2, 'J-Mean': 75.0, 'F-Mean': 75.0, 'J&F-Mean': 75.0}}
