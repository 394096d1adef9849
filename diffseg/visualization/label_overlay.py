"""A label map drawn over its image, with a legend of the labels shown."""
from typing import Optional, Sequence

import cv2
import numpy as np

from .style import (FONT, FONT_SCALE, LINE_HEIGHT, MARGIN, SWATCH,
                    TEXT_COLOUR, default_palette)


def draw_label_overlay(image: np.ndarray,
                       labels: np.ndarray,
                       names: Sequence[str],
                       palette: Optional[np.ndarray] = None,
                       alpha: float = 0.5,
                       min_height: int = 0) -> np.ndarray:
    """Colour each label over the image; a legend on the right lists the
    labels present (colour swatch and name), in columns as the height allows.

    Args:
        image: (H, W, 3) uint8 RGB.
        labels: (H, W) int label ids; ids outside [0, len(names)) (e.g. 255,
            ignore) are left uncoloured and out of the legend.
        names: the name of each id.
        palette: (len(names), 3) RGB colours; default :func:`default_palette`.
        alpha: weight of the colour over the image.
        min_height: a smaller image and its labels are first enlarged by
            an integer factor (nearest) to at least this height.

    Returns:
        (H', W' + legend width, 3) uint8 RGB, H' x W' the (enlarged) image.
    """
    image, labels = np.asarray(image), np.asarray(labels)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f'image has shape {image.shape} and dtype '
                         f'{image.dtype}; expected (H, W, 3) uint8 RGB')
    if labels.shape != image.shape[:2]:
        raise ValueError(f'labels have shape {labels.shape}; expected the '
                         f'image size {image.shape[:2]}')
    scale = -(-min_height // image.shape[0])
    if scale > 1:
        size = (image.shape[1] * scale, image.shape[0] * scale)
        image = cv2.resize(image, size, interpolation=cv2.INTER_NEAREST)
        labels = cv2.resize(labels.astype(np.int32), size,
                            interpolation=cv2.INTER_NEAREST)
    palette = default_palette(len(names)) if palette is None else (
        np.asarray(palette, np.uint8))
    if palette.shape != (len(names), 3):
        raise ValueError(f'palette has shape {palette.shape}; expected '
                         f'({len(names)}, 3) for {len(names)} names')
    shown = [int(i) for i in np.unique(labels) if 0 <= i < len(names)]
    out = image.astype(np.float32)
    for i in shown:
        sel = labels == i
        out[sel] = (1 - alpha) * out[sel] + alpha * palette[i]
    out = np.round(out).astype(np.uint8)
    return np.concatenate([out, _legend(shown, names, palette,
                                        image.shape[0])], axis=1)


def _legend(ids, names, palette, height: int) -> np.ndarray:
    """A black (height, width, 3) strip of swatches and names."""
    rows = max(1, (height - MARGIN) // LINE_HEIGHT)
    columns = [ids[i:i + rows] for i in range(0, len(ids), rows)] or [[]]
    widths = [SWATCH + 2 * MARGIN + max(
        [cv2.getTextSize(str(names[i]), FONT, FONT_SCALE, 1)[0][0]
         for i in col] + [0]) + MARGIN for col in columns]
    strip = np.zeros((height, sum(widths), 3), np.uint8)
    x = 0
    for col, width in zip(columns, widths):
        for row, i in enumerate(col):
            y = MARGIN + row * LINE_HEIGHT
            colour = tuple(int(c) for c in palette[i])
            cv2.rectangle(strip, (x + MARGIN, y),
                          (x + MARGIN + SWATCH - 1, y + SWATCH - 1), colour,
                          -1)
            cv2.putText(strip, str(names[i]),
                        (x + SWATCH + 2 * MARGIN, y + SWATCH - 1), FONT,
                        FONT_SCALE, TEXT_COLOUR, 1, cv2.LINE_AA)
        x += width
    return strip
