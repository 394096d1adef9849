"""Panoptic segmentation (and mask inpainting) of one image with LDMSeg."""
from typing import Optional, Union

import cv2
import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData

from diffseg.fileio import read_image, rgb_to_id
from .inference import ImageLike, load_rgb

DEFAULT_PIPELINE = [dict(type='PackPanopticInputs')]


def _pipeline(model) -> Compose:
    """The config's test pipeline on an in-memory image, without loading
    files or ground truth."""
    cfg = getattr(model, 'cfg', None)
    steps = DEFAULT_PIPELINE
    if cfg is not None and 'test_dataloader' in cfg:
        steps = cfg.test_dataloader.dataset.get('pipeline', steps)
        init_default_scope(cfg.get('default_scope', 'diffseg'))
    return Compose([
        s for s in steps if not str(s['type']).endswith((
            'LoadImageFromFile', 'LoadPanopticAnnotations'))
    ])


def load_known_mask(mask: Union[str, np.ndarray],
                    shape) -> np.ndarray:
    """A partial panoptic mask -> (H, W) int64 ids, 0 = unknown.

    ``mask`` is a path (a COCO panoptic RGB PNG, or a single-channel PNG
    of ids) or an (H, W) integer array of the image's size ``shape``.
    """
    name = 'known mask'
    if isinstance(mask, str):
        name = f'known mask {mask!r}'
        mask = read_image(mask, 'unchanged', 'known mask')
        if mask.ndim == 3:  # a COCO panoptic PNG
            mask = rgb_to_id(mask[..., :3])
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype.kind not in 'iu':
        raise ValueError(f'{name} has shape {mask.shape} and dtype '
                         f'{mask.dtype}; expected (H, W) integer ids '
                         '(0 = unknown)')
    if mask.shape != tuple(shape):
        raise ValueError(f'{name} is {mask.shape} but the image is '
                         f'{tuple(shape)}')
    return mask.astype(np.int64)


def inference_panoptic(model: torch.nn.Module,
                       image: ImageLike,
                       known_mask: Optional[Union[str, np.ndarray]] = None):
    """Segment ``image`` with an LDMSeg model; with ``known_mask``, keep
    its segments and generate the rest of the mask (inpainting).

    Args:
        model: an LDMSeg model (e.g. from :func:`init_model`).
        image: path or (H, W, 3) uint8 RGB array.
        known_mask: None, or a partial panoptic mask of the image's size
            (see :func:`load_known_mask`); its segments keep their ids.

    Returns:
        A SegDataSample with ``pred_panoptic_seg`` ((1, H, W) ids, 0 =
        void; ``segments_info`` lists id, category_id, area and, when
        inpainting, ``known``), plus ``pred_sem_seg`` / ``pred_depth_map``
        for models that predict them.
    """
    rgb = load_rgb(image, 'image')
    results = dict(img=cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                   img_shape=rgb.shape[:2], ori_shape=rgb.shape[:2])
    if isinstance(image, str):
        results['img_path'] = image
    packed = _pipeline(model)(results)
    if known_mask is not None:
        known = load_known_mask(known_mask, rgb.shape[:2])
        packed['data_samples'].known_panoptic_seg = PixelData(
            data=torch.from_numpy(known)[None])
    with torch.no_grad():
        return model.test_step(pseudo_collate([packed]))[0]
