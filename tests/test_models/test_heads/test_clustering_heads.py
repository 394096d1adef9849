import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.metrics import adjusted_rand_score

from diffseg.models.heads import (KMeansHead, SpectralClusteringHead,
                                  cosine_affinity, eigengap_count, kmeans,
                                  laplacian_eigenpairs, spectral_clustering)


def blobs(k=4, n=50, d=16, spread=0.3, seed=0):
    """k separable Gaussian blobs: (k n, d) float64 points, truth labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    x = np.concatenate([c + spread * rng.normal(size=(n, d))
                        for c in centres])
    return x, np.repeat(np.arange(k), n)


def test_spectral_clustering_agrees_with_sklearn():
    x, truth = blobs()
    affinity = cosine_affinity(torch.from_numpy(x), exponent=4.0)
    affinity = affinity.double().numpy()
    ours = spectral_clustering(affinity, 4)
    theirs = SpectralClustering(4, affinity='precomputed',
                                random_state=0).fit_predict(affinity)
    assert adjusted_rand_score(ours, theirs) >= 0.99
    assert adjusted_rand_score(ours, truth) >= 0.99
    # the eigengap finds the 4 blobs
    chosen = spectral_clustering(affinity, None, max_clusters=8)
    assert len(np.unique(chosen)) == 4
    assert adjusted_rand_score(chosen, truth) >= 0.99


def test_laplacian_eigenpairs_match_a_dense_solver():
    x, _ = blobs(k=3, n=30)
    w = cosine_affinity(torch.from_numpy(x), 2.0).double().numpy()
    vals, vecs = laplacian_eigenpairs(w, 5)
    d = 1 / np.sqrt(w.sum(1))
    lap = np.eye(len(w)) - d[:, None] * w * d[None, :]
    expected = np.linalg.eigvalsh(lap)[:5]
    assert np.allclose(vals, expected, atol=1e-8)
    assert np.allclose(lap @ vecs, vecs * vals, atol=1e-6)


def test_eigengap_count_by_hand():
    # lambda_1..7; gaps lambda_{k+1} - lambda_k for k = 1..6:
    # 0, 0.01, 0.79, 0.05, 0.10, 0.01
    vals = np.array([0.0, 0.0, 0.01, 0.8, 0.85, 0.95, 0.96])
    assert eigengap_count(vals, 2, 5) == 3
    assert eigengap_count(vals, 4, 6) == 5  # k >= 4: 0.10 beats 0.05
    assert eigengap_count(vals, 1, 2) == 2  # k <= 2: 0.01 beats 0
    with pytest.raises(ValueError, match='needs 7 eigenvalues'):
        eigengap_count(vals[:5], 2, 6)


def test_kmeans_recovers_blobs_like_sklearn():
    x, truth = blobs(k=3, n=40, d=5)
    labels, centres = kmeans(torch.from_numpy(x), 3, seed=0)
    assert centres.shape == (3, 5)
    assert adjusted_rand_score(labels.numpy(), truth) == 1.0
    theirs = KMeans(3, n_init=10, random_state=0).fit_predict(x)
    assert adjusted_rand_score(labels.numpy(), theirs) == 1.0
    again, _ = kmeans(torch.from_numpy(x), 3, seed=0)
    assert torch.equal(labels, again)
    with pytest.raises(ValueError, match='cannot make 5 clusters of 4'):
        kmeans(torch.zeros(4, 2), 5)


def region_features():
    """(1, 3, 4, 6) features: three 4 x 2 column bands of distinct
    directions (with noise), as a UNet feature map of 3 regions."""
    g = torch.Generator().manual_seed(0)
    bands = torch.eye(3).repeat_interleave(2, 0).T  # (3, 6)
    f = bands[:, None, :].expand(3, 4, 6) + 0.05 * torch.randn(
        3, 4, 6, generator=g)
    return f[None]


@pytest.mark.parametrize('head', [
    SpectralClusteringHead(num_segments=3, exponent=2.0),
    SpectralClusteringHead(max_segments=5),
    KMeansHead(num_segments=3)
], ids=['spectral-fixed', 'spectral-eigengap', 'kmeans'])
def test_heads_segment_the_regions(head):
    f = region_features()
    valid = torch.ones(1, 1, 4, 6, dtype=torch.bool)
    valid[..., -1] = False  # padding column
    scores = head(f, None, valid)[0]
    assert scores.shape == (3, 4, 6)
    assert torch.all(scores[..., -1] == 0)
    assert torch.all(scores[..., :-1].sum(0) == 1)  # one-hot on valid pixels
    labels = scores[..., :-1].argmax(0)
    truth = torch.arange(3).repeat_interleave(2)[:-1].expand(4, 5)
    assert adjusted_rand_score(labels.flatten(), truth.flatten()) == 1.0


def test_clustering_head_arguments_are_checked():
    with pytest.raises(ValueError, match='num_segments'):
        KMeansHead(num_segments=0)
    with pytest.raises(ValueError, match='min_segments'):
        SpectralClusteringHead(min_segments=5, max_segments=3)
