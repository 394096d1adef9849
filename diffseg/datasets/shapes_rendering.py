"""Drawing of the synthetic shapes images: textured backgrounds and objects."""
import colorsys
import math

import cv2
import numpy as np

SHAPES = ('circle', 'square', 'triangle', 'ring', 'cross', 'ellipse',
          'diamond', 'hexagon', 'star')


def hsv_to_rgb(hue_deg: float, sat: float, val: float) -> np.ndarray:
    """HSV (hue in degrees, sat and val in [0, 1]) -> RGB uint8 array (3,)."""
    r, g, b = colorsys.hsv_to_rgb((hue_deg % 360) / 360.0, sat, val)
    return np.array([r, g, b]) * 255.0


def textured_background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A low-saturation background with stripes and noise: (size, size, 3) float."""
    base = hsv_to_rgb(rng.uniform(0, 360), rng.uniform(0.0, 0.25),
                      rng.uniform(0.3, 0.8))
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(6, 20)
    phase = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period
    stripes = rng.uniform(8, 30) * np.sin(phase)
    img = base[None, None, :] + stripes[..., None]
    img += rng.normal(0, 10, size=(size, size, 3))
    return img


def _polygon(center, radius, n, rotation, inner_ratio=None):
    """Vertices of a regular polygon (or a star with ``inner_ratio``)."""
    count = 2 * n if inner_ratio else n
    points = []
    for k in range(count):
        r = radius * (inner_ratio if inner_ratio and k % 2 else 1.0)
        theta = rotation + 2 * math.pi * k / count
        points.append((center[0] + r * math.cos(theta),
                       center[1] + r * math.sin(theta)))
    return np.round(np.array(points)).astype(np.int32)


def shape_mask(shape: str, size: int, center, radius: float, rotation: float,
               aspect: float = 0.6) -> np.ndarray:
    """Binary (size, size) uint8 mask of one shape."""
    mask = np.zeros((size, size), np.uint8)
    cx, cy = center
    icenter = (int(round(cx)), int(round(cy)))
    ir = int(round(radius))
    if shape == 'circle':
        cv2.circle(mask, icenter, ir, 1, -1)
    elif shape == 'ring':
        cv2.circle(mask, icenter, ir, 1, -1)
        cv2.circle(mask, icenter, max(int(round(radius * 0.5)), 1), 0, -1)
    elif shape == 'ellipse':
        axes = (ir, max(int(round(radius * aspect)), 2))
        cv2.ellipse(mask, icenter, axes, math.degrees(rotation), 0, 360, 1, -1)
    elif shape == 'square':
        cv2.fillPoly(mask, [_polygon(center, radius, 4, rotation)], 1)
    elif shape == 'diamond':
        pts = _polygon(center, radius, 4, 0.0).astype(np.float32)
        pts[:, 0] = cx + (pts[:, 0] - cx) * aspect
        cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1)
    elif shape == 'triangle':
        cv2.fillPoly(mask, [_polygon(center, radius, 3, rotation)], 1)
    elif shape == 'hexagon':
        cv2.fillPoly(mask, [_polygon(center, radius, 6, rotation)], 1)
    elif shape == 'star':
        cv2.fillPoly(mask, [_polygon(center, radius, 5, rotation, 0.45)], 1)
    elif shape == 'cross':
        arm = max(int(round(radius * 0.35)), 1)
        rect = np.array([[-radius, -arm], [radius, -arm], [radius, arm],
                         [-radius, arm]], np.float32)
        rot = np.array([[math.cos(rotation), -math.sin(rotation)],
                        [math.sin(rotation), math.cos(rotation)]], np.float32)
        for r in (rot, rot @ np.array([[0, -1], [1, 0]], np.float32)):
            pts = rect @ r.T + np.array([cx, cy], np.float32)
            cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1)
    else:
        raise ValueError(f'unknown shape {shape!r}; expected one of {SHAPES}')
    return mask
