"""Losses of the mask autoencoder: cross-entropy over ids + per-segment masks.

Each segment's id is the index of its logit channel, so no matching is
needed: the mask loss of segment ``s`` compares channel ``s`` with the
segment's binary mask. Void pixels (id 0) are not supervised by the
cross-entropy. With ``num_points`` the losses are taken at PointRend-style
points (the reference code: 12544 points, 3x oversampling, 75 % most
uncertain); without, at every pixel.
"""
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from diffseg.utils.compat import point_sample


def uncertain_points(logits: torch.Tensor, uncertainty: Callable,
                     num_points: int, oversample_ratio: float = 3.0,
                     importance_ratio: float = 0.75) -> torch.Tensor:
    """logits (N, C, h, w) -> points (N, P, 2) in [0, 1] (x, y).

    ``importance_ratio * P`` points are the most uncertain of
    ``oversample_ratio * P`` uniform draws (``uncertainty`` maps sampled
    logits (N, C, P') to (N, P')); the rest are fresh uniform draws.
    """
    n = logits.shape[0]
    num_drawn = int(num_points * oversample_ratio)
    drawn = torch.rand(n, num_drawn, 2, device=logits.device)
    scores = uncertainty(point_sample(logits, drawn))
    num_important = int(importance_ratio * num_points)
    top = scores.topk(num_important, dim=1).indices
    important = torch.gather(drawn, 1, top[..., None].expand(-1, -1, 2))
    fresh = torch.rand(n, num_points - num_important, 2, device=logits.device)
    return torch.cat([important, fresh], 1)


def _margin_uncertainty(sampled: torch.Tensor) -> torch.Tensor:
    """(N, C, P) -> (N, P): second-best minus best logit (higher = unsure)."""
    top2 = sampled.topk(2, dim=1).values
    return top2[:, 1] - top2[:, 0]


def _binary_uncertainty(sampled: torch.Tensor) -> torch.Tensor:
    """(N, 1, P) -> (N, P): -|logit|."""
    return -sampled[:, 0].abs()


def _sample_labels(ids: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """ids (N, H, W) -> (N, P) long, nearest to ``points`` (N, P, 2)."""
    return point_sample(ids[:, None].float(), points,
                        mode='nearest')[:, 0].round().long()


def dice_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits, targets (M, P) -> (M,) ``1 - (2 sum(p t) + 1) /
    (sum(p) + sum(t) + 1)`` with p = sigmoid(logits)."""
    p = logits.sigmoid()
    return 1 - (2 * (p * targets).sum(1) + 1) / (p.sum(1) + targets.sum(1) +
                                                 1)


def mask_autoencoder_losses(logits: torch.Tensor,
                            ids: torch.Tensor,
                            num_points: Optional[int] = None,
                            oversample_ratio: float = 3.0,
                            importance_ratio: float = 0.75) -> dict:
    """logits (B, K, h, w), ids (B, H, W) long in [0, K) with 0 = void ->
    dict(loss_ce, loss_mask_bce, loss_mask_dice) (scalars).

    The cross-entropy is the mean over non-void points; the mask losses are
    summed over the segments of the batch and divided by their number.
    Logits of another resolution than ``ids`` are sampled bilinearly.
    """
    if ids.dim() != 3 or logits.dim() != 4 or ids.shape[0] != logits.shape[0]:
        raise ValueError(f'expected logits (B, K, h, w) and ids (B, H, W); '
                         f'got {tuple(logits.shape)} and {tuple(ids.shape)}')
    if num_points is None and logits.shape[-2:] != ids.shape[-2:]:
        logits = F.interpolate(logits, ids.shape[-2:], mode='bilinear',
                               align_corners=False)
    # sums over labelled points / their count: 0, not nan, without any
    if num_points is None:
        ce = F.cross_entropy(logits, ids, ignore_index=0, reduction='sum')
        ce = ce / (ids != 0).sum().clamp(min=1)
    else:
        with torch.no_grad():
            points = uncertain_points(logits.detach(), _margin_uncertainty,
                                      num_points, oversample_ratio,
                                      importance_ratio)
        labels = _sample_labels(ids, points)
        ce = F.cross_entropy(point_sample(logits, points), labels,
                             ignore_index=0, reduction='sum')
        ce = ce / (labels != 0).sum().clamp(min=1)

    mask_logits, mask_targets = [], []
    for sample_logits, sample_ids in zip(logits, ids):
        segments = sample_ids.unique()
        segments = segments[segments != 0]
        if len(segments) == 0:
            continue
        seg_logits = sample_logits[segments][:, None]  # (M, 1, h, w)
        targets = (sample_ids[None] == segments[:, None, None]).float()
        if num_points is None:
            mask_logits.append(seg_logits.flatten(1))
            mask_targets.append(targets.flatten(1))
            continue
        with torch.no_grad():
            points = uncertain_points(seg_logits.detach(),
                                      _binary_uncertainty, num_points,
                                      oversample_ratio, importance_ratio)
        mask_logits.append(point_sample(seg_logits, points)[:, 0])
        mask_targets.append(point_sample(targets[:, None], points,
                                         mode='nearest')[:, 0])
    if not mask_logits:
        zero = logits.sum() * 0
        return dict(loss_ce=ce, loss_mask_bce=zero, loss_mask_dice=zero)
    mask_logits = torch.cat(mask_logits)
    mask_targets = torch.cat(mask_targets)
    num_masks = mask_logits.shape[0]
    bce = F.binary_cross_entropy_with_logits(
        mask_logits, mask_targets, reduction='none').mean(1).sum() / num_masks
    dice = dice_loss(mask_logits, mask_targets).sum() / num_masks
    return dict(loss_ce=ce, loss_mask_bce=bce, loss_mask_dice=dice)
