"""Seeded k-means (k-means++ initialisation, Lloyd iterations) in torch."""
from typing import Tuple

import torch


def _kmeans_pp(x: torch.Tensor, k: int, g: torch.Generator) -> torch.Tensor:
    """k-means++ seeding: (N, D) -> (k, D) initial centres."""
    first = int(torch.randint(len(x), (1, ), generator=g))
    centres = [x[first]]
    dist = ((x - x[first])**2).sum(1)
    for _ in range(1, k):
        total = dist.sum()
        if total <= 0:  # fewer distinct points than k: any point will do
            idx = int(torch.randint(len(x), (1, ), generator=g))
        else:
            idx = int(torch.multinomial((dist / total).cpu(), 1,
                                        generator=g))
        centres.append(x[idx])
        dist = torch.minimum(dist, ((x - x[idx])**2).sum(1))
    return torch.stack(centres)


def _lloyd(x, centres, max_iter: int, tol: float):
    for _ in range(max_iter):
        labels = torch.cdist(x, centres).argmin(1)
        new = torch.zeros_like(centres).index_add_(0, labels, x)
        counts = torch.bincount(labels, minlength=len(centres))
        empty = counts == 0
        new = new / counts.clamp_min(1)[:, None].to(x)
        if empty.any():  # re-seed an empty cluster at the farthest point
            far = ((x - centres[labels])**2).sum(1).argsort(descending=True)
            new[empty] = x[far[:int(empty.sum())]]
        shift = ((new - centres)**2).sum()
        centres = new
        if shift <= tol:
            break
    labels = torch.cdist(x, centres).argmin(1)
    inertia = ((x - centres[labels])**2).sum()
    return labels, centres, inertia


def kmeans(x: torch.Tensor, k: int, n_init: int = 10, max_iter: int = 100,
           tol: float = 1e-8, seed: int = 0) -> Tuple[torch.Tensor,
                                                      torch.Tensor]:
    """Cluster the rows of ``x`` (N, D) into ``k`` groups.

    Runs ``n_init`` seeded k-means++ starts and keeps the lowest inertia.

    Returns:
        labels (N,) long in [0, k), centres (k, D).
    """
    if x.ndim != 2:
        raise ValueError(f'k-means input has shape {tuple(x.shape)}; '
                         'expected (N, D)')
    if not 1 <= k <= len(x):
        raise ValueError(f'cannot make {k} clusters of {len(x)} points')
    x = x.float()
    g = torch.Generator().manual_seed(seed)
    best = None
    for _ in range(n_init):
        result = _lloyd(x, _kmeans_pp(x, k, g), max_iter, tol)
        if best is None or result[2] < best[2]:
            best = result
    return best[0], best[1]
