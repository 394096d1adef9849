import json
import os
import os.path as osp
import re
import subprocess

import cv2
import pytest

from diffseg.engine.checkpoint_loader import load_from_local
from _helpers.paths import REPO_ROOT
from _helpers.tools import run_tool


def test_train_writes_checkpoints(tiny_run):
    work_dir = tiny_run['work_dir']
    assert 'Saving checkpoint at 2 iterations' in tiny_run['first']
    assert 'Iter(train) [2/2]' in tiny_run['first']
    for it in (2, 4):
        ckpt = load_from_local(work_dir / f'iter_{it}.pth')
        assert ckpt['meta']['iter'] == it
        assert any(k.startswith('denoiser.') for k in ckpt['state_dict'])
    # validation ran at the end, on the prompted and the baseline episodes
    assert re.search(r'Iter\(val\).*mIoU: [\d.]+.*baseline/mIoU',
                     tiny_run['resumed'])


def test_resume_continues_from_the_last_checkpoint(tiny_run):
    log = tiny_run['resumed']
    assert 'resumed epoch: 0, iter: 2' in log
    assert 'Iter(train) [1/4]' not in log and 'Iter(train) [2/4]' not in log
    assert 'Iter(train) [3/4]' in log and 'Iter(train) [4/4]' in log
    ckpt = load_from_local(tiny_run['work_dir'] / 'iter_4.pth')
    assert ckpt['meta']['iter'] == 4


def test_test_tool_prints_summary_and_draws_panels(tiny_run, tmp_path):
    show_dir = tmp_path / 'panels'
    proc = run_tool('test.py', tiny_run['config'],
                    tiny_run['work_dir'] / 'iter_4.pth', '--work-dir',
                    tmp_path / 'test_work_dir', '--show-dir', show_dir)
    summary = proc.stdout[proc.stdout.index('episodes'):]
    assert 'mIoU' in summary and 'FB-IoU' in summary
    for row in ('prompted', 'prompt-agnostic baseline',
                'prompt swapped'):
        assert re.search(rf'{re.escape(row)}\s+[\d.]+\s+[\d.]+', summary)
    assert 'ShapesInContextDataset val (4 episodes)' in summary
    with open(tmp_path / 'test_work_dir' / 'test_summary.json') as f:
        saved = json.load(f)
    assert saved.pop('title') == 'ShapesInContextDataset val (4 episodes)'
    assert set(saved) == {'prompted', 'prompt-agnostic baseline',
                          'prompt swapped'}
    assert saved['prompt swapped']['mIoU'] >= 0
    # one panel per test episode (4), not redrawn by the swapped-prompt run
    panels = sorted(os.listdir(show_dir))
    assert panels == [f'episode_{i:06d}.png' for i in range(4)]
    assert cv2.imread(str(show_dir / panels[0])).ndim == 3


@pytest.mark.parametrize('script,args,tool', [
    ('dist_train.sh', ['cfg.py', '2', '--work-dir', 'wd'], 'train.py'),
    ('dist_test.sh', ['cfg.py', 'ckpt.pth', '2', '--work-dir', 'wd'],
     'test.py'),
])
def test_dist_scripts_call_torchrun(tmp_path, script, args, tool):
    """A stand-in torchrun prints what the script passes it."""
    fake = tmp_path / 'torchrun'
    fake.write_text('#!/usr/bin/env bash\necho "PYTHONPATH=$PYTHONPATH"\n'
                    'echo "$@"\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}{os.pathsep}{os.environ["PATH"]}',
               PORT='29600', NNODES='2', NODE_RANK='1')
    assert os.access(osp.join(REPO_ROOT, 'tools', script), os.X_OK)
    proc = subprocess.run([osp.join('tools', script), *args], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, check=True)
    pythonpath, argv = proc.stdout.splitlines()
    assert pythonpath.startswith('PYTHONPATH=tools/..')
    rest = ' '.join(args[args.index('2') + 1:])
    positional = ' '.join(args[:args.index('2')])
    assert argv == ('--nnodes=2 --node_rank=1 --master_addr=127.0.0.1 '
                    f'--nproc_per_node=2 --master_port=29600 tools/{tool} '
                    f'{positional} --launcher pytorch {rest}')
