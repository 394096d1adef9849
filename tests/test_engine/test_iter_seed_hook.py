import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from diffseg.engine.hooks import IterSeedHook
from diffseg.engine.hooks.iter_seed_hook import iteration_seed


def draws():
    return (torch.rand(3), np.random.rand(3), random.random())


def test_seeds_every_generator_from_seed_iteration_and_rank():
    hook = IterSeedHook()
    hook.before_train_iter(SimpleNamespace(seed=7, iter=5, rank=1), 5)
    got = draws()
    seed = iteration_seed(7, 5, 1)
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)
    want = draws()
    torch.testing.assert_close(got[0], want[0], rtol=0, atol=0)
    np.testing.assert_array_equal(got[1], want[1])
    assert got[2] == want[2]
    hook.before_train_iter(SimpleNamespace(seed=7, iter=5, rank=0), 5)
    assert not torch.equal(torch.rand(3), want[0])  # ranks differ


def test_iteration_seed_is_fixed_and_distinct():
    seeds = {iteration_seed(0, it, rank) for it in range(50)
             for rank in range(4)}
    assert len(seeds) == 200
    assert iteration_seed(3, 10, 2) == iteration_seed(3, 10, 2)
    assert 0 <= iteration_seed(3, 10, 2) < 2**63


@pytest.mark.parametrize('seeded', [True, False])
def test_resumed_run_matches_uninterrupted_run(toy_runner, tmp_path, seeded):
    """The toy loss draws noise every iteration: only per-iteration seeding
    makes the iterations after a resume draw what they would have drawn."""
    hooks = [dict(type='IterSeedHook')] if seeded else []
    model = dict(noise=0.5)
    whole = toy_runner(model, max_iters=4, custom_hooks=hooks,
                       work_dir=str(tmp_path / 'whole'))
    whole.train()
    first = toy_runner(model, max_iters=2, custom_hooks=hooks,
                       work_dir=str(tmp_path / 'parts'))
    first.train()
    resumed = toy_runner(model, max_iters=4, custom_hooks=hooks,
                         work_dir=str(tmp_path / 'parts'), resume=True)
    resumed.train()
    assert resumed.iter == 4
    want = whole.model.weight.detach()
    got = resumed.model.weight.detach()
    assert not torch.equal(want, torch.ones(2))
    assert torch.equal(got, want) == seeded
