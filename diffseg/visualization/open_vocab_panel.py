"""Panels of open-vocabulary segmentation: the image, the prediction and the
ground truth with legends, and the cross-attention map of each class name."""
from typing import Optional, Sequence

import cv2
import numpy as np

from .label_overlay import draw_label_overlay
from .style import (BACKGROUND_COLOUR, FONT, FONT_SCALE, LINE_HEIGHT,
                    MIN_TILE_HEIGHT, TEXT_COLOUR, default_palette)

MAX_ATTENTION_MAPS = 12  # classes whose maps a panel shows at most


def _captioned(tile: np.ndarray, caption: str) -> np.ndarray:
    """``tile`` (H, W, 3) with a caption line below it."""
    strip = np.zeros((LINE_HEIGHT, tile.shape[1], 3), np.uint8)
    strip[:] = BACKGROUND_COLOUR
    cv2.putText(strip, caption, (2, LINE_HEIGHT - 4), FONT, FONT_SCALE,
                TEXT_COLOUR, 1, cv2.LINE_AA)
    return np.concatenate([tile, strip], axis=0)


def _row(tiles: Sequence[np.ndarray]) -> np.ndarray:
    height = max(t.shape[0] for t in tiles)
    padded = [np.pad(t, ((0, height - t.shape[0]), (0, 4), (0, 0)))
              for t in tiles]
    return np.concatenate(padded, axis=1)


def attention_heatmap(image: np.ndarray, attention: np.ndarray) -> np.ndarray:
    """One class's attention (H, W), min-max scaled, as a colour map
    blended over ``image`` (H, W, 3) uint8 RGB."""
    a = attention.astype(np.float32)
    a = (a - a.min()) / max(float(a.max() - a.min()), 1e-12)
    heat = cv2.applyColorMap(np.round(a * 255).astype(np.uint8),
                             cv2.COLORMAP_JET)[..., ::-1]
    return np.round(0.4 * image + 0.6 * heat).astype(np.uint8)


def draw_open_vocab_panel(image: np.ndarray,
                          pred: np.ndarray,
                          names: Sequence[str],
                          gt: Optional[np.ndarray] = None,
                          attention: Optional[np.ndarray] = None,
                          gt_names: Optional[Sequence[str]] = None,
                          ignore_index: int = 255) -> np.ndarray:
    """The image, the prediction and the ground truth (each label with a
    legend), then one heat map per class name: where the UNet looked for it.

    Args:
        image: (H, W, 3) uint8 RGB.
        pred, gt: (H, W) label ids into ``names``; ``ignore_index`` in gt is
            left uncoloured.
        names: the name of each predicted id (class names, or 'segment k'
            for a clustering).
        gt_names: the name of each gt id; default ``names``.
        attention: (C, H, W) cross-attention maps of the C names; the
            classes predicted or in the gt come first, at most
            MAX_ATTENTION_MAPS are drawn.

    Returns:
        (H', W', 3) uint8 RGB.
    """
    image = np.asarray(image)
    scale = max(1, -(-MIN_TILE_HEIGHT // image.shape[0]))

    def overlay(labels, label_names, caption):
        return _captioned(draw_label_overlay(
            image, labels, label_names, default_palette(len(label_names)),
            min_height=MIN_TILE_HEIGHT), caption)

    big = cv2.resize(image, (image.shape[1] * scale, image.shape[0] * scale),
                     interpolation=cv2.INTER_NEAREST)
    top = [_captioned(big, 'image'), overlay(pred, names, 'prediction')]
    if gt is not None:
        top.append(overlay(np.where(gt == ignore_index, -1, gt),
                           gt_names or names, 'ground truth'))
    rows = [_row(top)]
    if attention is not None:
        if len(attention) != len(names):
            raise ValueError(f'{len(attention)} attention maps for '
                             f'{len(names)} class names')
        shown = list(dict.fromkeys(
            [int(i) for i in np.unique(pred)] +
            ([int(i) for i in np.unique(gt) if 0 <= i < len(names)]
             if gt is not None else []) + list(range(len(names)))))
        tiles = [_captioned(cv2.resize(
            attention_heatmap(image, attention[c]), big.shape[1::-1],
            interpolation=cv2.INTER_LINEAR), str(names[c]))
                 for c in shown[:MAX_ATTENTION_MAPS]]
        per_row = max(len(top) * 2, 4)
        rows += [_row(tiles[i:i + per_row])
                 for i in range(0, len(tiles), per_row)]
    width = max(r.shape[1] for r in rows)
    return np.concatenate(
        [np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0))) for r in rows],
        axis=0)
