"""Segment one image by class names (open vocabulary) or into a number of
segments (unsupervised) with a MaskDiffusion model."""
import copy
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from diffseg.models.heads import (ClusteringHead, MaskDiffusionHead,
                                  SpectralClusteringHead)
from .inference import ImageLike, load_rgb


def _pipeline(model) -> Compose:
    """The model config's test pipeline reading an array instead of a file,
    without ground truth (default: just packing the image)."""
    cfg = getattr(model, 'cfg', None)
    steps = [dict(type='mmseg.PackSegInputs')]
    if cfg is not None and 'test_dataloader' in cfg:
        steps = cfg.test_dataloader.dataset.get('pipeline', steps)
        init_default_scope(cfg.get('default_scope', 'diffseg'))
    steps = [s for s in steps
             if not str(s['type']).endswith(('LoadImageFromFile',
                                             'LoadAnnotations'))]
    return Compose([dict(type='mmseg.LoadImageFromNDArray')] + steps)


def _choose_head(model, class_names, num_segments):
    """The head for the call: the model's, or one of the other kind."""
    if class_names is not None and num_segments is not None:
        raise ValueError('give class_names (open vocabulary) or '
                         'num_segments (unsupervised), not both')
    head = model.head
    if class_names is not None:
        if len(class_names) == 0:
            raise ValueError('class_names is empty; give at least one name')
        return head if head.uses_attention else MaskDiffusionHead()
    if num_segments is not None:
        if num_segments < 1:
            raise ValueError(f'num_segments is {num_segments}; expected '
                             '>= 1')
        if isinstance(head, ClusteringHead):
            head = copy.copy(head)
            head.num_segments = num_segments
            return head
        return SpectralClusteringHead(num_segments=num_segments)
    return head


def inference_open_vocab(model: torch.nn.Module,
                         image: ImageLike,
                         class_names: Optional[Sequence[str]] = None,
                         num_segments: Optional[int] = None):
    """Segment ``image`` with a MaskDiffusion model.

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
    if not hasattr(model, 'segment'):
        raise TypeError(f'{type(model).__name__} is not a MaskDiffusion '
                        'model (it has no segment method)')
    head = _choose_head(model, class_names, num_segments)
    names = None
    if head.uses_attention:
        names = list(class_names) if class_names else model.vocabulary()
    rgb = load_rgb(image, 'image')
    packed = _pipeline(model)(dict(img=np.ascontiguousarray(rgb[..., ::-1])))
    data = model.data_preprocessor(
        dict(inputs=[packed['inputs']],
             data_samples=[packed['data_samples']]), False)
    sample = model.segment(data['inputs'], data['data_samples'], head=head,
                           class_names=names)[0]
    if names is None:
        count = sample.seg_logits.data.shape[0]
        names = [f'segment {i + 1}' for i in range(count)]
    sample.set_metainfo(dict(label_names=names))
    return sample
