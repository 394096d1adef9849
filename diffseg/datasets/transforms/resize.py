"""Resizing of a whole episode: the query and each prompt independently."""
from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from diffseg.registry import TRANSFORMS


def _target_size(shape, scale: Tuple[int, int], keep_ratio: bool):
    """(h, w) -> (w, h) for cv2: fit inside ``scale`` (long, short) or exact."""
    h, w = shape[:2]
    if not keep_ratio:
        return scale[1], scale[0]
    ratio = min(max(scale) / max(h, w), min(scale) / min(h, w))
    return max(int(round(w * ratio)), 1), max(int(round(h * ratio)), 1)


@TRANSFORMS.register_module()
class ResizeEpisode(BaseTransform):
    """Resize the query and every prompt (bilinear images, nearest masks).

    Args:
        scale: (long, short) bound with ``keep_ratio`` (the image is scaled
            to fit inside), else the exact (h, w).
        resize_gt: resize the query's ``gt_seg_map`` / ``gt_objects`` too
            (training); False keeps them at the original size, where test
            metrics are computed.

    Sets ``img_shape`` to the new query size; ``ori_shape`` is kept.
    """

    def __init__(self, scale: Tuple[int, int], keep_ratio: bool = True,
                 resize_gt: bool = True):
        self.scale = tuple(scale)
        self.keep_ratio = keep_ratio
        self.resize_gt = resize_gt

    def _resize(self, img: np.ndarray, nearest: bool = False) -> np.ndarray:
        size = _target_size(img.shape, self.scale, self.keep_ratio)
        mode = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
        return cv2.resize(img, size, interpolation=mode)

    def transform(self, results: dict) -> dict:
        results.setdefault('ori_shape', results['img'].shape[:2])
        results['img'] = self._resize(results['img'])
        results['img_shape'] = results['img'].shape[:2]
        if self.resize_gt:
            for key in ('gt_seg_map', 'gt_objects'):
                if key in results:
                    results[key] = self._resize(results[key], nearest=True)
        results['prompt_imgs'] = [self._resize(p)
                                  for p in results['prompt_imgs']]
        results['prompt_masks'] = [self._resize(m, nearest=True)
                                   for m in results['prompt_masks']]
        return results
