"""The swapped-prompt control of InContextTestLoop and the summary hook."""
import itertools
import json

import pytest
from mmengine.runner import Runner

from diffseg.datasets.episode_file import save_episode_file
from diffseg.registry import DATASETS
from _helpers.coco_fixture import write_coco_tree
from _helpers.tiny_models import tiny_ldis1_cfg

_names = itertools.count()


def dataloader(prompt_mode='same'):
    return dict(batch_size=2, num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(type='ShapesInContextDataset', split='val',
                             num_episodes=4, img_size=32,
                             prompt_mode=prompt_mode,
                             pipeline=[dict(type='PackInContextInputs')]))


def coco_dataloader(root, **dataset):
    """Test episodes of a COCO tree, drawn from seed 3, at 32 px."""
    return dict(batch_size=2, num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(type='COCOInContextDataset', data_root=root,
                             ann_file='annotations/instances_val2014.json',
                             img_dir='val2014', test_mode=True,
                             episodes_per_image='all', num_episodes=4,
                             seed=3, **dataset,
                             pipeline=[dict(type='ResizeEpisode',
                                            scale=(32, 32), resize_gt=False),
                                       dict(type='PackInContextInputs')]))


def make_runner(tmp_path, test_cfg, prompt_mode='same', hooks=None,
                test_dataloader=None):
    return Runner(
        model=tiny_ldis1_cfg(), work_dir=str(tmp_path),
        test_dataloader=test_dataloader or dataloader(prompt_mode),
        test_cfg=test_cfg,
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


def test_control_of_an_episode_file_draws_from_its_seed(tmp_path):
    """The file stores the query-class prompts; the control swaps the
    episodes the dataset draws from the seed the file was drawn with."""
    root = write_coco_tree(str(tmp_path / 'coco'), split='val2014')
    episodes = str(tmp_path / 'episodes.json')
    save_episode_file(DATASETS.build(coco_dataloader(root)['dataset']),
                      episodes, num_prompts=1)
    metrics = make_runner(
        tmp_path / 'loop', dict(type='InContextTestLoop'),
        test_dataloader=coco_dataloader(root, episode_file=episodes)).test()
    swapped = make_runner(
        tmp_path / 'swap', dict(type='TestLoop'),
        test_dataloader=coco_dataloader(root, prompt_mode='swap')).test()
    drawn = make_runner(tmp_path / 'drawn', dict(type='TestLoop'),
                        test_dataloader=coco_dataloader(root)).test()
    assert metrics['swapped/mIoU'] == pytest.approx(swapped['mIoU'])
    assert metrics['mIoU'] == pytest.approx(drawn['mIoU'])
