"""Training-free segmentation heads (HEADS)."""
from .base import BaseHead
from .clustering_heads import (ClusteringHead, KMeansHead,
                               SpectralClusteringHead)
from .codebook_head import CodebookHead, fit_codebook, load_codebook
from .kmeans import kmeans
from .maskdiffusion_head import MaskDiffusionHead
from .spectral import (cosine_affinity, eigengap_count, laplacian_eigenpairs,
                       spectral_clustering)

__all__ = [
    'BaseHead', 'ClusteringHead', 'CodebookHead', 'KMeansHead',
    'MaskDiffusionHead', 'SpectralClusteringHead', 'cosine_affinity',
    'eigengap_count', 'fit_codebook', 'kmeans', 'laplacian_eigenpairs',
    'load_codebook', 'spectral_clustering'
]
