"""From padded foreground probabilities to predictions at the original size."""
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


def fg_prob_to_samples(prob: torch.Tensor, data_samples: List,
                       threshold: float = 0.5) -> List:
    """prob (B, 1, Hp, Wp) on the padded query -> samples with ``seg_logits``
    (1, H, W) p(fg) and ``pred_sem_seg`` (1, H, W) at each ``ori_shape``."""
    for p, sample in zip(prob, data_samples):
        h, w = sample.metainfo.get('img_shape', p.shape[-2:])
        p = p[:, :h, :w]
        ori = tuple(sample.metainfo.get('ori_shape', (h, w)))
        if ori != (h, w):
            p = F.interpolate(p[None], ori, mode='bilinear',
                              align_corners=False)[0]
        sample.seg_logits = PixelData(data=p)
        sample.pred_sem_seg = PixelData(data=(p > threshold).long())
    return data_samples
