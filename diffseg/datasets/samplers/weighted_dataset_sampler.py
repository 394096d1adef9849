"""Infinite sampler over a ConcatDataset with per-dataset weights."""
import itertools
from typing import Iterator, Optional, Sequence

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import ConcatDataset, Sampler

from diffseg.registry import DATA_SAMPLERS
from diffseg.utils.misc import check_choice


@DATA_SAMPLERS.register_module()
class WeightedDatasetSampler(Sampler):
    """Draw a sub-dataset by weight, then an index in it uniformly, forever.

    Like mmengine's ``InfiniteSampler``: one seeded stream shared by all
    ranks, of which rank r takes every ``world_size``-th index from r.

    Args:
        dataset: a ``ConcatDataset`` (mmengine's or torch's).
        weights: one non-negative weight per sub-dataset.
        mode: 'per_dataset': P(dataset i) = w_i / sum(w); 'per_sample':
            every sample of dataset i weighs w_i, so P(dataset i) is
            proportional to w_i * len(dataset i) (how the reference code
            reads its weights; the paper gives none).
        seed: seed of the stream; None syncs a random one across ranks.
    """

    def __init__(self,
                 dataset: ConcatDataset,
                 weights: Sequence[float],
                 mode: str = 'per_dataset',
                 seed: Optional[int] = None) -> None:
        if not isinstance(dataset, ConcatDataset):
            raise TypeError('WeightedDatasetSampler needs a ConcatDataset, '
                            f'got {type(dataset).__name__}')
        check_choice('mode', mode, ('per_dataset', 'per_sample'))
        sizes = [len(d) for d in dataset.datasets]
        if len(weights) != len(sizes):
            raise ValueError(f'got {len(weights)} weights for '
                             f'{len(sizes)} sub-datasets')
        weights = [float(w) for w in weights]
        if any(w < 0 for w in weights) or not any(weights):
            raise ValueError('weights must be >= 0 and not all zero; '
                             f'got {weights}')
        empty = [i for i, (w, n) in enumerate(zip(weights, sizes))
                 if w > 0 and n == 0]
        if empty:
            raise ValueError(f'sub-datasets {empty} are empty but weighted')
        if mode == 'per_sample':
            weights = [w * n for w, n in zip(weights, sizes)]
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.mode = mode
        self.seed = sync_random_seed() if seed is None else seed
        self.sizes = torch.tensor(sizes)
        self.offsets = torch.tensor([0] + sizes[:-1]).cumsum(0)
        self.probs = torch.tensor(weights, dtype=torch.float64)
        self.probs /= self.probs.sum()

    def _infinite_indices(self, chunk: int = 4096) -> Iterator[int]:
        """The shared stream of global indices."""
        g = torch.Generator()
        g.manual_seed(self.seed)
        while True:
            which = torch.multinomial(self.probs, chunk, replacement=True,
                                      generator=g)
            local = (torch.rand(chunk, generator=g, dtype=torch.float64) *
                     self.sizes[which]).long()
            local = torch.minimum(local, self.sizes[which] - 1)
            yield from (self.offsets[which] + local).tolist()

    def __iter__(self) -> Iterator[int]:
        yield from itertools.islice(self._infinite_indices(), self.rank, None,
                                    self.world_size)

    def __len__(self) -> int:
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Not used by an iteration-based runner."""
