import numpy as np
import pytest

from diffseg.visualization import attention_heatmap, draw_open_vocab_panel
from diffseg.visualization.style import MIN_TILE_HEIGHT


def test_heatmap_puts_the_hottest_colour_at_the_peak():
    image = np.full((8, 8, 3), 100, np.uint8)
    attention = np.zeros((8, 8))
    attention[2, 5] = 3.0
    heat = attention_heatmap(image, attention).astype(int)
    # JET: the peak is red, the minimum blue
    assert heat[2, 5, 0] > heat[2, 5, 2] and heat[0, 0, 2] > heat[0, 0, 0]


def test_panel_holds_image_prediction_gt_and_a_map_per_class():
    image = np.zeros((32, 32, 3), np.uint8)
    pred = np.zeros((32, 32), np.int64)
    pred[:, 16:] = 1
    gt = pred.copy()
    gt[0, 0] = 255
    names = ['background', 'red circle', 'blue cross']
    attention = np.random.default_rng(0).random((3, 32, 32))
    with_maps = draw_open_vocab_panel(image, pred, names, gt, attention)
    without = draw_open_vocab_panel(image, pred, names, gt)
    tile = MIN_TILE_HEIGHT  # 32 px images are drawn at 128 px
    assert without.shape[0] < with_maps.shape[0]
    assert with_maps.shape[0] >= 2 * tile and with_maps.shape[2] == 3
    assert without.shape[1] > 3 * tile  # three tiles side by side
    with pytest.raises(ValueError, match='attention maps'):
        draw_open_vocab_panel(image, pred, names, gt, attention[:2])
