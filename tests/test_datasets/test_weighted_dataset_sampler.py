"""WeightedDatasetSampler: dataset frequencies, determinism, rank sharding."""
import itertools

import numpy as np
import pytest
from mmengine.dataset import BaseDataset, ConcatDataset

from diffseg.datasets.samplers import weighted_dataset_sampler as wds
from diffseg.datasets.samplers import WeightedDatasetSampler
from diffseg.registry import DATA_SAMPLERS


class Tiny(BaseDataset):
    """``n`` empty samples."""

    def __init__(self, n: int):
        self.n = n
        super().__init__(serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.n)]


SIZES = (10, 40, 5, 45)
WEIGHTS = (0.4, 0.1, 0.5, 0.2)


@pytest.fixture(scope='module')
def concat():
    return ConcatDataset([Tiny(n) for n in SIZES])


def draws(sampler, n=20000):
    return np.array(list(itertools.islice(iter(sampler), n)))


@pytest.mark.parametrize('mode', ['per_dataset', 'per_sample'])
def test_frequencies(concat, mode):
    sampler = WeightedDatasetSampler(concat, WEIGHTS, mode=mode, seed=0)
    idx = draws(sampler)
    assert idx.min() >= 0 and idx.max() < sum(SIZES)
    which = np.searchsorted(np.cumsum(SIZES), idx, side='right')
    freq = np.bincount(which, minlength=len(SIZES)) / len(idx)
    w = np.array(WEIGHTS) * (np.array(SIZES) if mode == 'per_sample' else 1)
    np.testing.assert_allclose(freq, w / w.sum(), atol=0.01)
    # uniform inside a sub-dataset: every sample of the last one shows up
    assert set(idx[which == 3] - 55) == set(range(45))


def test_seeded_and_built_from_registry(concat):
    cfg = dict(type='WeightedDatasetSampler', weights=WEIGHTS, seed=3)
    a = draws(DATA_SAMPLERS.build(cfg, default_args=dict(dataset=concat)),
              500)
    b = draws(WeightedDatasetSampler(concat, WEIGHTS, seed=3), 500)
    c = draws(WeightedDatasetSampler(concat, WEIGHTS, seed=4), 500)
    assert (a == b).all() and not (a == c).all()
    assert len(WeightedDatasetSampler(concat, WEIGHTS, seed=3)) == 100


def test_ranks_interleave_the_shared_stream(concat, monkeypatch):
    full = draws(WeightedDatasetSampler(concat, WEIGHTS, seed=1), 1000)
    for rank in (0, 1):
        monkeypatch.setattr(wds, 'get_dist_info', lambda r=rank: (r, 2))
        part = draws(WeightedDatasetSampler(concat, WEIGHTS, seed=1), 500)
        assert (part == full[rank::2]).all()


def test_errors(concat):
    with pytest.raises(TypeError, match='got Tiny'):
        WeightedDatasetSampler(Tiny(3), [1.0])
    with pytest.raises(ValueError, match='3 weights for 4 sub-datasets'):
        WeightedDatasetSampler(concat, [1, 1, 1])
    with pytest.raises(ValueError, match='>= 0'):
        WeightedDatasetSampler(concat, [1, -1, 1, 1])
    with pytest.raises(ValueError, match='not all zero'):
        WeightedDatasetSampler(concat, [0, 0, 0, 0])
    with pytest.raises(ValueError, match='per_batch'):
        WeightedDatasetSampler(concat, WEIGHTS, mode='per_batch')
    with pytest.raises(ValueError, match=r'\[1\] are empty'):
        WeightedDatasetSampler(ConcatDataset([Tiny(2), Tiny(0)]), [1, 1])
