import json
import os.path as osp

import cv2
import pytest
import torch

from diffseg.apis import init_model
from _helpers.configs import (write_tiny_ldis1_checkpoint,
                              write_tiny_ldis1_config)
from _helpers.paths import REPO_ROOT, load_tool
from _helpers.tiny_models import TINY_UNET
from _helpers.tools import run_tool_in_process

LDISN_TINY = osp.join(REPO_ROOT, 'configs', 'ldis',
                      'ldisn_tiny_1shot_1500it_shapes_64.py')


@pytest.fixture(scope='module')
def ldisn(tmp_path_factory):
    """A tiny LDIS-n config (DDIM, dual guidance) and a random checkpoint."""
    folder = tmp_path_factory.mktemp('ldisn')
    config = write_tiny_ldis1_config(
        str(folder / 'tiny_ldisn.py'), base=LDISN_TINY,
        model=dict(denoiser=dict(_delete_=True, type='DiffusersUNet',
                                 config=TINY_UNET, in_channels=8)),
        test_dataloader=dict(dataset=dict(num_episodes=3)))
    torch.manual_seed(0)
    checkpoint = str(folder / 'tiny_ldisn.pth')
    torch.save(dict(state_dict=init_model(config).state_dict(), meta={}),
               checkpoint)
    return config, checkpoint


def test_passes_are_counted_and_figures_equal_test_tool(ldisn, tmp_path):
    config, checkpoint = ldisn
    one_config, one_checkpoint = write_tiny_ldis1_checkpoint(str(tmp_path))
    out = tmp_path / 'out'
    tool = load_tool('analysis_tools/quality_vs_passes.py')
    tool.main([config, checkpoint, '--settings', 'DDIMScheduler:2',
               'DPMSolverMultistepScheduler:3', '--one-step', one_config,
               one_checkpoint, '--out-dir', str(out)])
    results = json.load(open(out / 'results.json'))
    # dual guidance: three UNet branches a step; LDIS-1 runs the UNet once
    assert [(r['family'], r['steps'], r['passes']) for r in results] == [
        ('DDIM', 2, 6.0), ('DPMSolverMultistep', 3, 9.0),
        ('OneStepLDIS', 1, 1.0)]
    assert all(r['samples'] == 3 for r in results[:2])
    png = cv2.imread(str(out / 'quality_vs_passes.png'))
    assert png is not None and png.shape[0] > 100
    rows = open(out / 'results.md').read().splitlines()
    assert len(rows) == 2 + len(results) and '| DDIM | 2 | 6 |' in rows[2]
    # the same setting through tools/test.py gives the same figure
    run_tool_in_process(
        'test.py', config, checkpoint, '--work-dir', tmp_path / 'test',
        '--cfg-options', 'model.sampler.scheduler.type=DDIMScheduler',
        'model.sampler.num_inference_steps=2',
        f'experiment_name=qvp_{tmp_path.name}')
    summary = json.load(open(tmp_path / 'test' / 'test_summary.json'))
    assert summary['prompted'][results[0]['metric']] == pytest.approx(
        results[0]['value'], abs=0.005)  # the summary is rounded


def test_bad_settings_are_named(ldisn, tmp_path):
    tool = load_tool('analysis_tools/quality_vs_passes.py')
    with pytest.raises(SystemExit):
        tool.parse_args(['c', 'k', '--settings', 'DDIM', '--out-dir', 'o'])
    one_config, _ = write_tiny_ldis1_checkpoint(str(tmp_path))
    with pytest.raises(SystemExit, match='no sampler with a scheduler'):
        tool.main([one_config, ldisn[1], '--settings', 'DDIMScheduler:2',
                   '--out-dir', str(tmp_path / 'o')])
    with pytest.raises(SystemExit, match='does not exist'):
        tool.main([ldisn[0], str(tmp_path / 'missing.pth'), '--settings',
                   'DDIMScheduler:2', '--out-dir', str(tmp_path / 'o')])
