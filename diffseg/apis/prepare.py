"""One input prepared as ``tools/test.py`` prepares a dataset's: the model
config's test pipeline, then ``model.test_step``.

The APIs load the image (and prompts) in memory, so the pipeline's file
loading step is left out; steps reading ground truth are left out too.
"""
from typing import Sequence, Union

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope

from diffseg.fileio import read_image, read_label_map, rgb_to_id

ImageLike = Union[str, np.ndarray]
# steps the in-memory inputs replace (file loading) or do without (ground
# truth), by type name with or without a scope prefix
SKIPPED_STEPS = ('LoadImageFromFile', 'LoadAnnotations',
                 'LoadPanopticAnnotations')


def build_test_pipeline(model, default: Sequence[dict]) -> Compose:
    """``model.cfg.test_dataloader.dataset.pipeline`` without the
    :data:`SKIPPED_STEPS`; ``default`` when the model has no config or its
    config no test pipeline."""
    cfg = getattr(model, 'cfg', None)
    steps = default
    if cfg is not None and 'test_dataloader' in cfg:
        steps = cfg.test_dataloader.dataset.get('pipeline', default)
        init_default_scope(cfg.get('default_scope', 'diffseg'))
    return Compose([
        step for step in steps
        if str(step['type']).split('.')[-1] not in SKIPPED_STEPS
    ])


def prepare_one(model, results: dict, default_pipeline: Sequence[dict],
                **metainfo) -> dict:
    """Run ``results`` (what the file loading step would give) through the
    test pipeline; returns the packed ``dict(inputs, data_samples)``.

    ``metainfo`` goes into the sample's metainfo: the per-call options the
    model reads there (e.g. ``class_names``, ``num_segments``).
    """
    packed = build_test_pipeline(model, default_pipeline)(results)
    if metainfo:
        packed['data_samples'].set_metainfo(metainfo)
    return packed


def predict_one(model, packed: dict):
    """``model.test_step`` on one packed input; returns its data sample."""
    with torch.no_grad():
        return model.test_step(pseudo_collate([packed]))[0]


def image_results(image: ImageLike, what: str, bgr: bool = False) -> dict:
    """In memory what a file loading step gives: ``img`` (RGB, or BGR as
    mmcv's loader gives it with ``bgr``), ``img_path`` (None for an array),
    ``img_shape`` and ``ori_shape``."""
    rgb = load_rgb(image, what)
    return dict(img=np.ascontiguousarray(rgb[..., ::-1]) if bgr else rgb,
                img_path=image if isinstance(image, str) else None,
                img_shape=rgb.shape[:2], ori_shape=rgb.shape[:2])


def load_rgb(image: ImageLike, what: str) -> np.ndarray:
    """A path or an (H, W, 3) uint8 RGB array -> (H, W, 3) uint8 RGB array."""
    name = what
    if isinstance(image, str):
        name = f'{what} {image!r}'
        image = read_image(image, 'unchanged', what)
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f'{name} has shape {image.shape} and dtype '
                         f'{image.dtype}; expected (H, W, 3) uint8 RGB '
                         '(convert grayscale or RGBA images first)')
    return image


def load_mask(mask: ImageLike, what: str) -> np.ndarray:
    """A PNG path or an (h, w) array -> (h, w) uint8 mask in {0, 1}.

    Every nonzero pixel is foreground, so 0/1 and 0/255 masks both work.
    """
    name = what
    if isinstance(mask, str):
        name = f'{what} {mask!r}'
        mask = read_label_map(mask, what)
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f'{name} has shape {mask.shape}; expected an (h, w) '
                         'single-channel mask (nonzero = foreground)')
    return (mask != 0).astype(np.uint8)


def load_id_map(mask: ImageLike, what: str, shape, read, expected: str,
                size_of: str = 'the image') -> np.ndarray:
    """A path (read by ``read(path, what)``) or an array -> that (H, W)
    integer array, checked to be of size ``shape`` (the size of
    ``size_of``); errors name ``what`` (and the path) and say what is
    ``expected``."""
    name = what
    if isinstance(mask, str):
        name = f'{what} {mask!r}'
        mask = read(mask, what)
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype.kind not in 'biu':
        raise ValueError(f'{name} has shape {mask.shape} and dtype '
                         f'{mask.dtype}; expected {expected}')
    if mask.shape != tuple(shape):
        raise ValueError(f'{name} is {mask.shape} but {size_of} is '
                         f'{tuple(shape)}')
    return mask


def _read_known_mask(path: str, what: str) -> np.ndarray:
    mask = read_image(path, 'unchanged', what)
    return rgb_to_id(mask[..., :3]) if mask.ndim == 3 else mask  # COCO PNG


def load_known_mask(mask: ImageLike, shape) -> np.ndarray:
    """A partial panoptic mask -> (H, W) int64 ids, 0 = unknown.

    ``mask`` is a path (a COCO panoptic RGB PNG, or a single-channel PNG
    of ids) or an (H, W) integer array of the image's size ``shape``.
    """
    return load_id_map(mask, 'known mask', shape, _read_known_mask,
                       '(H, W) integer ids (0 = unknown)').astype(np.int64)
