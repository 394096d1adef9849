"""Region (J) and boundary (F) measures of the DAVIS benchmark.

A numpy port of ``metrics.py`` of the official davis2017-evaluation code for
one frame: binary masks of shape (H, W), any dtype (nonzero = foreground).
"""
import math
from typing import Optional

import cv2
import numpy as np


def _check_shapes(annotation: np.ndarray, segmentation: np.ndarray,
                  void_pixels: Optional[np.ndarray]) -> None:
    if annotation.ndim != 2:
        raise ValueError(f'annotation has shape {annotation.shape}; '
                         'expected (H, W)')
    if segmentation.shape != annotation.shape:
        raise ValueError(f'segmentation has shape {segmentation.shape} but '
                         f'annotation has shape {annotation.shape}')
    if void_pixels is not None and void_pixels.shape != annotation.shape:
        raise ValueError(f'void_pixels has shape {void_pixels.shape} but '
                         f'annotation has shape {annotation.shape}')


def db_eval_iou(annotation: np.ndarray,
                segmentation: np.ndarray,
                void_pixels: Optional[np.ndarray] = None) -> float:
    """Region similarity J: IoU of two (H, W) binary masks.

    Pixels where ``void_pixels`` (H, W) is nonzero are left out. Two empty
    masks give 1.0.
    """
    annotation = np.asarray(annotation).astype(bool)
    segmentation = np.asarray(segmentation).astype(bool)
    if void_pixels is not None:
        void_pixels = np.asarray(void_pixels).astype(bool)
    _check_shapes(annotation, segmentation, void_pixels)
    valid = True if void_pixels is None else ~void_pixels
    inter = np.count_nonzero(annotation & segmentation & valid)
    union = np.count_nonzero((annotation | segmentation) & valid)
    return 1.0 if union == 0 else inter / union


def seg2bmap(seg: np.ndarray,
             width: Optional[int] = None,
             height: Optional[int] = None) -> np.ndarray:
    """Boundary map (H, W) bool of a binary mask (H, W), as DAVIS defines it.

    A pixel is boundary if it differs from its east, south or south-east
    neighbour. On the last row only the east neighbour counts, on the last
    column only the south one, and the bottom-right pixel is never boundary,
    so a mask touching the bottom or right border has no boundary there.
    DAVIS resizes the map when ``width``/``height`` differ from the mask's;
    that is not supported here and raises.
    """
    seg = np.asarray(seg).astype(bool)
    if seg.ndim != 2:
        raise ValueError(f'seg has shape {seg.shape}; expected (H, W)')
    h, w = seg.shape
    if (width is not None and width != w) or (height is not None
                                              and height != h):
        raise ValueError(f'cannot make a {width}x{height} (width x height) '
                         f'boundary map of a {w}x{h} mask: resizing is not '
                         'supported')
    east = np.zeros_like(seg)
    south = np.zeros_like(seg)
    south_east = np.zeros_like(seg)
    east[:, :-1] = seg[:, 1:]
    south[:-1, :] = seg[1:, :]
    south_east[:-1, :-1] = seg[1:, 1:]
    bmap = (seg ^ east) | (seg ^ south) | (seg ^ south_east)
    bmap[-1, :] = seg[-1, :] ^ east[-1, :]
    bmap[:, -1] = seg[:, -1] ^ south[:, -1]
    bmap[-1, -1] = False
    return bmap


def _disk(radius: int) -> np.ndarray:
    """(2r+1, 2r+1) uint8 disk {x^2 + y^2 <= r^2}; radius 0 is [[1]]."""
    y, x = np.ogrid[-radius:radius + 1, -radius:radius + 1]
    return (x * x + y * y <= radius * radius).astype(np.uint8)


def db_eval_boundary(annotation: np.ndarray,
                     segmentation: np.ndarray,
                     void_pixels: Optional[np.ndarray] = None,
                     bound_th: float = 0.008) -> float:
    """Boundary accuracy F of two (H, W) binary masks.

    Boundaries match within ``bound_pix`` pixels: ``bound_th`` itself when it
    is >= 1 (then it must be an integer), else ``ceil(bound_th * sqrt(H^2 +
    W^2))``. Void pixels are cleared from both masks before taking their
    boundaries. As in DAVIS, with no boundary in either mask P = R = 1 (F = 1);
    with no predicted boundary P = 1, R = 0, with no gt boundary P = 0, R = 1
    (F = 0 both ways).
    """
    annotation = np.asarray(annotation).astype(bool)
    segmentation = np.asarray(segmentation).astype(bool)
    if void_pixels is not None:
        void_pixels = np.asarray(void_pixels).astype(bool)
    _check_shapes(annotation, segmentation, void_pixels)
    if bound_th < 0 or (bound_th >= 1 and bound_th != int(bound_th)):
        raise ValueError(f'bound_th must be a fraction in [0, 1) of the '
                         f'image diagonal or an integer number of pixels, '
                         f'got {bound_th}')
    bound_pix = int(bound_th if bound_th >= 1 else math.ceil(
        bound_th * np.linalg.norm(annotation.shape)))
    if void_pixels is not None:
        annotation = annotation & ~void_pixels
        segmentation = segmentation & ~void_pixels

    fg_boundary = seg2bmap(segmentation)
    gt_boundary = seg2bmap(annotation)
    disk = _disk(bound_pix)
    fg_dil = cv2.dilate(fg_boundary.astype(np.uint8), disk).astype(bool)
    gt_dil = cv2.dilate(gt_boundary.astype(np.uint8), disk).astype(bool)

    n_fg = np.count_nonzero(fg_boundary)
    n_gt = np.count_nonzero(gt_boundary)
    if n_fg == 0 and n_gt == 0:
        precision, recall = 1.0, 1.0
    elif n_fg == 0:
        precision, recall = 1.0, 0.0
    elif n_gt == 0:
        precision, recall = 0.0, 1.0
    else:
        precision = np.count_nonzero(fg_boundary & gt_dil) / n_fg
        recall = np.count_nonzero(gt_boundary & fg_dil) / n_gt
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)
