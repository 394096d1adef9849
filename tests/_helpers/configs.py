"""Config files of the tiny LDIS-1 for end-to-end tests of the tools."""
import copy
import os.path as osp
import pprint

from .paths import DEMO_CONFIG
from .tiny_models import TINY_CLIP, TINY_UNET, TINY_VAE


def _dataloader(split: str, num_episodes: int) -> dict:
    return dict(batch_size=2, num_workers=0, persistent_workers=False,
                dataset=dict(split=split, num_episodes=num_episodes,
                             img_size=32))


def tiny_ldis1_overrides() -> dict:
    """Top-level config keys that shrink an LDIS config to the 32 px
    networks of configs/_base_/models/ldis1_tiny32.py (nothing to train
    first), a few episodes and iterations."""
    return dict(
        model=dict(
            data_preprocessor=dict(prompt_size=(32, 32)),
            prompt_encoder=dict(vision_config=dict(_delete_=True, **TINY_CLIP),
                                out_dim=16),
            autoencoder=dict(_delete_=True, type='SDVAE', config=TINY_VAE),
            denoiser=dict(_delete_=True, type='DiffusersUNet',
                          config=TINY_UNET)),
        train_dataloader=_dataloader('train', 16),
        val_dataloader=_dataloader('val', 4),
        test_dataloader=_dataloader('val', 4),
        train_cfg=dict(max_iters=4, val_interval=4),
        default_hooks=dict(
            logger=dict(interval=1),
            checkpoint=dict(interval=2, max_keep_ckpts=-1)))


def _merge(base: dict, override: dict) -> dict:
    """Recursive dict merge; an override with ``_delete_=True`` replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if (isinstance(value, dict) and isinstance(out.get(key), dict)
                and not value.get('_delete_', False)):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def write_tiny_ldis1_config(path: str, base: str = DEMO_CONFIG,
                            **overrides) -> str:
    """Write a config inheriting ``base`` made tiny, and return its path.

    Args:
        path: the ``.py`` file to write.
        base: config to inherit (default: the LDIS-1 demo config).
        **overrides: top-level config keys merged over
            :func:`tiny_ldis1_overrides` (a dict with ``_delete_=True``
            replaces instead of merging), e.g.
            ``train_cfg=dict(max_iters=2)``.

    The file holds literal values only (mmengine configs must not import).
    """
    cfg = _merge(tiny_ldis1_overrides(), overrides)
    lines = [f'_base_ = [{osp.abspath(base)!r}]']
    lines += [f'{key} = {pprint.pformat(value, sort_dicts=False)}'
              for key, value in cfg.items()]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def write_tiny_ldis1_checkpoint(folder: str, seed: int = 0) -> tuple:
    """A tiny LDIS-1 config in ``folder`` and a checkpoint of its model,
    initialised from ``seed`` (nothing trained): -> (config, checkpoint)."""
    import torch

    from diffseg.apis import init_model
    config = write_tiny_ldis1_config(osp.join(folder, 'tiny.py'))
    torch.manual_seed(seed)
    checkpoint = osp.join(folder, 'tiny.pth')
    torch.save(dict(state_dict=init_model(config).state_dict(), meta={}),
               checkpoint)
    return config, checkpoint
