import numpy as np
import pytest

from diffseg.visualization import default_palette, draw_label_overlay

PALETTE = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)


def test_labels_are_blended_and_listed_in_a_legend():
    img = np.full((40, 30, 3), 100, np.uint8)
    labels = np.zeros((40, 30), np.int64)
    labels[:, 15:] = 2
    labels[:5] = 255  # ignored: left as is
    out = draw_label_overlay(img, labels, ['a', 'b', 'c'], PALETTE)
    assert out.dtype == np.uint8 and out.shape[0] == 40
    assert out.shape[1] > 30
    assert (out[10, 0] == [178, 50, 50]).all()  # round(0.5 * 100 + 127.5)
    assert (out[10, 20] == [50, 50, 178]).all()
    assert (out[0, 0] == 100).all()
    legend = out[:, 30:].reshape(-1, 3)
    colours = {tuple(c) for c in legend}
    assert (255, 0, 0) in colours and (0, 0, 255) in colours
    assert (0, 255, 0) not in colours  # 'b' is absent: not in the legend


def test_legend_wraps_into_columns_on_short_images():
    img = np.zeros((20, 10, 3), np.uint8)
    labels = np.arange(200).reshape(20, 10) % 6
    one = draw_label_overlay(img, labels % 1, ['x'] * 6)
    six = draw_label_overlay(img, labels, ['x'] * 6)
    assert six.shape[0] == 20 and six.shape[1] > one.shape[1]


def test_palette_and_inputs_are_checked():
    pal = default_palette(20)
    assert pal.shape == (20, 3) and len({tuple(c) for c in pal}) == 20
    img = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match='labels have shape'):
        draw_label_overlay(img, np.zeros((3, 4)), ['a'])
    with pytest.raises(ValueError, match=r'expected \(2, 3\)'):
        draw_label_overlay(img, np.zeros((4, 4)), ['a', 'b'], PALETTE)
    with pytest.raises(ValueError, match='uint8 RGB'):
        draw_label_overlay(img.astype(float), np.zeros((4, 4)), ['a'])
