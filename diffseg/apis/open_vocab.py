"""Segment one image by class names (open vocabulary) or into a number of
segments (unsupervised) with a MaskDiffusion model."""
from typing import Optional, Sequence

import torch

from .prepare import ImageLike, image_results, predict_one, prepare_one

DEFAULT_PIPELINE = [dict(type='mmseg.PackSegInputs')]


def inference_open_vocab(model: torch.nn.Module,
                         image: ImageLike,
                         class_names: Optional[Sequence[str]] = None,
                         num_segments: Optional[int] = None):
    """Segment ``image`` with a MaskDiffusion model.

    The image goes through the config's test pipeline and
    ``model.test_step``; the request travels in the sample's metainfo
    (``class_names`` / ``num_segments``), where the model reads it.

    Args:
        model: a MaskDiffusion model (e.g. from :func:`init_model`).
        image: path or (H, W, 3) uint8 RGB array.
        class_names: the vocabulary (open vocabulary); a model configured
            for clustering uses a :class:`MaskDiffusionHead` for the call.
        num_segments: segments to make (unsupervised); a model configured
            for classes clusters with :class:`SpectralClusteringHead`.
            Neither: the model's own head and vocabulary.

    Returns:
        SegDataSample with ``pred_sem_seg`` (1, H, W) label ids,
        ``seg_logits`` (K, H, W) and metainfo ``label_names`` (the name of
        each id: the class names, or 'segment 1', 'segment 2', ...).
    """
    if not hasattr(model, 'vocabulary'):
        raise TypeError(f'{type(model).__name__} is not a MaskDiffusion '
                        'model (it has no vocabulary)')
    request = {}
    if class_names is not None and num_segments is not None:
        raise ValueError('give class_names (open vocabulary) or '
                         'num_segments (unsupervised), not both')
    if class_names is not None:
        if len(class_names) == 0:
            raise ValueError('class_names is empty; give at least one name')
        request['class_names'] = list(class_names)
    if num_segments is not None:
        if num_segments < 1:
            raise ValueError(f'num_segments is {num_segments}; expected '
                             '>= 1')
        request['num_segments'] = int(num_segments)
    results = image_results(image, 'image', bgr=True)
    sample = predict_one(model,
                         prepare_one(model, results, DEFAULT_PIPELINE,
                                     **request))
    if 'label_names' not in sample.metainfo:  # segments have no names
        count = sample.seg_logits.data.shape[0]
        sample.set_metainfo(dict(
            label_names=[f'segment {i + 1}' for i in range(count)]))
    return sample
