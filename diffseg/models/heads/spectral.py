"""Spectral clustering of a precomputed affinity (normalised Laplacian)."""
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse.linalg import eigsh

from .kmeans import kmeans


def cosine_affinity(x: torch.Tensor, exponent: float = 1.0,
                    rescale: bool = False) -> torch.Tensor:
    """(N, D) features -> (N, N) affinity W = max(cos, 0) ** exponent.

    ``rescale`` min-max normalises the cosines to [0, 1] first (DiffCut's
    affinity); the exponent sharpens: small similarities fade.
    """
    x = F.normalize(x.float(), dim=1)
    cos = x @ x.T
    if rescale:
        lo, hi = cos.min(), cos.max()
        cos = (cos - lo) / (hi - lo).clamp_min(1e-12)
    return cos.clamp_min(0)**exponent


def laplacian_eigenpairs(affinity: np.ndarray, num: int,
                         seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """The ``num`` smallest eigenpairs of L = I - D^-1/2 W D^-1/2.

    They are the largest of S = D^-1/2 W D^-1/2 (same eigenvectors,
    eigenvalue 1 - lambda), which ARPACK (``scipy.sparse.linalg.eigsh``)
    finds without shift-invert; tiny graphs use a dense solver.

    Returns:
        eigenvalues (num,) ascending, eigenvectors (N, num).
    """
    n = affinity.shape[0]
    degree = affinity.sum(1)
    if (degree <= 0).any():
        raise ValueError('the affinity has a node with no edge (zero '
                         'degree); keep self-similarities on its diagonal')
    inv_sqrt = 1.0 / np.sqrt(degree)
    s = affinity * inv_sqrt[:, None] * inv_sqrt[None, :]
    s = (s + s.T) / 2
    if num >= n - 1:
        vals, vecs = np.linalg.eigh(s)
        vals, vecs = vals[::-1][:num], vecs[:, ::-1][:, :num]
    else:
        v0 = np.random.default_rng(seed).uniform(-1, 1, n)
        vals, vecs = eigsh(s, k=num, which='LA', v0=v0)
        order = np.argsort(vals)[::-1]
        vals, vecs = vals[order], vecs[:, order]
    return 1.0 - vals, vecs


def eigengap_count(eigenvalues: np.ndarray, min_k: int, max_k: int) -> int:
    """k in [min_k, max_k] with the largest gap lambda_{k+1} - lambda_k
    (eigenvalues ascending, at least max_k + 1 of them)."""
    if len(eigenvalues) < max_k + 1:
        raise ValueError(f'the eigengap up to k={max_k} needs {max_k + 1} '
                         f'eigenvalues, got {len(eigenvalues)}')
    gaps = np.diff(eigenvalues[:max_k + 1])  # gaps[k-1] = l_{k+1} - l_k
    return int(min_k + np.argmax(gaps[min_k - 1:max_k]))


def spectral_clustering(affinity: np.ndarray,
                        num_clusters: Optional[int] = None,
                        max_clusters: int = 10,
                        min_clusters: int = 2,
                        n_init: int = 10,
                        seed: int = 0) -> np.ndarray:
    """Normalised spectral clustering (Ng, Jordan and Weiss).

    The k smallest Laplacian eigenvectors, rows normalised to unit length,
    are clustered by seeded k-means. ``num_clusters`` None picks k by the
    eigengap in [min_clusters, max_clusters] (capped by the node count).

    Returns:
        labels (N,) int64 in [0, k).
    """
    n = affinity.shape[0]
    if num_clusters is not None:
        if not 1 <= num_clusters <= n:
            raise ValueError(f'cannot make {num_clusters} segments of {n} '
                             'pixels')
        vals, vecs = laplacian_eigenpairs(affinity, num_clusters, seed)
        k = num_clusters
    else:
        max_k = min(max_clusters, n - 1)
        min_k = min(min_clusters, max_k)
        vals, vecs = laplacian_eigenpairs(affinity, max_k + 1, seed)
        k = eigengap_count(vals, min_k, max_k)
    emb = torch.from_numpy(np.ascontiguousarray(vecs[:, :k]))
    emb = F.normalize(emb.float(), dim=1)
    labels, _ = kmeans(emb, k, n_init=n_init, seed=seed)
    return labels.numpy()
