# Stage 0 of the tiny path: train a small AutoencoderKL on the shapes images
# and pseudo masks, then export it as <export_dir>/vae (diffusers layout) for
# the tiny LDIS configs to load through `pretrained=`, as they would load
# Stable Diffusion's VAE.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_incontext_64.py',
]
export_dir = 'work_dirs/tiny-sd'
model = dict(
    type='VAEPretrainer',
    autoencoder=dict(
        type='SDVAE',
        config=dict(
            in_channels=3,
            out_channels=3,
            block_out_channels=(16, 32, 64),
            down_block_types=('DownEncoderBlock2D', ) * 3,
            up_block_types=('UpDecoderBlock2D', ) * 3,
            latent_channels=4,
            layers_per_block=1,
            norm_num_groups=8,
            mid_block_add_attention=False,
            sample_size=64)),
    mask_codec=dict(type='PseudoMaskCodec', mode='vanilla'),
    kl_weight=1e-6)
max_iters = 300
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.0),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.05, by_epoch=False, begin=0,
         end=30),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=30, end=max_iters,
         eta_min_ratio=0.05),
]
train_dataloader = dict(batch_size=8)
val_dataloader = dict(dataset=dict(num_episodes=200))
test_dataloader = val_dataloader
val_evaluator = [dict(type='InContextIoU', prefix='mask_reconstruction')]
test_evaluator = val_evaluator
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=25, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    test_summary=dict(type='TestSummaryHook'))
custom_hooks = [dict(type='ExportPretrainedHook', out_dir=export_dir)]
