"""Tiny networks and LDIS models for tests (random init, a few ms a
forward). The architectures are the configs' (configs/_base_/models/
ldis1_tiny32.py and maskdiffusion_tiny.py); the segmentor dicts keep the
components' defaults, so each test states the options it exercises."""
import copy

from .paths import repo_config

_LDIS1 = repo_config('_base_/models/ldis1_tiny32.py').model.to_dict()
_MASKDIFFUSION = repo_config(
    '_base_/models/maskdiffusion_tiny.py').model.to_dict()

TINY_VAE = _LDIS1['autoencoder']['config']
TINY_UNET = _LDIS1['denoiser']['config']
TINY_CLIP = _LDIS1['prompt_encoder']['vision_config']
TINY_CLIP_TEXT = _MASKDIFFUSION['text_encoder']['config']
TINY_SCHEDULER = dict(type='DDPMScheduler', num_train_timesteps=100,
                      beta_schedule='scaled_linear', beta_start=0.00085,
                      beta_end=0.012, clip_sample=False)


def tiny_maskdiffusion_cfg(**overrides) -> dict:
    """The MaskDiffusion model of maskdiffusion_tiny.py (64 px images)."""
    return dict(copy.deepcopy(_MASKDIFFUSION), **overrides)


def tiny_ldis1_cfg(**overrides) -> dict:
    """An OneStepLDIS config with random tiny components (32 px episodes)."""
    cfg = dict(
        type='OneStepLDIS',
        data_preprocessor=_LDIS1['data_preprocessor'],
        prompt_encoder=dict(type='CLIPPromptEncoder', vision_config=TINY_CLIP,
                            pre_masking='alpha', out_dim=16),
        autoencoder=dict(type='SDVAE', config=TINY_VAE),
        denoiser=dict(type='DiffusersUNet', config=TINY_UNET))
    cfg.update(overrides)
    return cfg


def tiny_ldisn_cfg(**overrides) -> dict:
    """A MultiStepLDIS config with random tiny components (32 px episodes)."""
    cfg = tiny_ldis1_cfg(
        type='MultiStepLDIS',
        denoiser=dict(type='DiffusersUNet', config=TINY_UNET, in_channels=8),
        noise_scheduler=TINY_SCHEDULER,
        sampler=dict(type='DiffusionSampler',
                     scheduler=dict(TINY_SCHEDULER, type='DDIMScheduler'),
                     num_inference_steps=3, seed=0))
    cfg.update(overrides)
    return cfg


def tiny_episode_batch(model, n: int = 2, num_prompts=1, img_size: int = 32,
                       training: bool = True) -> dict:
    """``n`` shapes episodes through ``model.data_preprocessor``."""
    from mmengine.dataset import pseudo_collate

    from diffseg.datasets import ShapesInContextDataset
    dataset = ShapesInContextDataset(
        num_episodes=n, img_size=img_size, num_prompts=num_prompts,
        pipeline=[dict(type='PackInContextInputs')])
    episodes = pseudo_collate([dataset[i] for i in range(n)])
    return model.data_preprocessor(episodes, training)
