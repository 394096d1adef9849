"""Training-free segmentation heads (HEADS)."""
from .base import BaseHead
from .clustering_heads import (ClusteringHead, KMeansHead,
                               SpectralClusteringHead)
from .kmeans import kmeans
from .maskdiffusion_head import MaskDiffusionHead
from .spectral import (cosine_affinity, eigengap_count, laplacian_eigenpairs,
                       spectral_clustering)

__all__ = [
    'BaseHead', 'ClusteringHead', 'KMeansHead', 'MaskDiffusionHead',
    'SpectralClusteringHead', 'cosine_affinity', 'eigengap_count', 'kmeans',
    'laplacian_eigenpairs', 'spectral_clustering'
]
