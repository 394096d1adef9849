"""Tiny architectures for tests (random init, a few ms per forward)."""

TINY_VAE = dict(in_channels=3, out_channels=3, block_out_channels=(8, 16),
                down_block_types=('DownEncoderBlock2D', ) * 2,
                up_block_types=('UpDecoderBlock2D', ) * 2, latent_channels=4,
                layers_per_block=1, norm_num_groups=4,
                mid_block_add_attention=False, sample_size=32)
TINY_UNET = dict(sample_size=16, in_channels=4, out_channels=4,
                 layers_per_block=1, block_out_channels=(8, 16),
                 down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
                 up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'),
                 cross_attention_dim=16, attention_head_dim=4,
                 norm_num_groups=4)
TINY_CLIP = dict(hidden_size=16, intermediate_size=32, num_attention_heads=2,
                 num_hidden_layers=1, image_size=32, patch_size=8)


def tiny_ldis1_cfg(**overrides) -> dict:
    """An OneStepLDIS config with random tiny components (32 px episodes)."""
    cfg = dict(
        type='OneStepLDIS',
        data_preprocessor=dict(type='InContextDataPreProcessor',
                               size_divisor=8, prompt_size=(32, 32)),
        prompt_encoder=dict(type='CLIPPromptEncoder', vision_config=TINY_CLIP,
                            pre_masking='alpha', out_dim=16),
        autoencoder=dict(type='SDVAE', config=TINY_VAE),
        denoiser=dict(type='DiffusersUNet', config=TINY_UNET))
    cfg.update(overrides)
    return cfg


TINY_SCHEDULER = dict(type='DDPMScheduler', num_train_timesteps=100,
                      beta_schedule='scaled_linear', beta_start=0.00085,
                      beta_end=0.012, clip_sample=False)


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
