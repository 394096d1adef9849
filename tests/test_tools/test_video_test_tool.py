"""tools/test.py on video configs: per-video and mean figures."""
import json

import pytest

from _helpers.configs import write_tiny_ldis1_config
from _helpers.synthetic import (DAVIS_SPLIT, STUFF, write_davis_tree,
                                write_vspw_tree)
from _helpers.tools import run_tool


def video_test_config(path, dataset, evaluator):
    loader = dict(_delete_=True, batch_size=1, num_workers=0,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  dataset=dict(test_mode=True, first_frame_prompt=True,
                               pipeline=[dict(type='PackInContextInputs')],
                               **dataset))
    # first-frame video sets test without the swapped-prompt control, as
    # configs/_base_/datasets/davis16_256.py does
    return write_tiny_ldis1_config(
        path, test_dataloader=loader, test_evaluator=evaluator,
        test_cfg=dict(type='TestLoop'))


def run_test(tiny_run, config, work_dir):
    proc = run_tool('test.py', config, tiny_run['work_dir'] / 'iter_4.pth',
                    '--work-dir', work_dir)
    with open(work_dir / 'test_summary.json') as f:
        return proc.stdout, json.load(f)


def test_vspw_multi_category_per_video(tiny_run, tmp_path):
    root = write_vspw_tree(str(tmp_path / 'vspw'), split_file='val.txt')
    config = video_test_config(
        str(tmp_path / 'vspw_cfg.py'),
        dict(type='VSPWInContextDataset', data_root=root,
             split_file='val.txt', frame_step=1, stuff_classes=[STUFF]),
        [dict(type='VSPWIoU', num_classes=125, include_background=False)])
    stdout, summary = run_test(tiny_run, config, tmp_path / 'vspw_work')
    assert summary['title'] == 'VSPWInContextDataset (10 episodes)'
    assert set(summary['per_video']['VSPWIoU']) == {'v1', 'v2'}
    for video, figures in summary['per_video']['VSPWIoU'].items():
        assert figures['frames'] == 5
        assert 0 <= figures['mIoU'] <= 100
        assert f'{video} ' in stdout[stdout.index('VSPWIoU per video'):]
    assert set(summary['metrics']) == {'mIoU', 'fwIoU'}
    assert 'prompt swapped' not in stdout


def test_davis_jf_per_video(tiny_run, tmp_path):
    root = write_davis_tree(str(tmp_path / 'davis'))
    config = video_test_config(
        str(tmp_path / 'davis_cfg.py'),
        dict(type='DAVIS16InContextDataset', data_root=root,
             split_file=DAVIS_SPLIT),
        [dict(type='VideoJF')])
    stdout, summary = run_test(tiny_run, config, tmp_path / 'davis_work')
    per_video = summary['per_video']['VideoJF']
    # bear has frames 0-4 and car 0-3: frame 0 prompts the others, the last
    # frame is not scored (davis2017-evaluation)
    assert {v: f['frames'] for v, f in per_video.items()} == {'bear': 3,
                                                             'car': 2}
    mean_j = sum(f['J-Mean'] for f in per_video.values()) / 2
    assert summary['metrics']['J-Mean'] == pytest.approx(mean_j, abs=0.01)
    assert 'J&F-Mean' in stdout[stdout.index('VideoJF per video'):]
