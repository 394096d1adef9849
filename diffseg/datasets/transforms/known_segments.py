"""The mask-inpainting protocol: part of the ground truth given as known."""
import zlib

import numpy as np
from mmcv.transforms import BaseTransform

from diffseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SampleKnownSegments(BaseTransform):
    """Give ``round(fraction * N)`` of an image's N ground-truth segments as
    ``known_panoptic_seg`` ((H, W) int32, their ids; 0 elsewhere), which
    LDMSeg keeps while it generates the rest (mask inpainting).

    The segments are drawn from a generator seeded by ``seed`` and the
    image (``image_id``, else ``img_path``), so every run and every model
    scored with the same fraction gets the same known segments. Place it
    after ``LoadPanopticAnnotations`` and before ``PackPanopticInputs``.

    Args:
        fraction: share of the segments (void excluded) given, in [0, 1];
            halves round up (1 of 2 segments at 0.25 -> 1).
        seed: seed of the draw.
    """

    def __init__(self, fraction: float, seed: int = 0):
        if not 0 <= fraction <= 1:
            raise ValueError(f'fraction is {fraction}; expected a share of '
                             'the segments in [0, 1]')
        self.fraction = fraction
        self.seed = seed

    def transform(self, results: dict) -> dict:
        if 'gt_panoptic_seg' not in results:
            raise KeyError('SampleKnownSegments needs gt_panoptic_seg: put '
                           'LoadPanopticAnnotations before it')
        ids = results['gt_panoptic_seg']
        present = np.unique(ids)
        present = present[present != 0]
        count = int(np.floor(self.fraction * len(present) + 0.5))
        key = str(results.get('image_id', results.get('img_path', '')))
        rng = np.random.default_rng([self.seed, zlib.crc32(key.encode())])
        known = rng.choice(present, size=count, replace=False)
        results['known_panoptic_seg'] = np.where(
            np.isin(ids, known), ids, 0).astype(np.int32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(fraction={self.fraction}, '
                f'seed={self.seed})')
