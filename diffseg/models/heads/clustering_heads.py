"""Unsupervised heads: per-image clustering of the UNet features."""
from abc import abstractmethod
from typing import List, Optional

import numpy as np
import torch
import torch.nn.functional as F

from diffseg.registry import HEADS
from .base import BaseHead
from .kmeans import kmeans
from .spectral import cosine_affinity, spectral_clustering


class ClusteringHead(BaseHead):
    """Clusters each image's valid pixels; scores are one-hot labels.

    The output of an image is (K, h, w): 1 where a pixel is in segment k,
    0 elsewhere and on invalid (padding) pixels, so the segmentor's
    bilinear upsampling and argmax give smooth segment borders.
    """

    @abstractmethod
    def cluster(self, x: torch.Tensor) -> torch.Tensor:
        """(N, D) pixel features -> labels (N,) in [0, K)."""

    def __call__(self, features: torch.Tensor, attention=None,
                 valid: Optional[torch.Tensor] = None) -> List[torch.Tensor]:
        """features (B, D, h, w), valid (B, 1, h, w) bool -> B score maps
        (K_i, h, w)."""
        out = []
        for b, f in enumerate(features):
            x = f.flatten(1).T  # (h*w, D)
            keep = (torch.ones(len(x), dtype=torch.bool, device=x.device)
                    if valid is None else valid[b].flatten().bool())
            labels = self.cluster(x[keep]).to(x.device)
            scores = torch.zeros(int(labels.max()) + 1, len(x),
                                 device=x.device)
            scores[:, keep] = F.one_hot(labels, len(scores)).T.float()
            out.append(scores.unflatten(1, f.shape[-2:]))
        return out


@HEADS.register_module()
class KMeansHead(ClusteringHead):
    """k-means on the raw (concatenated) UNet features of each image.

    Args:
        num_segments: number of clusters K.
        normalize: L2-normalise the pixel features first.
        n_init, max_iter, seed: of the seeded k-means.
    """

    def __init__(self, num_segments: int = 8, normalize: bool = False,
                 n_init: int = 10, max_iter: int = 100, seed: int = 0):
        if num_segments < 1:
            raise ValueError(f'num_segments is {num_segments}; expected >= 1')
        self.num_segments = num_segments
        self.normalize = normalize
        self.n_init = n_init
        self.max_iter = max_iter
        self.seed = seed

    def cluster(self, x: torch.Tensor) -> torch.Tensor:
        x = F.normalize(x.float(), dim=1) if self.normalize else x
        labels, _ = kmeans(x, min(self.num_segments, len(x)), self.n_init,
                           self.max_iter, seed=self.seed)
        return labels


@HEADS.register_module()
class SpectralClusteringHead(ClusteringHead):
    """Spectral clustering of a feature-similarity graph per image.

    Affinity W = max(cos, 0) ** exponent between the pixel features (min-max
    rescaled first with ``rescale``), normalised Laplacian, its smallest
    eigenvectors by ARPACK, seeded k-means on the row-normalised embedding.

    Args:
        num_segments: fixed K; None chooses K per image by the eigengap in
            [min_segments, max_segments].
        exponent: sharpening exponent of the affinity.
        rescale: min-max rescale the cosines before the exponent.
        n_init, seed: of the k-means and the eigen solver's start vector.
    """

    def __init__(self, num_segments: Optional[int] = None,
                 max_segments: int = 10, min_segments: int = 2,
                 exponent: float = 1.0, rescale: bool = False,
                 n_init: int = 10, seed: int = 0):
        if num_segments is not None and num_segments < 1:
            raise ValueError(f'num_segments is {num_segments}; expected >= 1 '
                             'or None (eigengap)')
        if not 1 <= min_segments <= max_segments:
            raise ValueError(f'need 1 <= min_segments ({min_segments}) <= '
                             f'max_segments ({max_segments})')
        self.num_segments = num_segments
        self.max_segments = max_segments
        self.min_segments = min_segments
        self.exponent = exponent
        self.rescale = rescale
        self.n_init = n_init
        self.seed = seed

    def cluster(self, x: torch.Tensor) -> torch.Tensor:
        affinity = cosine_affinity(x, self.exponent, self.rescale)
        k = None if self.num_segments is None else min(self.num_segments,
                                                       len(x))
        labels = spectral_clustering(
            affinity.double().cpu().numpy(), k, self.max_segments,
            self.min_segments, self.n_init, self.seed)
        return torch.from_numpy(labels.astype(np.int64))
