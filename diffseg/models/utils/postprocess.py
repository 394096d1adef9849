"""Decoded maps on the padded query -> predictions at the original size."""
from typing import List

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData


def stack_gt_masks(data_samples, size) -> torch.Tensor:
    """The padded gt of each sample -> (B, 1, H, W) long; clear error if absent."""
    masks = []
    for i, sample in enumerate(data_samples):
        if 'gt_sem_seg' not in sample:
            raise ValueError(f'data sample {i} has no gt_sem_seg: training '
                             'needs the query mask of every episode')
        gt = sample.gt_sem_seg.data
        if tuple(gt.shape[-2:]) != tuple(size):
            raise ValueError(f'gt of sample {i} is {tuple(gt.shape[-2:])} but '
                             f'the padded query is {tuple(size)}')
        masks.append(gt)
    return torch.stack(masks).long()


def to_original_size(maps: torch.Tensor, sample) -> torch.Tensor:
    """maps (C, Hp, Wp) on the padded query -> (C, H, W): the padding
    cropped to ``img_shape``, then bilinearly resized to ``ori_shape``."""
    h, w = sample.metainfo.get('img_shape', maps.shape[-2:])
    maps = maps[:, :h, :w]
    ori = tuple(sample.metainfo.get('ori_shape', (h, w)))
    if ori != (h, w):
        maps = F.interpolate(maps[None], ori, mode='bilinear',
                             align_corners=False)[0]
    return maps


def fg_logits_to_samples(logits: torch.Tensor, data_samples: List) -> List:
    """logits (B, 1, Hp, Wp), the fg logit d = M[1] - M[0] on the padded
    query -> samples with ``seg_logits`` (1, H, W) p(fg) = sigmoid(d) and
    ``pred_sem_seg`` (1, H, W) = d > 0 at each ``ori_shape``.

    The logit is resized before the threshold: d is linear in the decoded
    pseudo mask, so this equals resizing the pseudo mask and comparing its
    channels (the reference code); resizing sigmoid(d) would not.
    """
    for d, sample in zip(logits, data_samples):
        d = to_original_size(d, sample)
        sample.seg_logits = PixelData(data=torch.sigmoid(d))
        sample.pred_sem_seg = PixelData(data=(d > 0).long())
    return data_samples


def class_prob_to_sample(prob: torch.Tensor, class_ids: torch.Tensor,
                         sample):
    """prob (C + 1, H, W) over [background, class_ids (C,)] at the sample's
    ``ori_shape`` -> the sample with ``seg_logits`` (C + 1, H, W) and
    ``pred_sem_seg`` (1, H, W) holding the class ids (0 = background)."""
    labels = torch.cat([class_ids.new_zeros(1), class_ids]).to(prob.device)
    sample.seg_logits = PixelData(data=prob)
    sample.pred_sem_seg = PixelData(data=labels[prob.argmax(0)][None])
    return sample
