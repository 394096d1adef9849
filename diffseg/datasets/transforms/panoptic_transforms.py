"""Pipeline steps of panoptic datasets: load, resize, flip, pack.

Maps carried between steps (numpy, (H, W)): ``gt_panoptic_seg`` int32 ids
(0 = void), ``gt_seg_map`` int32 class labels (255 = void), and
``gt_depth_map`` float32 depth (0 = invalid); ``segments_info`` lists the
non-void segments of ``gt_panoptic_seg``.
"""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from diffseg.fileio import read_image, read_panoptic_png
from diffseg.registry import TRANSFORMS

SEMANTIC_VOID = 255
MAP_KEYS = ('gt_panoptic_seg', 'gt_seg_map', 'gt_depth_map')
INTERPOLATIONS = dict(nearest=cv2.INTER_NEAREST, bilinear=cv2.INTER_LINEAR,
                      bicubic=cv2.INTER_CUBIC, area=cv2.INTER_AREA)


@TRANSFORMS.register_module()
class LoadPanopticAnnotations(BaseTransform):
    """Read the id PNG named by ``seg_map_path`` and the semantic map
    (``sem_seg_path``; without it, derived from the segments' classes) and
    depth (``depth_path``) when named.

    Args:
        void_crowd: make crowd segments void in ``gt_panoptic_seg``
            (reference training split); they keep their class in
            ``gt_seg_map``.
        min_segment_area: segments with fewer pixels (at the original size)
            become void in ``gt_panoptic_seg`` (reference training: 10).
        depth_scale: depth = PNG value / ``depth_scale``.
        backend_args: storage backend of the PNGs (``mmengine.fileio``).
    """

    def __init__(self, void_crowd: bool = False, min_segment_area: int = 0,
                 depth_scale: float = 1000.0,
                 backend_args: Optional[dict] = None):
        self.backend_args = backend_args
        self.void_crowd = void_crowd
        self.min_segment_area = min_segment_area
        self.depth_scale = depth_scale

    def transform(self, results: dict) -> dict:
        ids = read_panoptic_png(results['seg_map_path'], self.backend_args)
        semantic = np.full(ids.shape, SEMANTIC_VOID, np.int32)
        panoptic = np.zeros(ids.shape, np.int32)
        kept = []
        for seg in results['segments_info']:
            if seg['label'] >= SEMANTIC_VOID:
                raise ValueError(f'class label {seg["label"]} collides with '
                                 f'the semantic void value {SEMANTIC_VOID}')
            region = ids == seg['id']
            area = int(region.sum())
            semantic[region] = seg['label']
            if area == 0 or area < self.min_segment_area or (
                    self.void_crowd and seg['iscrowd']):
                continue
            panoptic[region] = seg['id']
            kept.append(dict(seg, area=area))
        results['gt_panoptic_seg'] = panoptic
        results['segments_info'] = kept
        results['gt_seg_map'] = semantic
        if 'sem_seg_path' in results:
            results['gt_seg_map'] = self._read(results['sem_seg_path'],
                                               'semantic').astype(np.int32)
        if 'depth_path' in results:
            depth = self._read(results['depth_path'], 'depth')
            results['gt_depth_map'] = (depth.astype(np.float32) /
                                       self.depth_scale)
        return results

    def _read(self, path: str, what: str) -> np.ndarray:
        img = read_image(path, 'unchanged', f'{what} PNG', self.backend_args)
        if img.ndim != 2:
            raise ValueError(f'{what} PNG {path!r} has shape {img.shape}; '
                             'expected a single-channel PNG')
        return img


@TRANSFORMS.register_module()
class ResizePanoptic(BaseTransform):
    """Resize the image (``interpolation``) and, with ``resize_gt``, its maps
    (nearest) to exactly ``scale`` (h, w): the reference code squashes
    every image to 512 x 512. Test pipelines keep the maps at the original
    size (``resize_gt=False``), where PQ is computed."""

    def __init__(self, scale: Tuple[int, int], resize_gt: bool = True,
                 interpolation: str = 'bicubic'):
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f'interpolation {interpolation!r} is unknown; '
                             f'expected one of {tuple(INTERPOLATIONS)}')
        self.scale = tuple(scale)
        self.resize_gt = resize_gt
        self.interpolation = INTERPOLATIONS[interpolation]

    def transform(self, results: dict) -> dict:
        h, w = self.scale
        img = results['img']
        results.setdefault('ori_shape', img.shape[:2])
        results['img'] = cv2.resize(img, (w, h),
                                    interpolation=self.interpolation)
        results['img_shape'] = (h, w)
        results['scale_factor'] = (w / img.shape[1], h / img.shape[0])
        if self.resize_gt:
            for key in MAP_KEYS:
                if key in results:
                    results[key] = cv2.resize(
                        results[key], (w, h), interpolation=cv2.INTER_NEAREST)
        return results


@TRANSFORMS.register_module()
class RandomFlipPanoptic(BaseTransform):
    """Flip the image and its maps left-right with probability ``prob``."""

    def __init__(self, prob: float = 0.5):
        self.prob = prob

    def transform(self, results: dict) -> dict:
        flip = bool(np.random.rand() < self.prob)
        results['flip'] = flip
        results['flip_direction'] = 'horizontal' if flip else None
        if flip:
            for key in ('img', ) + MAP_KEYS:
                if key in results:
                    results[key] = np.ascontiguousarray(results[key][:, ::-1])
        return results


@TRANSFORMS.register_module()
class PackPanopticInputs(BaseTransform):
    """-> ``dict(inputs=(3, H, W) uint8, data_samples=SegDataSample)``.

    The sample gets ``gt_panoptic_seg`` (PixelData (1, H, W) int64 ids, its
    metainfo ``segments_info``: the segments present in the map),
    ``gt_sem_seg``, ``gt_depth_map`` and ``known_panoptic_seg`` (the
    segments given for inpainting, see :class:`SampleKnownSegments`) when
    present, and ``meta_keys``.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_path', 'seg_map_path',
                                             'image_id', 'ori_shape',
                                             'img_shape', 'scale_factor',
                                             'flip', 'flip_direction')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim != 3 or img.shape[2] != 3:
            raise ValueError(f'image has shape {img.shape}; expected (H, W, '
                             '3) (load it in colour)')
        sample = SegDataSample()
        if 'gt_panoptic_seg' in results:
            ids = torch.from_numpy(results['gt_panoptic_seg'].astype(
                np.int64))[None]
            present = set(ids.unique().tolist())
            info = [s for s in results['segments_info'] if s['id'] in present]
            sample.gt_panoptic_seg = PixelData(
                data=ids, metainfo=dict(segments_info=info))
        if 'gt_seg_map' in results:
            sample.gt_sem_seg = PixelData(data=torch.from_numpy(
                results['gt_seg_map'].astype(np.int64))[None])
        if 'known_panoptic_seg' in results:
            sample.known_panoptic_seg = PixelData(data=torch.from_numpy(
                results['known_panoptic_seg'].astype(np.int64))[None])
        if 'gt_depth_map' in results:
            sample.gt_depth_map = PixelData(data=torch.from_numpy(
                results['gt_depth_map'].astype(np.float32))[None])
        sample.set_metainfo(
            {k: results[k] for k in self.meta_keys if k in results})
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0,
                                                                     1)))
        return dict(inputs=inputs, data_samples=sample)
