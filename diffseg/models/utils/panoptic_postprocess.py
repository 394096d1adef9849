"""Panoptic maps between data samples and tensors; logits to segments."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from .postprocess import to_original_size


def panoptic_postprocess(logits: torch.Tensor,
                         mask_threshold: float = 0.5,
                         min_area: int = 512,
                         overlap_threshold: float = 0.5
                         ) -> Tuple[torch.Tensor, List[dict]]:
    """logits (K, H, W) over ids (channel 0 = void) -> (ids (H, W) long,
    segments [dict(id, area)]); void is 0.

    As the reference code: each pixel takes the argmax id and becomes void
    when its softmax confidence is below ``mask_threshold``; an id is kept
    as a segment when its argmax region has at least ``min_area`` pixels and
    covers at least ``overlap_threshold`` of its own mask
    ``sigmoid(logits[id]) >= mask_threshold`` (an empty own mask passes, as
    there). A segment keeps its channel index as id.
    """
    if logits.dim() != 3:
        raise ValueError(f'logits must be (K, H, W); got '
                         f'{tuple(logits.shape)}')
    logits = logits.float()
    confidence, ids = logits.softmax(0).max(0)
    ids[confidence < mask_threshold] = 0
    segments = []
    for seg_id in ids.unique().tolist():
        if seg_id == 0:
            continue
        region = ids == seg_id
        area = int(region.sum())
        own_mask = int((logits[seg_id].sigmoid() >= mask_threshold).sum())
        if area < min_area or (own_mask > 0
                               and area / own_mask < overlap_threshold):
            ids[region] = 0
            continue
        segments.append(dict(id=seg_id, area=area))
    return ids, segments


def stack_label_maps(data_samples, field: str, size,
                     pad_value: float = 0) -> torch.Tensor:
    """The ``field`` PixelData (C, H, W) of each sample -> (B, C, *size).

    A map kept at the original size (test pipelines) is first resized
    (nearest) to the sample's ``img_shape``; every map is then padded
    bottom/right with ``pad_value`` to ``size`` (the padded batch).
    """
    maps = []
    for i, sample in enumerate(data_samples):
        if field not in sample:
            raise ValueError(f'data sample {i} has no {field}')
        data = sample.get(field).data
        shape = tuple(sample.metainfo.get('img_shape', data.shape[-2:]))
        if tuple(data.shape[-2:]) != shape:
            data = F.interpolate(data[None].double(), shape,
                                 mode='nearest')[0].to(data.dtype)
        pad_h, pad_w = size[0] - shape[0], size[1] - shape[1]
        if pad_h < 0 or pad_w < 0:
            raise ValueError(f'{field} of sample {i} is {shape}, larger than '
                             f'the batch {tuple(size)}')
        maps.append(F.pad(data, (0, pad_w, 0, pad_h), value=pad_value))
    return torch.stack(maps)


def logits_to_panoptic(logits: torch.Tensor, sample, category_id: int = 1,
                       **postprocess_cfg):
    """logits (K, Hp, Wp) on the padded input -> ``sample`` with
    ``pred_panoptic_seg``: PixelData (1, H, W) ids at ``ori_shape``, its
    metainfo ``segments_info`` [dict(id, category_id, isthing, area)]."""
    ids, segments = panoptic_postprocess(to_original_size(logits, sample),
                                         **postprocess_cfg)
    info = [dict(seg, category_id=category_id, isthing=True, iscrowd=0)
            for seg in segments]
    sample.pred_panoptic_seg = PixelData(data=ids[None],
                                         metainfo=dict(segments_info=info))
    return sample
