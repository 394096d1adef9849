"""A run killed with SIGKILL and resumed ends where an uninterrupted one does.

The tiny LDIS-n config draws noise, timesteps and guidance dropout every
iteration, and its learning rate warms up, so equality needs the weights,
the optimizer and scheduler states, the data order and the random draws all
to continue exactly.
"""
import os.path as osp
import re
import signal
import time

import torch

from diffseg.engine.checkpoint_loader import load_from_local
from _helpers.coco_fixture import AUGMENT_32, write_coco_tree
from _helpers.configs import write_tiny_ldis1_config
from _helpers.paths import REPO_ROOT
from _helpers.tiny_models import TINY_UNET
from _helpers.tools import run_tool, run_tool_in_process, start_tool

LDISN_TINY = osp.join(REPO_ROOT, 'configs', 'ldis',
                      'ldisn_tiny_1shot_1500it_shapes_64.py')
MAX_ITERS = 8


def write_config(path: str, **overrides) -> str:
    return write_tiny_ldis1_config(
        path, base=LDISN_TINY,
        model=dict(denoiser=dict(_delete_=True, type='DiffusersUNet',
                                 config=TINY_UNET, in_channels=8)),
        train_cfg=dict(max_iters=MAX_ITERS),
        val_dataloader=None, val_cfg=None, val_evaluator=None,
        optim_wrapper=dict(optimizer=dict(lr=1e-2)),
        param_scheduler=[dict(type='LinearLR', start_factor=0.1,
                              by_epoch=False, begin=0, end=MAX_ITERS)],
        default_hooks=dict(checkpoint=dict(interval=2)), **overrides)


def recorded(work_dir) -> str:
    """The checkpoint ``work_dir/last_checkpoint`` names, or ''."""
    record = work_dir / 'last_checkpoint'
    return record.read_text().strip() if record.is_file() else ''


def kill_after_first_checkpoint(proc, work_dir, timeout: float = 120) -> str:
    """SIGKILL ``proc`` as soon as it records a checkpoint; return it."""
    deadline = time.monotonic() + timeout
    while not recorded(work_dir):
        assert proc.poll() is None, f'training exited with {proc.returncode}'
        assert time.monotonic() < deadline, 'no checkpoint in time'
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    return recorded(work_dir)


def state_dict(path) -> dict:
    return load_from_local(path)['state_dict']


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    config = write_config(str(tmp_path / 'tiny_ldisn.py'))
    killed_dir, reference_dir = tmp_path / 'killed', tmp_path / 'reference'
    # the run to kill would not stop by itself
    killed = start_tool('train.py', config, '--work-dir', killed_dir,
                        '--cfg-options', 'train_cfg.max_iters=1000000',
                        log_path=str(tmp_path / 'killed.log'))
    try:
        run_tool_in_process('train.py', config, '--work-dir', reference_dir,
                            '--cfg-options',
                            f'experiment_name=reference_{tmp_path.name}')
        ckpt = kill_after_first_checkpoint(killed, killed_dir)
    finally:
        killed.kill()
    done = int(re.search(r'iter_(\d+)\.pth$', ckpt).group(1))
    assert done < MAX_ITERS
    # a checkpoint half-written at the kill is not the one resumed
    (killed_dir / f'iter_{done + 2}.pth').write_bytes(b'\x80\x02cut')
    resumed = run_tool('train.py', config, '--work-dir', killed_dir,
                       '--resume').stdout
    assert f'resumed epoch: 0, iter: {done}' in resumed
    assert f'Iter(train) [{done}/{MAX_ITERS}]' not in resumed
    assert f'Iter(train) [{done + 1}/{MAX_ITERS}]' in resumed

    final = f'iter_{MAX_ITERS}.pth'
    got = state_dict(killed_dir / final)
    want = state_dict(reference_dir / final)
    start = state_dict(killed_dir / f'iter_{done}.pth')
    assert got.keys() == want.keys()
    unet = [k for k in want if k.startswith('denoiser.')]
    moved = [k for k in unet if not torch.equal(want[k], start[k])]
    assert len(moved) > 0.9 * len(unet)  # the resumed iterations trained
    for key in want:
        assert torch.equal(got[key], want[key]), key


def test_resume_on_coco_draws_the_episodes_of_an_uninterrupted_run(tmp_path):
    """The file-backed datasets draw a fresh class, prompts and augmentation
    at every visit; after a stop at iteration 4 and ``--resume`` the run
    ends with the weights of one that was not stopped (in this process: the
    kill itself is covered above)."""
    root = write_coco_tree(str(tmp_path / 'coco'))
    dataset = dict(_delete_=True, type='COCOInContextDataset', data_root=root,
                   ann_file='annotations/instances_train2014.json',
                   img_dir='train2014',
                   pipeline=[dict(type='EpisodeAugmentation',
                                  transforms=AUGMENT_32),
                             dict(type='PackInContextInputs')])
    config = write_config(str(tmp_path / 'tiny_ldisn_coco.py'),
                          train_dataloader=dict(dataset=dataset))
    runs = {}
    for name, args in (('reference', ()),
                       ('stopped', ('train_cfg.max_iters=4', )),
                       ('stopped', ('--resume', ))):
        work_dir = tmp_path / name
        options = [a for a in args if a != '--resume']
        run_tool_in_process(
            'train.py', config, '--work-dir', work_dir, *args[len(options):],
            '--cfg-options', f'experiment_name={name}_{len(runs)}_'
            f'{tmp_path.name}', *options)
        runs[name] = work_dir
    final = f'iter_{MAX_ITERS}.pth'
    got = state_dict(runs['stopped'] / final)
    want = state_dict(runs['reference'] / final)
    start = state_dict(runs['stopped'] / 'iter_4.pth')
    assert any(not torch.equal(want[k], start[k]) for k in want)
    for key in want:
        assert torch.equal(got[key], want[key]), key
