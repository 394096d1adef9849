"""2 processes (torchrun, gloo on the CPU) train as 1 process on the same
global batch does."""
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch

from diffseg.engine.checkpoint_loader import load_from_local
from _helpers.configs import write_tiny_ldis1_config
from _helpers.paths import REPO_ROOT
from _helpers.tools import run_tool_in_process, tool_env

ITERS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_processes_match_one_on_the_same_global_batch(tmp_path):
    # SGD keeps the comparison tight: Adam would turn float noise in tiny
    # gradients into full-size steps. The tiny CLIP's post_layernorm gets
    # no gradient (its output is not used), hence find_unused_parameters.
    config = write_tiny_ldis1_config(
        str(tmp_path / 'tiny_ldis1.py'),
        train_dataloader=dict(batch_size=1, sampler=dict(
            type='InfiniteSampler', shuffle=True, seed=0)),
        train_cfg=dict(max_iters=ITERS),
        val_dataloader=None, val_cfg=None, val_evaluator=None,
        optim_wrapper=dict(optimizer=dict(_delete_=True, type='SGD', lr=0.5,
                                          momentum=0.9)),
        param_scheduler=[],
        find_unused_parameters=True,
        default_hooks=dict(checkpoint=dict(interval=1)))
    env = dict(tool_env(), PORT=str(free_port()),
               PATH=os.pathsep.join([osp.dirname(sys.executable),
                                     os.environ['PATH']]))
    log_path = tmp_path / 'two.log'
    with open(log_path, 'w') as log:
        two = subprocess.Popen(
            [osp.join('tools', 'dist_train.sh'), config, '2', '--work-dir',
             str(tmp_path / 'two')], cwd=REPO_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)
    try:
        # meanwhile: one process, both samples of each global batch
        run_tool_in_process(
            'train.py', config, '--work-dir', tmp_path / 'one',
            '--cfg-options', 'train_dataloader.batch_size=2',
            f'experiment_name=one_{tmp_path.name}')
        assert two.wait(timeout=240) == 0, log_path.read_text()[-4000:]
    finally:
        two.kill()
    assert 'Distributed training: True' in log_path.read_text()

    states = {}
    for it in range(1, ITERS + 1):
        name = f'iter_{it}.pth'
        one = load_from_local(tmp_path / 'one' / name)['state_dict']
        two_state = load_from_local(tmp_path / 'two' / name)['state_dict']
        assert one.keys() == two_state.keys()
        for key in one:  # about 1e-6 apart where training moved 0.1
            torch.testing.assert_close(two_state[key], one[key], rtol=1e-4,
                                       atol=1e-5, msg=key)
        states[it] = one
    unet = [k for k in states[1] if k.startswith('denoiser.')]
    moved = [k for k in unet
             if not torch.allclose(states[1][k], states[ITERS][k], atol=1e-3)]
    assert len(moved) > len(unet) // 2  # the iterations trained the UNet


@pytest.mark.parametrize('script,args,gpus,expected', [
    ('slurm_train.sh', ['cfg.py', '--work-dir', 'wd'], '16',
     '-p part --job-name=job --gres=gpu:8 --ntasks=16 --ntasks-per-node=8 '
     '--cpus-per-task=5 --kill-on-bad-exit=1 python -u tools/train.py '
     'cfg.py --launcher slurm --work-dir wd'),
    ('slurm_train.sh', ['cfg.py'], '0',  # CPU tasks
     '-p part --job-name=job --ntasks=8 --ntasks-per-node=8 '
     '--cpus-per-task=5 --kill-on-bad-exit=1 python -u tools/train.py '
     'cfg.py --launcher slurm'),
    ('slurm_test.sh', ['cfg.py', 'ckpt.pth', '--out', 'r.pkl'], '16',
     '-p part --job-name=job --gres=gpu:8 --ntasks=16 --ntasks-per-node=8 '
     '--cpus-per-task=5 --kill-on-bad-exit=1 python -u tools/test.py '
     'cfg.py ckpt.pth --launcher slurm --out r.pkl'),
])
def test_slurm_scripts_call_srun(tmp_path, script, args, gpus, expected):
    """A stand-in srun prints what the script passes it."""
    fake = tmp_path / 'srun'
    fake.write_text('#!/usr/bin/env bash\necho "$@"\n')
    fake.chmod(0o755)
    env = dict(os.environ, GPUS=gpus, GPUS_PER_NODE='8',
               PATH=os.pathsep.join([str(tmp_path), os.environ['PATH']]))
    assert os.access(osp.join(REPO_ROOT, 'tools', script), os.X_OK)
    proc = subprocess.run([osp.join('tools', script), 'part', 'job', *args],
                          cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, check=True)
    assert proc.stdout.split() == expected.split()
