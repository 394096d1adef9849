import math

import pytest
import torch

from diffseg.models.heads import MaskDiffusionHead


def basis(d, i, scale=1.0):
    v = torch.zeros(d)
    v[i] = scale
    return v


def image(columns, width=2):
    """Features (1, D, 1, W): column j is ``columns[j // width]``."""
    cols = [c for c in columns for _ in range(width)]
    return torch.stack(cols, 1)[None, :, None, :]


def test_each_class_wins_where_its_attention_is():
    # left half e0, right half 3 * e1 (norms do not matter: normalised)
    f = image([basis(4, 0), basis(4, 1, 3.0)], width=3)
    att = torch.zeros(1, 2, 1, 6)
    att[0, 0, 0, :3] = torch.tensor([0.2, 0.5, 0.3])
    att[0, 1, 0, 3:] = 1.0
    head = MaskDiffusionHead()
    assert torch.allclose(head.prototypes(f, att)[0],
                          torch.stack([basis(4, 0), basis(4, 1)]))
    scores = head(f, att)
    assert scores.shape == (1, 2, 1, 6)
    expected = torch.tensor([[1.0] * 3 + [0.0] * 3, [0.0] * 3 + [1.0] * 3])
    assert torch.allclose(scores[0, :, 0], expected, atol=1e-6)
    assert scores.argmax(1)[0, 0].tolist() == [0, 0, 0, 1, 1, 1]


def test_cosine_and_dot_product_differ_as_expected():
    """Class A's prototype is e0 (length 1); class B's attention puts 0.8 on
    u = (e0 + e1) / sqrt 2 and 0.2 on -u, so its prototype is 0.6 u. At a u
    pixel cos(u, B) = 1 > cos(u, A) = 0.707, but u . B = 0.6 < u . A."""
    u = (basis(3, 0) + basis(3, 1)) / math.sqrt(2)
    f = image([basis(3, 0), u, -u], width=1)
    att = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.8, 0.2]])[None, :, None]
    cosine = MaskDiffusionHead('cosine')(f, att)[0, :, 0, 1]
    dot = MaskDiffusionHead('dot')(f, att)[0, :, 0, 1]
    assert torch.allclose(cosine, torch.tensor([1 / math.sqrt(2), 1.0]))
    assert torch.allclose(dot, torch.tensor([1 / math.sqrt(2), 0.6]))
    assert cosine.argmax() == 1 and dot.argmax() == 0


def test_attention_is_resized_and_invalid_pixels_are_ignored():
    f = image([basis(2, 0), basis(2, 1)], width=2)  # (1, 2, 1, 4)
    att = torch.ones(1, 1, 1, 2)  # coarser grid, uniform
    valid = torch.tensor([True, True, False, False])[None, None, None]
    proto = MaskDiffusionHead().prototypes(f, att, valid)
    assert torch.allclose(proto[0, 0], basis(2, 0))
    proto_all = MaskDiffusionHead().prototypes(f, att)
    assert torch.allclose(proto_all[0, 0], torch.tensor([0.5, 0.5]))


def test_batch_equals_single_images():
    g = torch.Generator().manual_seed(0)
    f = torch.randn(3, 8, 5, 6, generator=g)
    att = torch.rand(3, 4, 3, 3, generator=g)
    head = MaskDiffusionHead('dot')
    both = head(f, att)
    for i in range(3):
        assert torch.allclose(both[i], head(f[i:i + 1], att[i:i + 1])[0],
                              atol=1e-6)
    with pytest.raises(ValueError, match='batch size'):
        head(f, att[:2])
    with pytest.raises(ValueError, match='similarity'):
        MaskDiffusionHead('l2')
