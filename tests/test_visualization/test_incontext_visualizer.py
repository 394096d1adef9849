import os

import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from diffseg.registry import VISUALIZERS
from diffseg.structures import InContextDataSample
from diffseg.visualization import InContextVisualizer, draw_incontext_panel
from diffseg.visualization.incontext_visualizer import (LINE_HEIGHT,
                                                        BACKGROUND_COLOUR,
                                                        _miou_text)


def make_sample(rng, prompt_size=(64, 64), query_size=(64, 64), k=2,
                with_pred=True, with_gt=True):
    sample = InContextDataSample(
        metainfo=dict(cls_id=1, prompt_cls_ids=[1] * k, episode_idx=3))
    sample.prompt_imgs = torch.from_numpy(
        rng.integers(0, 256, (k, 3, *prompt_size), dtype=np.uint8))
    masks = np.zeros((k, *prompt_size), np.uint8)
    masks[:, 8:20, 10:30] = 1
    sample.prompt_masks = torch.from_numpy(masks)
    query_mask = np.zeros(query_size, np.int64)
    query_mask[4:12, 4:12] = 1
    if with_gt:
        sample.gt_sem_seg = PixelData(data=torch.from_numpy(query_mask)[None])
    if with_pred:
        pred = np.roll(query_mask, 2, axis=1)
        sample.pred_sem_seg = PixelData(data=torch.from_numpy(pred)[None])
    query = rng.integers(0, 256, (3, *query_size), dtype=np.uint8)
    return sample, torch.from_numpy(query)


def test_panel_shape_is_sum_of_tile_widths():
    rng = np.random.default_rng(0)
    sample, query = make_sample(rng, prompt_size=(32, 48), k=2)
    panel = draw_incontext_panel(sample, query)
    # height 128: prompts 32x48 -> 128x192, query 64x64 -> 128x128
    # captions: 'prediction' + 'IoU ..' = 2 lines
    assert panel.dtype == np.uint8
    assert panel.shape == (128 + 2 * LINE_HEIGHT, 2 * 192 + 2 * 128, 3)

    panel = draw_incontext_panel(sample, query, class_names=['a', 'b'],
                                 draw_gt=False)
    assert panel.shape == (128 + 2 * LINE_HEIGHT, 2 * 192 + 128, 3)


def test_large_tiles_set_the_height():
    rng = np.random.default_rng(0)
    sample, query = make_sample(rng, prompt_size=(100, 50),
                                query_size=(200, 300), with_gt=False)
    panel = draw_incontext_panel(sample, query.permute(1, 2, 0).numpy())
    assert panel.shape == (200 + LINE_HEIGHT, 2 * 100 + 300, 3)


def test_background_dimmed_and_mask_kept_exactly():
    rng = np.random.default_rng(1)
    sample, query = make_sample(rng, k=1)
    alpha = 0.5
    panel = draw_incontext_panel(sample, query, alpha=alpha)
    top = panel.shape[0] - 128
    tile = panel[top:, :128].astype(np.int64)
    # 64 -> 128 with nearest: every pixel becomes a 2x2 block
    img = sample.prompt_imgs[0].permute(1, 2, 0).numpy()
    img = img.repeat(2, 0).repeat(2, 1).astype(np.int64)
    mask = sample.prompt_masks[0].numpy().repeat(2, 0).repeat(2, 1) == 1

    blend = np.round((1 - alpha) * img.astype(np.float32) +
                     alpha * np.float32(BACKGROUND_COLOUR))
    assert (tile[~mask] == blend[~mask]).all()
    interior = cv2.erode(mask.astype(np.uint8), np.ones((3, 3))) == 1
    # the masked object keeps its own colours
    assert (tile[interior] == img[interior]).all()
    # the rim is the white contour
    rim = mask & ~interior
    assert (tile[rim] == 255).all()


def test_missing_query_raises():
    sample, _ = make_sample(np.random.default_rng(0))
    with pytest.raises(ValueError, match='query_img'):
        draw_incontext_panel(sample)


def test_bad_query_raises():
    sample, query = make_sample(np.random.default_rng(0))
    with pytest.raises(ValueError, match='uint8 RGB'):
        draw_incontext_panel(sample, query.float())


def test_visualizer_writes_rgb_panel_atomically(tmp_path):
    assert VISUALIZERS.get('InContextVisualizer') is InContextVisualizer
    rng = np.random.default_rng(2)
    sample, query = make_sample(rng)
    visualizer = InContextVisualizer(name='test_incontext_visualizer')
    visualizer.dataset_meta = dict(classes=('a', 'b'))
    out_file = tmp_path / 'sub' / 'episode.png'
    visualizer.add_datasample('episode', query, sample, out_file=str(out_file))

    written = cv2.cvtColor(cv2.imread(str(out_file)), cv2.COLOR_BGR2RGB)
    expected = draw_incontext_panel(sample, query, class_names=('a', 'b'))
    np.testing.assert_array_equal(written, expected)
    assert os.listdir(out_file.parent) == ['episode.png']  # no temp file


def test_multi_category_panel_colours_classes_and_scores_miou():
    rng = np.random.default_rng(0)
    sample, query = make_sample(rng, k=2)
    gt = np.zeros((64, 64), np.int64)
    gt[:, :20], gt[:, 40:] = 3, 7
    gt[0] = 255
    pred = gt.copy()
    pred[1:, 40:50] = 0  # class 7: IoU 14 / 24 (rows 1..63)
    sample.gt_sem_seg = PixelData(data=torch.from_numpy(gt)[None])
    sample.pred_sem_seg = PixelData(data=torch.from_numpy(pred)[None])
    sample.set_metainfo(dict(multi_category=True, prompt_cls_ids=[3, 7]))
    names = [f'c{i}' for i in range(10)]
    panel = draw_incontext_panel(sample, query, class_names=names)
    # two prompts (128 wide each), then prediction and gt tiles of 128
    # plus a legend each
    assert panel.shape[1] > 4 * 128
    # mIoU over classes 3 and 7 = (1 + 14/24) / 2, printed in the caption
    assert _miou_text(pred, gt) == f'mIoU {100 * (1 + 14 / 24) / 2:.1f}'
    # the prediction tile: class 3 and 7 coloured differently, bg untouched
    tile = panel[-128:, 2 * 128:3 * 128]
    query_big = cv2.resize(query.numpy().transpose(1, 2, 0), (128, 128),
                           interpolation=cv2.INTER_NEAREST)
    assert np.array_equal(tile[64, 90], query_big[64, 90])  # predicted bg
    assert not np.array_equal(tile[64, 10], query_big[64, 10])
    assert not np.array_equal(tile[64, 120], query_big[64, 120])
