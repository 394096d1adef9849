"""Mask inpainting for LDMSeg: a partial panoptic mask fixes latent cells.

The known segments (``known_panoptic_seg`` on the data samples: (1, H, W)
ids, 0 = unknown) get the ids 1..K in the order of their values, are bit
encoded (unknown pixels void) and encoded by the mask autoencoder. A latent
cell is fixed when at least ``cell_threshold`` of its pixels are known.
After decoding, ids 1..K are given back their known values and new
segments get ids above the largest known one.
"""
from typing import List, Tuple

import torch
import torch.nn.functional as F

from diffseg.models.utils.panoptic_postprocess import stack_label_maps

KNOWN_FIELD = 'known_panoptic_seg'


def has_known_masks(data_samples) -> bool:
    """True when the samples carry known masks; all or none must."""
    present = [KNOWN_FIELD in sample for sample in data_samples]
    if any(present) and not all(present):
        raise ValueError(f'{KNOWN_FIELD} is set on {sum(present)} of '
                         f'{len(present)} samples: give a known mask (all 0 '
                         'for nothing known) to every sample of the batch')
    return any(present)


def known_latents(model, data_samples, size, cell_threshold: float = 0.5
                  ) -> Tuple[torch.Tensor, torch.Tensor, List[torch.Tensor]]:
    """-> known latent (B, C, h, w), fixed-cell mask (B, 1, h, w) and each
    sample's known ids (K,) in the order of their compact ids 1..K."""
    ids = stack_label_maps(data_samples, KNOWN_FIELD, size)[:, 0].long()
    codec, ae = model.mask_codec, model.mask_autoencoder
    compact = torch.zeros_like(ids)
    known_ids = []
    for i, sample_ids in enumerate(ids):
        values = sample_ids.unique()
        values = values[values != 0]
        if len(values) > codec.max_segments:
            raise ValueError(f'known mask {i} has {len(values)} segments; the '
                             f'bit codec holds {codec.max_segments}')
        compact[i] = torch.searchsorted(values, sample_ids) + 1
        compact[i][sample_ids == 0] = 0
        known_ids.append(values)
    z_known = ae.encode(codec.encode(compact))
    fraction = F.adaptive_avg_pool2d((ids != 0)[:, None].float(),
                                     z_known.shape[-2:])
    mask = ((fraction >= cell_threshold) & (fraction > 0)).float()
    return z_known, mask, known_ids


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
