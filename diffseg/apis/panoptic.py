"""Panoptic segmentation (and mask inpainting) of one image with LDMSeg."""
from typing import Optional

import torch
from mmengine.structures import PixelData

from .prepare import (ImageLike, image_results, load_known_mask,
                      predict_one, prepare_one)

DEFAULT_PIPELINE = [dict(type='PackPanopticInputs')]


def inference_panoptic(model: torch.nn.Module,
                       image: ImageLike,
                       known_mask: Optional[ImageLike] = None):
    """Segment ``image`` with an LDMSeg model; with ``known_mask``, keep
    its segments and generate the rest of the mask (inpainting).

    Args:
        model: an LDMSeg model (e.g. from :func:`init_model`).
        image: path or (H, W, 3) uint8 RGB array.
        known_mask: None, or a partial panoptic mask of the image's size
            (see :func:`~diffseg.apis.prepare.load_known_mask`); its
            segments keep their ids.

    Returns:
        A SegDataSample with ``pred_panoptic_seg`` ((1, H, W) ids, 0 =
        void; ``segments_info`` lists id, category_id, area and, when
        inpainting, ``known``), plus ``pred_sem_seg`` / ``pred_depth_map``
        for models that predict them.
    """
    results = image_results(image, 'image', bgr=True)
    packed = prepare_one(model, results, DEFAULT_PIPELINE)
    if known_mask is not None:
        known = load_known_mask(known_mask, results['ori_shape'])
        packed['data_samples'].known_panoptic_seg = PixelData(
            data=torch.from_numpy(known)[None])
    return predict_one(model, packed)
