import pytest
import torch

from diffseg.engine.checkpoint_fit import (compare_state_dicts,
                                           describe_mismatch)
from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.engine.hooks import CheckpointMismatchError


def test_compare_and_describe():
    model = dict(a=torch.zeros(2), b=torch.zeros(3, 4), c=torch.zeros(1))
    ckpt = {'module.a': torch.zeros(2), 'module.b': torch.zeros(4, 3),
            'module.d': torch.zeros(1), 'module.e': torch.zeros(1)}
    mismatch = compare_state_dicts(model, ckpt)
    assert mismatch.missing == ['c']
    assert mismatch.unexpected == ['d', 'e']
    assert mismatch.shapes == [('b', (4, 3), (3, 4))]
    message = describe_mismatch("'x.pth'", mismatch, limit=1)
    assert message.startswith("checkpoint 'x.pth' does not fit the model")
    assert 'keys not in the model (2): d and 1 more' in message
    assert 'b (4, 3) in the checkpoint but (3, 4) in the model' in message
    assert 'model keys missing from the checkpoint (1): c' in message
    assert 'missing' not in describe_mismatch('x', mismatch,
                                              allow_missing=True)
    assert describe_mismatch('x', compare_state_dicts(model, model)) == ''


def save(path, state, **meta):
    torch.save(dict(state_dict=state, meta=meta), path)
    return str(path)


def test_runner_refuses_a_checkpoint_of_another_model(toy_runner, tmp_path):
    runner = toy_runner(custom_hooks=[dict(type='CheckpointFitHook')])
    other = save(tmp_path / 'other.pth', dict(weight=torch.ones(3),
                                              head=torch.ones(1)))
    with pytest.raises(CheckpointMismatchError) as error:
        runner.load_checkpoint(other)
    message = str(error.value)
    assert 'keys not in the model (1): head' in message
    assert 'weight (3,) in the checkpoint but (2,) in the model' in message
    assert torch.equal(runner.model.weight.detach(), torch.ones(2))


def test_missing_keys_and_their_exceptions(toy_runner, tmp_path):
    empty = save(tmp_path / 'empty.pth', {})
    runner = toy_runner(custom_hooks=[dict(type='CheckpointFitHook')])
    with pytest.raises(CheckpointMismatchError,
                       match=r'missing from the checkpoint \(1\): weight'):
        runner.load_checkpoint(empty)
    # a checkpoint of the trained weights only (LoRA runs) may lack keys
    runner.load_checkpoint(save(tmp_path / 'trained.pth', {},
                                trainable_only=True))
    lenient = toy_runner(custom_hooks=[dict(type='CheckpointFitHook',
                                            allow_missing=True)])
    lenient.load_checkpoint(empty)
    fits = save(tmp_path / 'fits.pth', {'module.weight': torch.full((2, ),
                                                                    3.0)})
    runner.load_checkpoint(fits)
    assert torch.equal(runner.model.weight.detach(), torch.full((2, ), 3.0))


def test_resume_names_the_checkpoint(toy_runner, tmp_path):
    toy_runner(max_iters=2).train()
    path = tmp_path / 'work_dir' / 'iter_2.pth'
    ckpt = load_from_local(path)
    ckpt['state_dict']['extra'] = torch.zeros(1)
    torch.save(ckpt, path)
    runner = toy_runner(resume=True,
                        custom_hooks=[dict(type='CheckpointFitHook')])
    with pytest.raises(CheckpointMismatchError,
                       match=r"iter_2\.pth'.*not in the model \(1\): extra"):
        runner.train()
