"""A toy model and a factory of mmengine Runners training it, for hooks."""
import itertools

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset

_names = itertools.count()


class ToyModel(BaseModel):
    """loss = mean((x * w + noise * N(0, 1))^2); NaN on call ``nan_at``."""

    def __init__(self, width: int = 2, noise: float = 0.0, nan_at=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.noise, self.nan_at, self.calls = noise, nan_at, 0

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = inputs * self.weight
        if self.noise:
            out = out + self.noise * torch.randn_like(out)
        if mode != 'loss':
            return out
        self.calls += 1
        loss = (out**2).mean()
        if self.calls == self.nan_at:
            loss = loss * float('nan')
        return dict(loss=loss)


class ToyDataset(Dataset):

    def __len__(self):
        return 8

    def __getitem__(self, idx):
        return dict(inputs=torch.tensor([idx + 1.0, -idx]))


@pytest.fixture
def toy_runner(tmp_path):
    """``toy_runner(model=dict(ToyModel kwargs), max_iters, **runner_kwargs)``
    -> a Runner in ``tmp_path/work_dir`` (SGD, checkpoints every 2
    iterations, seed 0)."""

    def build(model: dict = {}, max_iters: int = 4, **kwargs) -> Runner:
        args = dict(
            model=ToyModel(**model),
            work_dir=str(tmp_path / 'work_dir'),
            train_dataloader=dict(
                dataset=ToyDataset(), batch_size=2,
                sampler=dict(type='InfiniteSampler', shuffle=True, seed=0),
                collate_fn=dict(type='default_collate')),
            train_cfg=dict(by_epoch=False, max_iters=max_iters),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
            default_hooks=dict(checkpoint=dict(
                type='CheckpointHook', by_epoch=False, interval=2)),
            randomness=dict(seed=0),
            default_scope='diffseg',
            # mmengine shares loggers and message hubs by experiment name
            experiment_name=f'toy_{tmp_path.name}_{next(_names)}')
        args.update(kwargs)
        return Runner(**args)

    return build
