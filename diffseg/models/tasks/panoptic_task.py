"""Panoptic segmentation (and mask inpainting) as an LDMSeg task."""
from typing import List, Optional

import torch
import torch.nn.functional as F

from diffseg.models.utils.panoptic_postprocess import (logits_to_panoptic,
                                                       stack_label_maps)
from diffseg.registry import TASKS
from .base import KnownLatents
from .id_map_task import IdMapTask

KNOWN_FIELD = 'known_panoptic_seg'


def has_known_masks(data_samples) -> bool:
    """True when the samples carry known masks; all or none must."""
    present = [KNOWN_FIELD in sample for sample in data_samples]
    if any(present) and not all(present):
        raise ValueError(f'{KNOWN_FIELD} is set on {sum(present)} of '
                         f'{len(present)} samples: give a known mask (all 0 '
                         'for nothing known) to every sample of the batch')
    return any(present)


def restore_known_ids(sample, known_ids: torch.Tensor) -> None:
    """Give ``sample.pred_panoptic_seg``'s ids 1..K the known ids back and
    move the others above the largest known id; segments get ``known``."""
    pred = sample.pred_panoptic_seg
    ids = pred.data
    num_known = len(known_ids)
    offset = int(known_ids.max()) if num_known else 0
    lookup = torch.cat([known_ids.new_zeros(1), known_ids.to(ids.device)])
    restored = torch.where(ids <= num_known,
                           lookup[ids.clamp(max=num_known)], ids + offset)
    info = []
    for seg in pred.segments_info:
        known = seg['id'] <= num_known
        new_id = int(known_ids[seg['id'] - 1]) if known else seg['id'] + offset
        info.append(dict(seg, id=new_id, known=known))
    pred.set_metainfo(dict(segments_info=info))
    del pred.data
    pred.data = restored


@TASKS.register_module(name='panoptic')
class PanopticTask(IdMapTask):
    """``gt_panoptic_seg`` segments get random ids (the codec's draw), go
    through the mask autoencoder; decoding post-processes the per-id logits
    into ``pred_panoptic_seg`` (class-agnostic, as the reference code).

    Mask inpainting: the known segments (``known_panoptic_seg`` on the data
    samples: (1, H, W) ids, 0 = unknown) get the ids 1..K in the order of
    their values and are encoded like a target (unknown pixels void); a
    latent cell is fixed when at least ``cell_threshold`` of its pixels are
    known. After decoding, ids 1..K get their known values back and new
    segments get ids above the largest known one.

    Args:
        postprocess: kwargs of ``panoptic_postprocess`` (None: its
            defaults).
        cell_threshold: known fraction of a latent cell's pixels that fixes
            it in inpainting.
    """

    gt_field = 'gt_panoptic_seg'

    def __init__(self, autoencoder, codec,
                 postprocess: Optional[dict] = None,
                 cell_threshold: float = 0.5):
        super().__init__(autoencoder, codec)
        self.postprocess = dict(postprocess or {})
        self.cell_threshold = cell_threshold

    def target_ids(self, data_samples, size):
        ids = stack_label_maps(data_samples, self.gt_field, size)[:, 0]
        return self.codec.assign_random_ids(ids.long())

    def write_predictions(self, logits, data_samples, known=None):
        for sample_logits, sample in zip(logits, data_samples):
            logits_to_panoptic(sample_logits, sample, **self.postprocess)
        for sample, ids in zip(data_samples, known.restore if known else []):
            restore_known_ids(sample, ids)

    def encode_known(self, data_samples, size):
        """-> known latent (B, C, h, w), fixed-cell mask (B, 1, h, w) and
        each sample's known ids (K,) in the order of their ids 1..K; None
        without known masks."""
        if not has_known_masks(data_samples):
            return None
        ids = stack_label_maps(data_samples, KNOWN_FIELD, size)[:, 0].long()
        compact = torch.zeros_like(ids)
        known_ids: List[torch.Tensor] = []
        for i, sample_ids in enumerate(ids):
            values = sample_ids.unique()
            values = values[values != 0]
            if len(values) > self.codec.max_segments:
                raise ValueError(f'known mask {i} has {len(values)} segments; '
                                 f'the id codec holds '
                                 f'{self.codec.max_segments}')
            compact[i] = torch.searchsorted(values, sample_ids) + 1
            compact[i][sample_ids == 0] = 0
            known_ids.append(values)
        z_known = self.autoencoder.encode(self.codec.encode(compact))
        fraction = F.adaptive_avg_pool2d((ids != 0)[:, None].float(),
                                         z_known.shape[-2:])
        mask = ((fraction >= self.cell_threshold) & (fraction > 0)).float()
        return KnownLatents(z_known, mask, known_ids)
