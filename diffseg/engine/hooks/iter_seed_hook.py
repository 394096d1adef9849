"""Seed every training iteration from (seed, iteration, rank)."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from diffseg.registry import HOOKS


def iteration_seed(seed: int, iteration: int, rank: int) -> int:
    """A 63-bit seed drawn from (seed, iteration, rank) by numpy's
    SeedSequence: distinct inputs give independent streams."""
    words = np.random.SeedSequence([seed, iteration, rank]).generate_state(
        2, dtype=np.uint32)
    return (int(words[0]) << 31) ^ int(words[1])


@HOOKS.register_module()
class IterSeedHook(Hook):
    """Reseed torch, numpy and ``random`` before each training iteration.

    mmengine restores weights, optimizer, schedulers and the data order on
    ``--resume``, and re-seeds the random generators with the run's seed:
    the noise and dropout draws after a resume would then repeat those of
    the first iterations instead of continuing. Seeding every iteration
    from (run seed, iteration, rank) makes the draws of iteration i the same
    whether the run was interrupted or not, so a resumed run ends with the
    same weights as an uninterrupted one. Ranks get different streams.

    Data pipelines running in the main process (``num_workers=0``) draw
    from the generators between iterations; those draws are replayed on
    resume only when they run in workers (mmengine seeds workers
    deterministically and replays the skipped batches).
    """

    priority = 'HIGHEST'

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        seed = iteration_seed(runner.seed, runner.iter, runner.rank)
        torch.manual_seed(seed)
        np.random.seed(seed % 2**32)
        random.seed(seed)
