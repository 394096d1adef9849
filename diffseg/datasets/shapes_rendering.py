"""Drawing of the synthetic shapes images: textured backgrounds and objects."""
import colorsys
import math
from typing import Optional, Sequence

import cv2
import numpy as np

# Each class is a colour family with its own shape, so that a tiny model can
# read it from a 1/4-resolution latent; the in-context datasets keep the
# novel classes out of their training split.
BASE_CLASSES = (
    ('red circle', 0, 'circle'),
    ('yellow square', 55, 'square'),
    ('green triangle', 115, 'triangle'),
    ('cyan ring', 180, 'ring'),
    ('blue cross', 230, 'cross'),
    ('magenta ellipse', 300, 'ellipse'),
)
NOVEL_CLASSES = (
    ('orange diamond', 28, 'diamond'),
    ('teal hexagon', 150, 'hexagon'),
    ('violet star', 265, 'star'),
)
ALL_CLASSES = BASE_CLASSES + NOVEL_CLASSES
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


def render_scene(rng: np.random.Generator,
                 size: int,
                 class_ids: Sequence[int],
                 must_include: Optional[int] = None,
                 min_classes: int = 1,
                 num_objects: Sequence[int] = (2, 4),
                 classes: Sequence = ALL_CLASSES):
    """Draw objects of ``class_ids`` on a textured background -> (RGB
    (size, size, 3) uint8, labels (size, size) uint8 with 0 = background
    and c + 1 = class c).

    ``classes`` gives the (name, hue, shape) of each class id (default
    ALL_CLASSES). ``num_objects`` = (min, max) objects drawn (inclusive).
    Every class drawn keeps at least 2% of the image visible after
    occlusion, at least ``min_classes`` classes are visible, and
    ``must_include`` (a class id) is among them.
    """
    scale = size / 64.0
    min_pixels = int(0.02 * size * size)
    for _ in range(100):
        count = int(rng.integers(num_objects[0], num_objects[1] + 1))
        drawn = list(rng.choice(class_ids, size=count))
        if must_include is not None:
            drawn[0] = must_include
        rng.shuffle(drawn)
        img = textured_background(rng, size)
        labels = np.zeros((size, size), np.uint8)
        for cls in drawn:
            _, hue, shape = classes[cls]
            radius = rng.uniform(7, 13) * scale
            center = rng.uniform(radius, size - radius, size=2)
            mask = shape_mask(shape, size, center, radius,
                              rng.uniform(0, np.pi)).astype(bool)
            colour = hsv_to_rgb(hue + rng.uniform(-6, 6),
                                rng.uniform(0.65, 1.0),
                                rng.uniform(0.65, 1.0))
            img[mask] = colour + rng.normal(0, 6, size=(mask.sum(), 3))
            labels[mask] = cls + 1
        visible = [c for c in set(drawn)
                   if (labels == c + 1).sum() >= min_pixels]
        if (len(visible) == len(set(drawn))
                and len(visible) >= min_classes):
            return np.clip(img, 0, 255).astype(np.uint8), labels
    raise RuntimeError('could not place the objects of a shapes image in 100 '
                       f'draws (size={size})')


def draw_appearances(rng: np.random.Generator,
                     class_ids: Sequence[int]) -> list:
    """A (name, hue, shape) table over ALL_CLASSES' ids in which each of
    ``class_ids`` gets another of their shapes (a permutation) and a hue of
    its own: evenly spaced around the circle from a random offset, jittered
    by at most 15% of the spacing, in random order (distinct classes stay
    at least 0.7 x 360 / n degrees apart)."""
    table = list(ALL_CLASSES)
    n = len(class_ids)
    spacing = 360.0 / n
    hues = (rng.uniform(0, 360) + spacing * np.arange(n) +
            rng.uniform(-0.15, 0.15, n) * spacing) % 360
    shapes = [ALL_CLASSES[c][2] for c in class_ids]
    shape_order = rng.permutation(n)
    hue_order = rng.permutation(n)
    for i, cls in enumerate(class_ids):
        table[cls] = (ALL_CLASSES[cls][0], float(hues[hue_order[i]]),
                      shapes[shape_order[i]])
    return table
