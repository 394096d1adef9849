import pytest
import torch

from diffseg.models.heads import CodebookHead, fit_codebook, kmeans


def two_blob_features():
    """(1, 2, 4, 4): left half near (1, 0), right half near (0, 1)."""
    f = torch.zeros(1, 2, 4, 4)
    f[0, 0, :, :2] = 1.0
    f[0, 1, :, 2:] = 1.0
    return f + 0.01 * torch.arange(16.).view(1, 1, 4, 4)


def test_pixels_take_their_nearest_centre():
    codebook = torch.tensor([[0., 1.], [1., 0.], [5., 5.]])
    scores = CodebookHead(codebook)(two_blob_features())
    assert scores.shape == (1, 3, 4, 4)
    ids = scores.argmax(1)[0]
    assert (ids[:, :2] == 1).all() and (ids[:, 2:] == 0).all()
    assert scores.sum(1).eq(1).all()  # one-hot


def test_segments_take_the_centre_nearest_to_their_mean():
    # centre 0 is nearest to some left pixels, but the left segment's mean
    # is nearest to centre 1, so the whole segment takes id 1
    f = two_blob_features()
    mean_left = f[0, :, :, :2].flatten(1).mean(1)
    codebook = torch.stack([f[0, :, 0, 0] + torch.tensor([0.0, 0.02]),
                            mean_left, torch.tensor([0., 1.])])
    per_pixel = CodebookHead(codebook)(f).argmax(1)[0]
    assert (per_pixel[:, :2] == 0).any()
    head = CodebookHead(codebook, segments=dict(type='KMeansHead',
                                                num_segments=2))
    ids = head(f).argmax(1)[0]
    assert (ids[:, :2] == 1).all() and (ids[:, 2:] == 2).all()


def test_invalid_pixels_get_no_id():
    valid = torch.ones(1, 1, 4, 4, dtype=torch.bool)
    valid[..., 3] = False
    scores = CodebookHead(torch.eye(2))(two_blob_features(), None, valid)
    assert scores[..., 3].sum() == 0 and scores[..., :3].sum() == 12


def test_fit_codebook_is_kmeans_of_the_sampled_valid_pixels():
    torch.manual_seed(0)
    maps = [(torch.randn(3, 5, 5), torch.rand(5, 5) > 0.3) for _ in range(4)]
    codebook = fit_codebook(maps, 3, pixels_per_image=6, seed=1)
    g = torch.Generator().manual_seed(1)
    rows = []
    for f, v in maps:
        x = f.flatten(1).T[v.flatten()]
        rows.append(x[torch.randperm(len(x), generator=g)[:6]])
    expected = kmeans(torch.cat(rows), 3, seed=1)[1]
    assert torch.allclose(codebook, expected)


def test_codebook_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='fit_cluster_codebook'):
        CodebookHead(str(tmp_path / 'missing.pth'))
    torch.save(torch.zeros(3), tmp_path / 'flat.pth')
    with pytest.raises(ValueError, match=r'\(K, D\)'):
        CodebookHead(str(tmp_path / 'flat.pth'))
    with pytest.raises(ValueError, match='channels'):
        CodebookHead(torch.eye(3))(two_blob_features())
    with pytest.raises(TypeError, match='clustering head'):
        CodebookHead(torch.eye(2), segments=dict(type='MaskDiffusionHead'))
    with pytest.raises(ValueError, match='no images'):
        fit_codebook([], 2)
