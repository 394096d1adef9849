"""Stop training at the first NaN or infinite loss, before it is saved."""
import math
import os.path as osp
from typing import Optional

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook

from diffseg.registry import HOOKS


class NonFiniteLossError(RuntimeError):
    """Training produced a NaN or infinite loss."""


def last_checkpoint(runner) -> Optional[str]:
    """The checkpoint the CheckpointHook saved last, or None."""
    path = runner.message_hub.get_info('last_ckpt')
    if path is None:
        record = osp.join(runner.work_dir, 'last_checkpoint')
        if osp.isfile(record):
            with open(record) as f:
                path = f.read().strip() or None
    return path


def nonfinite_losses(outputs: Optional[dict]) -> dict:
    """The outputs named ``*loss*`` whose value is NaN or infinite."""
    bad = {}
    for name, value in (outputs or {}).items():
        if 'loss' not in name:
            continue
        value = (value.detach().float().mean().item()
                 if isinstance(value, torch.Tensor) else float(value))
        if not math.isfinite(value):
            bad[name] = value
    return bad


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` when a loss of an iteration is not
    finite.

    Every output of ``train_step`` whose name contains ``loss`` (the ones
    mmengine sums into the loss) is checked after each training iteration,
    on every process; when any process has a non-finite loss all of them
    stop at the same iteration. The hook runs before the CheckpointHook
    (priority ABOVE_NORMAL against VERY_LOW), so the weights of the bad step
    never reach a checkpoint and the files on disk keep the last finite
    state. The message names the iteration (1-based, as in the log), the
    losses and the checkpoint to resume from.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        bad = nonfinite_losses(outputs)
        stop = bool(bad)
        if is_distributed():
            flag = torch.tensor([float(stop)])
            all_reduce(flag, op='max')
            stop = bool(flag.item())
        if not stop:
            return
        losses = (', '.join(f'{k}={v}' for k, v in bad.items())
                  if bad else 'on another process')
        ckpt = last_checkpoint(runner)
        where = (f'the last checkpoint, {ckpt}, was saved before it and is '
                 'not overwritten: continue from it with --resume (e.g. with '
                 'a lower learning rate)' if ckpt else
                 'no checkpoint had been saved yet')
        raise NonFiniteLossError(
            f'non-finite loss at iteration {runner.iter + 1} ({losses}); '
            f'training stopped; {where}')
