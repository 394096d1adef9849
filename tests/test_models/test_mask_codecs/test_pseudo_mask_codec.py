import math

import pytest
import torch

from diffseg.models.mask_codecs import PseudoMaskCodec
from diffseg.registry import MASK_CODECS


def make(b=2, h=5, w=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    mask = torch.randint(0, 2, (b, 1, h, w), generator=g)
    image = torch.rand(b, 3, h, w, generator=g) * 2 - 1
    return mask, image


def test_build():
    codec = MASK_CODECS.build(dict(type='PseudoMaskCodec', mode='augmented',
                                   gamma=0.3))
    assert isinstance(codec, PseudoMaskCodec) and codec.gamma == 0.3


@pytest.mark.parametrize('a,b', [(-1.0, 1.0), (-0.6, 0.8), (0.1, 0.3)])
def test_vanilla_eq2_by_hand(a, b):
    codec = PseudoMaskCodec(low=a, high=b)
    mask, image = make()
    mask[0, 0, 0, 0] = 255  # ignore -> background
    pseudo = codec.encode(mask, image)
    assert pseudo.shape == image.shape
    for n in range(2):
        for y in range(5):
            for x in range(6):
                m = mask[n, 0, y, x].item()
                want = (a, b, (a + b) / 2) if m == 1 else (b, a, (a + b) / 2)
                got = pseudo[n, :, y, x].tolist()
                assert got == pytest.approx(want, abs=1e-6), (m, got, want)
    # the reference's values in [-1, 1]: fg (-1, 1, 0), bg (1, -1, 0)
    ref = PseudoMaskCodec().encode(torch.tensor([[[[1, 0, 255]]]]),
                                   torch.zeros(1, 3, 1, 3))
    assert ref[0, :, 0, 0].tolist() == [-1, 1, 0]
    assert ref[0, :, 0, 1].tolist() == [1, -1, 0]
    assert ref[0, :, 0, 2].tolist() == [1, -1, 0]


def test_augmented_eq4():
    gamma = 0.4
    mask, image = make(seed=1)
    vanilla = PseudoMaskCodec().encode(mask, image)
    aug = PseudoMaskCodec(mode='augmented', gamma=gamma).encode(mask, image)
    torch.testing.assert_close(aug, (1 - gamma) * vanilla + gamma * image)
    # hand check of one fg and one bg pixel
    fg = (mask[0, 0] == 1).nonzero()[0].tolist()
    bg = (mask[0, 0] == 0).nonzero()[0].tolist()
    for (y, x), base in ((fg, (-1, 1, 0)), (bg, (1, -1, 0))):
        want = [(1 - gamma) * v + gamma * image[0, c, y, x].item()
                for c, v in enumerate(base)]
        assert aug[0, :, y, x].tolist() == pytest.approx(want, abs=1e-6)
    # gamma is ignored outside augmented mode
    assert PseudoMaskCodec(mode='vanilla', gamma=0.4).gamma == 0.0


@pytest.mark.parametrize('cfg', [
    dict(), dict(low=-0.5, high=0.5), dict(mode='augmented', gamma=0.4),
    dict(mode='augmented', gamma=0.9, low=-0.2, high=0.6),
    dict(mode='perturbed', noise=0.3)
])
def test_round_trip(cfg):
    codec = PseudoMaskCodec(**cfg)
    mask, image = make(b=3, h=7, w=9, seed=2)
    pseudo = codec.encode(mask, image, training=True)
    prob = codec.decode(pseudo, image)
    assert prob.shape == mask.shape
    assert torch.equal((prob > 0.5).long(), mask)


def test_perturbed_noise_only_in_training():
    noise = 0.2
    codec = PseudoMaskCodec(mode='perturbed', noise=noise)
    mask, image = make(seed=3)
    clean = PseudoMaskCodec().encode(mask, image)
    torch.testing.assert_close(codec.encode(mask, image), clean)
    torch.manual_seed(0)
    noisy = codec.encode(mask, image, training=True)
    diff = noisy - clean
    assert diff.abs().max() <= noise + 1e-6
    assert diff.abs().max() > noise / 2 and diff.std() > 0
    # noise only for perturbed mode
    torch.testing.assert_close(
        PseudoMaskCodec(noise=0.2).encode(mask, image, training=True), clean)


def test_decode_probability_by_hand():
    torch.manual_seed(4)
    pseudo = torch.randn(2, 3, 3, 4) * 2
    image = torch.rand(2, 3, 3, 4) * 2 - 1
    prob = PseudoMaskCodec().decode(pseudo, image)
    m0, m1 = pseudo[:, 0:1].double(), pseudo[:, 1:2].double()
    want = m1.exp() / (m0.exp() + m1.exp())
    torch.testing.assert_close(prob.double(), want, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(PseudoMaskCodec().decode_logits(pseudo, image),
                               pseudo[:, 1:2] - pseudo[:, 0:1])
    # augmented: the image term is removed first, M = (P - g I) / (1 - g)
    g = 0.3
    prob = PseudoMaskCodec(mode='augmented', gamma=g).decode(pseudo, image)
    m = (pseudo.double() - g * image.double()) / (1 - g)
    want = m[:, 1:2].exp() / (m[:, 0:1].exp() + m[:, 1:2].exp())
    torch.testing.assert_close(prob.double(), want, atol=1e-6, rtol=1e-6)


def test_decode_multiclass_eq7_by_hand():
    torch.manual_seed(5)
    logits = torch.randn(2, 3, 2, 2) * 3
    probs = PseudoMaskCodec().decode_multiclass(logits)
    assert probs.shape == (2, 4, 2, 2)
    for n in range(2):
        for y in range(2):
            for x in range(2):
                d = [logits[n, c, y, x].item() for c in range(3)]
                denom = 1 + sum(math.exp(v) for v in d)
                want = [1 / denom] + [math.exp(v) / denom for v in d]
                assert probs[n, :, y, x].tolist() == pytest.approx(
                    want, rel=1e-5, abs=1e-6)
    torch.testing.assert_close(probs.sum(1), torch.ones(2, 2, 2))
    # background unless some d_c > 0, else argmax_c d_c
    logits = torch.tensor([-1.0, -0.5, 2.0, 0.5]).view(1, 2, 1, 2)
    # pixel 0: d = (-1, 2) -> class 2; pixel 1: d = (-0.5, 0.5) -> class 2
    labels = PseudoMaskCodec().decode_multiclass(logits).argmax(1)
    assert labels.tolist() == [[[2, 2]]]
    labels = PseudoMaskCodec().decode_multiclass(-logits.abs()).argmax(1)
    assert labels.tolist() == [[[0, 0]]]


@pytest.mark.parametrize('kwargs', [
    dict(mode='fancy'), dict(low=0.5, high=0.5), dict(low=-1.5, high=1.0),
    dict(low=0.0, high=1.2), dict(mode='augmented', gamma=1.0),
    dict(mode='augmented', gamma=-0.1)
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        PseudoMaskCodec(**kwargs)


def test_bad_shapes():
    codec = PseudoMaskCodec()
    mask, image = make()
    with pytest.raises(ValueError, match='B, 1, H, W'):
        codec.encode(mask[:, 0], image)
    with pytest.raises(ValueError, match='B, 1, H, W'):
        codec.encode(mask.repeat(1, 2, 1, 1), image)
    with pytest.raises(ValueError, match='image'):
        codec.encode(mask, image[..., :-1])
