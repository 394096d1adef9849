import pytest
import torch

from diffseg.models.id_codecs import BitCodec


def test_encode_matches_binary_expansion_and_void():
    codec = BitCodec(num_bits=3)
    ids = torch.tensor([[[0, 1, 6, 7]]])
    planes = codec.encode(ids)
    assert planes.shape == (1, 3, 1, 4)
    # LSB first: 6 = 0b110 -> (-1, +1, +1); void -> 0 in every plane
    assert planes[0, :, 0, 0].tolist() == [0, 0, 0]
    assert planes[0, :, 0, 1].tolist() == [1, -1, -1]
    assert planes[0, :, 0, 2].tolist() == [-1, 1, 1]
    assert planes[0, :, 0, 3].tolist() == [1, 1, 1]


@pytest.mark.parametrize('num_bits', [1, 5, 7, 8])
def test_round_trip_every_id(num_bits):
    codec = BitCodec(num_bits)
    ids = torch.arange(codec.num_ids).view(1, 1, -1).repeat(2, 3, 1)
    planes = codec.encode(ids)
    assert set(planes.unique().tolist()) <= {-1.0, 0.0, 1.0}
    assert torch.equal(codec.decode(planes), ids)
    # a noisy reconstruction still decodes by sign
    noisy = planes * 0.6 + 0.3 * torch.sign(planes) * torch.rand_like(planes)
    assert torch.equal(codec.decode(noisy), ids)


def test_random_ids_are_distinct_per_segment_and_keep_void():
    codec = BitCodec(num_bits=7)
    raw = torch.zeros(2, 8, 8, dtype=torch.long)
    raw[0, :4] = 5000
    raw[0, 4:, :4] = 123456
    raw[1, 2:6, 2:6] = 5000
    gen = torch.Generator().manual_seed(0)
    out = codec.assign_random_ids(raw, gen)
    assert torch.equal(out == 0, raw == 0)
    # segment structure is kept: same raw id <-> same new id
    for b in range(2):
        pairs = set(zip(raw[b].flatten().tolist(), out[b].flatten().tolist()))
        assert len(pairs) == len(set(raw[b].flatten().tolist()))
        assert all(1 <= n <= 127 for r, n in pairs if r)
    new = {int(out[0, 0, 0]), int(out[0, 7, 0])}
    assert len(new) == 2
    # a fresh draw gives other ids, and the round trip is exact
    draws = {tuple(codec.assign_random_ids(raw, gen)[0, [0, 7], 0].tolist())
             for _ in range(5)}
    assert len(draws) > 1
    assert torch.equal(codec.decode(codec.encode(out)), out)


def test_random_ids_are_uniform_over_the_range():
    codec = BitCodec(num_bits=3)
    raw = torch.tensor([[[9]]])
    gen = torch.Generator().manual_seed(1)
    draws = [int(codec.assign_random_ids(raw, gen)) for _ in range(700)]
    counts = torch.bincount(torch.tensor(draws), minlength=8)
    assert counts[0] == 0
    assert counts[1:].min() > 60  # ~100 each of 1..7


def test_errors():
    codec = BitCodec(num_bits=2)
    with pytest.raises(ValueError, match='hold at most 3'):
        codec.assign_random_ids(torch.arange(5).view(1, 1, 5))
    with pytest.raises(ValueError, match=r'\[0, 3\]'):
        codec.encode(torch.tensor([[[4]]]))
    with pytest.raises(TypeError, match='integer'):
        codec.encode(torch.zeros(1, 2, 2))
    with pytest.raises(ValueError, match='num_bits'):
        BitCodec(num_bits=0)
