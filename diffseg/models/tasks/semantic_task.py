"""Semantic segmentation as an LDMSeg task: class c is id c + 1."""
from typing import Optional

import torch
from mmengine.structures import PixelData

from diffseg.models.utils.panoptic_postprocess import stack_label_maps
from diffseg.models.utils.postprocess import to_original_size
from diffseg.registry import TASKS
from .id_map_task import IdMapTask

SEMANTIC_VOID = 255


@TASKS.register_module(name='semantic')
class SemanticTask(IdMapTask):
    """``gt_sem_seg`` (class c, void 255) -> ids c + 1 (void 0) through the
    mask autoencoder; decoding takes the argmax over the class channels ->
    ``seg_logits`` (num_classes, H, W) and ``pred_sem_seg`` (1, H, W).

    Args:
        num_classes: classes predicted (default: every id but void).
    """

    gt_field = 'gt_sem_seg'

    def __init__(self, autoencoder, codec,
                 num_classes: Optional[int] = None):
        super().__init__(autoencoder, codec)
        self.num_classes = (num_classes if num_classes is not None else
                            autoencoder.out_channels - 1)

    def target_ids(self, data_samples, size):
        labels = stack_label_maps(data_samples, self.gt_field, size,
                                  SEMANTIC_VOID)[:, 0].long()
        ids = torch.where(labels == SEMANTIC_VOID, 0, labels + 1)
        num_ids = self.autoencoder.out_channels
        if ids.numel() and ids.max() >= num_ids:
            raise ValueError(f'class {int(ids.max()) - 1} needs id '
                             f'{int(ids.max())}; the mask autoencoder holds '
                             f'ids < {num_ids}: use more bits')
        return ids

    def write_predictions(self, logits, data_samples, known=None):
        for sample_logits, sample in zip(logits, data_samples):
            scores = to_original_size(sample_logits[1:self.num_classes + 1],
                                      sample)
            sample.seg_logits = PixelData(data=scores)
            sample.pred_sem_seg = PixelData(data=scores.argmax(0)[None])
