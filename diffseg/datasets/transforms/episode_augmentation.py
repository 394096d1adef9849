"""Random augmentation of an episode: the query and each prompt apart."""
from typing import List, Optional

import numpy as np
from mmcv.transforms import BaseTransform, Compose

from diffseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class EpisodeAugmentation(BaseTransform):
    """Run mmcv / mmseg image transforms on the query and on every prompt,
    each with its own random draws (the reference augments the support with
    the query's pipeline, independently).

    The query is passed as ``img`` with its ``gt_seg_map`` (0/1, 255
    ignore); each prompt as ``img`` with its mask as ``gt_seg_map``, so
    transforms that read the map (``mmseg.RandomCrop(cat_max_ratio=...)``)
    see the binary episode mask. A prompt whose mask is empty afterwards
    (cropped away) rejects the episode: the transform returns None and the
    dataset draws another one in training. The query's mask may end empty.

    Training only: ``gt_objects`` (the test-time baseline) is dropped, since
    mmcv's resize does not know it. Images are RGB; mmseg's
    ``PhotoMetricDistortion`` reads them as BGR, which only mirrors the
    direction of its symmetric hue and saturation draws.

    Args:
        transforms: mmcv / mmseg transform configs, e.g. ``RandomResize``,
            ``mmseg.RandomCrop``, ``RandomFlip``,
            ``mmseg.PhotoMetricDistortion``, ``Pad``.
        prompt_transforms: the prompts' transforms; default: ``transforms``.
    """

    def __init__(self, transforms: List[dict],
                 prompt_transforms: Optional[List[dict]] = None):
        if not transforms:
            raise ValueError('EpisodeAugmentation needs a non-empty list of '
                             'transforms')
        self.query_pipeline = Compose(
            [TRANSFORMS.build(t) for t in transforms])
        self.prompt_pipeline = Compose(
            [TRANSFORMS.build(t) for t in prompt_transforms or transforms])

    @staticmethod
    def _run(pipeline: Compose, img: np.ndarray, seg: np.ndarray):
        out = pipeline(dict(img=img, gt_seg_map=seg, seg_fields=['gt_seg_map'],
                            img_shape=img.shape[:2], ori_shape=img.shape[:2]))
        return None if out is None else (out['img'], out['gt_seg_map'])

    def transform(self, results: dict) -> Optional[dict]:
        query = self._run(self.query_pipeline, results['img'],
                          results['gt_seg_map'])
        if query is None:
            return None
        prompt_imgs, prompt_masks = [], []
        for img, mask in zip(results['prompt_imgs'], results['prompt_masks']):
            prompt = self._run(self.prompt_pipeline, img, mask)
            if prompt is None or not (prompt[1] == 1).any():
                return None
            prompt_imgs.append(prompt[0])
            prompt_masks.append(prompt[1])
        results.pop('gt_objects', None)
        results['img'], results['gt_seg_map'] = query
        results['img_shape'] = query[0].shape[:2]
        results['prompt_imgs'], results['prompt_masks'] = (prompt_imgs,
                                                           prompt_masks)
        return results
