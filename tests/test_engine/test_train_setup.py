"""What tools/train.py applies to a config before building the runner."""
import pytest
import torch
from mmengine.config import Config

from diffseg.engine.dist_env import setup_cpu_distributed
from diffseg.engine.robustness import ROBUSTNESS_HOOKS, add_robustness_hooks


def test_robustness_hooks_are_added_once():
    cfg = Config(dict(custom_hooks=[
        dict(type='EMAHook'),
        dict(type='CheckpointFitHook', allow_missing=True)]))
    add_robustness_hooks(cfg)
    types = [hook['type'] for hook in cfg.custom_hooks]
    assert types == ['EMAHook', 'CheckpointFitHook', 'NonFiniteLossHook',
                     'IterSeedHook']
    assert cfg.custom_hooks[1]['allow_missing'] is True
    empty = Config(dict())
    add_robustness_hooks(empty)
    assert [h['type'] for h in empty.custom_hooks] == list(ROBUSTNESS_HOOKS)


def test_cpu_distributed_needs_a_launcher_and_no_cuda():
    cfg = Config(dict(launcher='none'))
    assert setup_cpu_distributed(cfg) is False
    assert 'model_wrapper_cfg' not in cfg


@pytest.mark.skipif(torch.cuda.is_available(), reason='CUDA present')
@pytest.mark.parametrize('strategy', ['FSDPStrategy', 'DeepSpeedStrategy'])
def test_sharded_strategies_are_refused_without_gpus(strategy):
    cfg = Config(dict(launcher='pytorch', strategy=dict(type=strategy)))
    with pytest.raises(ValueError, match=f"'{strategy}' needs GPUs"):
        setup_cpu_distributed(cfg)
    assert 'dist_cfg' not in cfg.get('env_cfg', {})  # nothing started
