"""Reproducible random draws for training episodes."""
import random
from contextlib import contextmanager

import numpy as np
from mmengine.dist import get_rank


class VisitSeeder:
    """One generator per training visit of a dataset index, in one process.

    Visit v of index ``idx`` draws from a generator seeded with (stream
    seed, rank, idx, v), where v counts this process's visits. The stream
    seed is drawn from numpy's global generator at the first visit; mmengine
    seeds that from ``randomness.seed`` (in a dataloader worker from that
    seed, the rank and the worker id). A process visits indices in the
    sampler's order, which mmengine replays on ``--resume``: a run and its
    resumed continuation draw the same episodes, with or without workers.
    """

    def __init__(self):
        self.stream_seed = None
        self.visits = 0
        self.rng = None  # the generator of the latest visit

    def visit(self, idx: int) -> np.random.Generator:
        """The generator of the next visit of ``idx``."""
        if self.stream_seed is None:
            self.stream_seed = int(np.random.randint(2**31))
        self.visits += 1
        self.rng = np.random.default_rng(
            [self.stream_seed, get_rank(), idx, self.visits])
        return self.rng


@contextmanager
def global_rngs_seeded(seed: int):
    """Seed numpy's and ``random``'s global generators (which the mmcv /
    mmseg transforms draw from) for the block, then restore their states."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
