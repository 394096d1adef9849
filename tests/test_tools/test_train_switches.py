"""The precision, memory and averaging switches of training, on the CPU."""
import os.path as osp

import torch
from mmengine.config import Config

from diffseg.engine.checkpoint_loader import load_from_local
from _helpers.configs import write_tiny_ldis1_config
from _helpers.paths import DEMO_CONFIG, REPO_ROOT
from _helpers.tools import run_tool_in_process

SWITCHES = osp.join(REPO_ROOT, 'configs', 'ldis',
                    'ldis1-ema-gc-bf16_tiny_1shot_1500it_shapes_64.py')
NO_VAL = dict(val_dataloader=None, val_cfg=None, val_evaluator=None)


def dumped_config(work_dir, config) -> Config:
    """The config as the runner used it (mmengine writes it to work_dir)."""
    return Config.fromfile(osp.join(work_dir, osp.basename(config)))


def test_ema_checkpointing_bf16_config_trains_and_resumes(tmp_path):
    switches = Config.fromfile(SWITCHES)
    assert switches.model.denoiser.gradient_checkpointing is True
    assert switches.custom_hooks[0].type == 'EMAHook'
    momentum = 0.25
    config = write_tiny_ldis1_config(  # the tiny UNet replaces the demo's
        str(tmp_path / 'switches.py'), base=SWITCHES,
        model=dict(denoiser=dict(gradient_checkpointing=True)),
        train_cfg=dict(max_iters=3),
        custom_hooks=[dict(type='EMAHook', momentum=momentum)],
        default_hooks=dict(checkpoint=dict(interval=1)), **NO_VAL)
    work_dir = tmp_path / 'work_dir'
    run_tool_in_process('train.py', config, '--work-dir', work_dir,
                        '--cfg-options', 'train_cfg.max_iters=2',
                        f'experiment_name=switches_{tmp_path.name}')
    used = dumped_config(work_dir, config)
    assert used.optim_wrapper.type == 'BF16OptimWrapper'
    assert used.model.denoiser.gradient_checkpointing is True

    # checkpoints hold the average in state_dict, the raw weights in
    # ema_state_dict; mmengine's EMA starts at the first weights, then
    # ema <- (1 - m) ema + m w
    ckpts = [load_from_local(work_dir / f'iter_{it}.pth') for it in (1, 2)]
    raw = [{k[len('module.'):]: v for k, v in c['ema_state_dict'].items()
            if k.startswith('module.')} for c in ckpts]
    ema = [c['state_dict'] for c in ckpts]
    unet = [k for k in ema[1] if k.startswith('denoiser.')]
    changed = [k for k in unet if not torch.equal(raw[0][k], raw[1][k])]
    assert len(changed) > len(unet) // 2
    for key in unet:
        torch.testing.assert_close(ema[0][key], raw[0][key])
        torch.testing.assert_close(
            ema[1][key], (1 - momentum) * raw[0][key] + momentum * raw[1][key])

    run_tool_in_process('train.py', config, '--work-dir', work_dir,
                        '--resume', '--cfg-options',
                        f'experiment_name=resumed_{tmp_path.name}')
    third = load_from_local(work_dir / 'iter_3.pth')
    assert third['meta']['iter'] == 3 and 'ema_state_dict' in third


def test_amp_flag_on_the_cpu_is_bf16(tmp_path):
    config = write_tiny_ldis1_config(
        str(tmp_path / 'tiny.py'), base=DEMO_CONFIG,
        train_cfg=dict(max_iters=1), **NO_VAL)
    run_tool_in_process('train.py', config, '--work-dir', tmp_path / 'wd',
                        '--amp', '--cfg-options',
                        f'experiment_name=amp_{tmp_path.name}')
    used = dumped_config(tmp_path / 'wd', config)
    assert used.optim_wrapper.type == 'BF16OptimWrapper'
    assert (tmp_path / 'wd' / 'iter_1.pth').exists()
