"""The swapped-prompt control of InContextTestLoop and the summary hook."""
import itertools
import json

import pytest
from mmengine.runner import Runner

from _helpers.tiny_models import tiny_ldis1_cfg

_names = itertools.count()


def dataloader(prompt_mode='same'):
    return dict(batch_size=2, num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(type='ShapesInContextDataset', split='val',
                             num_episodes=4, img_size=32,
                             prompt_mode=prompt_mode,
                             pipeline=[dict(type='PackInContextInputs')]))


def make_runner(tmp_path, test_cfg, prompt_mode='same', hooks=None):
    return Runner(
        model=tiny_ldis1_cfg(), work_dir=str(tmp_path),
        test_dataloader=dataloader(prompt_mode), test_cfg=test_cfg,
        test_evaluator=[dict(type='InContextIoU'),
                        dict(type='InContextIoU', pred_key='gt_objects',
                             prefix='baseline')],
        default_hooks=hooks, default_scope='diffseg', log_level='WARNING',
        randomness=dict(seed=0),  # the same random tiny model every time
        experiment_name=f'loop_{tmp_path.name}_{next(_names)}')


def test_control_scores_the_swapped_episodes(tmp_path, capsys):
    metrics = make_runner(
        tmp_path / 'loop', dict(type='InContextTestLoop'),
        hooks=dict(summary=dict(type='TestSummaryHook',
                                unit='episodes'))).test()
    swapped = make_runner(tmp_path / 'swap', dict(type='TestLoop'),
                          prompt_mode='swap').test()
    plain = make_runner(tmp_path / 'plain', dict(type='TestLoop')).test()
    # the control is the test of the prompt_mode='swap' episodes
    assert metrics['swapped/mIoU'] == pytest.approx(swapped['mIoU'])
    assert metrics['swapped/FBIoU'] == pytest.approx(swapped['FBIoU'])
    for key, value in plain.items():
        assert metrics[key] == pytest.approx(value)
    # the summary: one row per kind of episode, in the table and the json
    out = capsys.readouterr().out
    assert 'ShapesInContextDataset val (4 episodes)' in out
    saved = json.loads((tmp_path / 'loop' / 'test_summary.json').read_text())
    assert saved['prompt swapped'] == dict(
        mIoU=pytest.approx(swapped['mIoU']),
        FBIoU=pytest.approx(swapped['FBIoU']))
    assert saved['prompt-agnostic baseline']['mIoU'] == pytest.approx(
        plain['baseline/mIoU'])
    assert f"prompt swapped{swapped['mIoU']:>22.2f}" in out


def test_control_can_be_switched_off(tmp_path):
    metrics = make_runner(tmp_path, dict(type='InContextTestLoop',
                                         swapped_prompts=False)).test()
    assert 'mIoU' in metrics and not any(
        key.startswith('swapped/') for key in metrics)
