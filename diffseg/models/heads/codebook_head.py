"""Segment ids shared across images: nearest centres of a feature codebook."""
import os.path as osp
from typing import Iterable, Optional, Tuple, Union

import torch
import torch.nn.functional as F

from diffseg.registry import HEADS
from .base import BaseHead
from .clustering_heads import ClusteringHead
from .kmeans import kmeans


def load_codebook(codebook: Union[str, torch.Tensor]) -> torch.Tensor:
    """A (K, D) tensor, or the file :func:`torch.save` wrote it to."""
    if isinstance(codebook, str):
        if not osp.isfile(codebook):
            raise FileNotFoundError(
                f'codebook {codebook!r} does not exist; write it with '
                'tools/analysis_tools/fit_cluster_codebook.py')
        codebook = torch.load(codebook, map_location='cpu')
    if not isinstance(codebook, torch.Tensor) or codebook.ndim != 2:
        shape = getattr(codebook, 'shape', type(codebook).__name__)
        raise ValueError(f'a codebook is a (K, D) tensor of cluster '
                         f'centres, got {shape}')
    return codebook.float()


def fit_codebook(feature_maps: Iterable[Tuple[torch.Tensor, torch.Tensor]],
                 num_clusters: int, pixels_per_image: int = 64,
                 normalize: bool = False, n_init: int = 10,
                 seed: int = 0) -> torch.Tensor:
    """k-means centres (K, D) of pixel features sampled over many images.

    Args:
        feature_maps: (features (D, h, w), valid (h, w) bool) per image.
        num_clusters: K.
        pixels_per_image: valid pixels drawn per image (all when fewer),
            without replacement, from a generator seeded with ``seed``.
        normalize: L2-normalise the features first (as the head will).
    """
    g = torch.Generator().manual_seed(seed)
    rows = []
    for features, valid in feature_maps:
        x = features.float().flatten(1).T[valid.flatten().bool()].cpu()
        pick = torch.randperm(len(x), generator=g)[:pixels_per_image]
        rows.append(x[pick])
    if not rows:
        raise ValueError('no images to fit a codebook on')
    x = torch.cat(rows)
    if normalize:
        x = F.normalize(x, dim=1)
    return kmeans(x, num_clusters, n_init=n_init, seed=seed)[1]


@HEADS.register_module()
class CodebookHead(BaseHead):
    """Labels pixels with the id of their nearest codebook centre, so that
    ids mean the same in every image (the dataset-level Hungarian protocol
    of STEGO needs that; a per-image clustering's ids do not).

    The codebook holds K centres of the model's pixel features, fitted
    without labels on other images (``fit_cluster_codebook.py``). With
    ``segments`` (a clustering head config), each image is first
    clustered and every segment takes the id of the centre nearest to its
    mean feature; otherwise each pixel takes its own nearest centre.

    Args:
        codebook: (K, D) tensor or the path of one saved with torch.save.
        segments: HEADS config of a per-image clustering head, or None.
        normalize: L2-normalise features (and centres) first; fit the
            codebook the same way.
    """

    uses_attention = False

    def __init__(self, codebook: Union[str, torch.Tensor],
                 segments: Optional[dict] = None, normalize: bool = False):
        self.codebook = load_codebook(codebook)
        self.segments = None if segments is None else HEADS.build(segments)
        if self.segments is not None and not isinstance(
                self.segments, ClusteringHead):
            raise TypeError(f'segments must be a clustering head, got '
                            f'{type(self.segments).__name__}')
        self.normalize = normalize

    def nearest(self, x: torch.Tensor) -> torch.Tensor:
        """(N, D) features -> (N,) ids of the nearest centres."""
        if x.shape[1] != self.codebook.shape[1]:
            raise ValueError(
                f'features have {x.shape[1]} channels but the codebook\'s '
                f'centres have {self.codebook.shape[1]}; fit it on the same '
                'model and blocks')
        centres = self.codebook.to(x.device)
        if self.normalize:
            x, centres = F.normalize(x, dim=1), F.normalize(centres, dim=1)
        return torch.cdist(x, centres).argmin(1)

    def __call__(self, features: torch.Tensor, attention=None,
                 valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """features (B, D, h, w), valid (B, 1, h, w) -> one-hot ids
        (B, K, h, w), zero on invalid pixels."""
        b, d, h, w = features.shape
        x = features.float().flatten(2).transpose(1, 2)  # (B, h*w, D)
        ids = torch.stack([self.nearest(xi) for xi in x])  # (B, h*w)
        if self.segments is not None:
            for i, seg in enumerate(self.segments(features, None, valid)):
                labels = seg.flatten(1).argmax(0)  # (h*w,)
                means = torch.zeros(len(seg), d, device=x.device).index_add_(
                    0, labels, x[i]) / torch.bincount(
                        labels, minlength=len(seg)).clamp_min(1)[:, None]
                ids[i] = self.nearest(means)[labels]
        scores = F.one_hot(ids, len(self.codebook)).transpose(1, 2).float()
        if valid is not None:
            scores = scores * valid.flatten(2).to(scores)
        return scores.unflatten(2, (h, w))
