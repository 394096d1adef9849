import math

import pytest
import torch

from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.engine.hooks import NonFiniteLossError
from diffseg.engine.hooks.nonfinite_loss_hook import nonfinite_losses
from _helpers.configs import write_tiny_ldis1_config
from _helpers.tools import run_tool_in_process


def test_nonfinite_losses_checks_only_losses():
    outputs = dict(loss=torch.tensor(float('inf')), loss_a=torch.tensor(1.0),
                   loss_b=float('nan'), accuracy=torch.tensor(float('nan')))
    bad = nonfinite_losses(outputs)
    assert set(bad) == {'loss', 'loss_b'}
    assert bad['loss'] == math.inf and math.isnan(bad['loss_b'])
    assert nonfinite_losses(None) == {}


def test_stops_before_the_checkpoint_of_the_bad_iteration(toy_runner,
                                                          tmp_path):
    runner = toy_runner(dict(nan_at=4), max_iters=6,
                        custom_hooks=[dict(type='NonFiniteLossHook')])
    with pytest.raises(NonFiniteLossError) as error:
        runner.train()
    work_dir = tmp_path / 'work_dir'
    message = str(error.value)
    assert 'non-finite loss at iteration 4 (loss=nan)' in message
    assert str(work_dir / 'iter_2.pth') in message and '--resume' in message
    # iteration 4 would have saved a checkpoint: the NaN weights never did
    assert not (work_dir / 'iter_4.pth').exists()
    assert (work_dir / 'last_checkpoint').read_text().endswith('iter_2.pth')
    ckpt = load_from_local(work_dir / 'iter_2.pth')
    assert ckpt['meta']['iter'] == 2
    assert torch.isfinite(ckpt['state_dict']['weight']).all()


def test_message_without_checkpoint(toy_runner):
    runner = toy_runner(dict(nan_at=1),
                        custom_hooks=[dict(type='NonFiniteLossHook')])
    with pytest.raises(NonFiniteLossError,
                       match='iteration 1 .*no checkpoint had been saved'):
        runner.train()


def test_train_tool_reports_and_exits(tmp_path):
    """A learning rate of 1e30 overflows the tiny LDIS-1 within a few steps:
    tools/train.py exits with the message instead of a traceback."""
    config = write_tiny_ldis1_config(
        str(tmp_path / 'tiny.py'), train_cfg=dict(max_iters=6),
        val_dataloader=None, val_cfg=None, val_evaluator=None,
        optim_wrapper=dict(optimizer=dict(_delete_=True, type='SGD',
                                          lr=1e30), clip_grad=None),
        param_scheduler=[], default_hooks=dict(checkpoint=dict(interval=1)))
    with pytest.raises(SystemExit) as error:
        run_tool_in_process('train.py', config, '--work-dir',
                            tmp_path / 'work_dir', '--cfg-options',
                            f'experiment_name=nan_{tmp_path.name}')
    message = str(error.value.code)
    assert message.startswith('error: non-finite loss at iteration ')
    failed = int(message.split('iteration ')[1].split(' ')[0])
    assert (tmp_path / 'work_dir' / f'iter_{failed - 1}.pth').exists()
    assert not (tmp_path / 'work_dir' / f'iter_{failed}.pth').exists()
