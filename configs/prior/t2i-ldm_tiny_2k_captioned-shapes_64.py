# The tiny prior: a text-to-image LDM trained on captioned shapes images and
# exported to work_dirs/tiny-sd in the StableDiffusionPipeline layout, beside
# the VAE of configs/vae/vae_tiny_300it_shapes_64.py (train that first;
# `make prior` runs both). 2000 iterations of 32 images.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/captioned_shapes_64.py',
    '../_base_/models/t2i-ldm_tiny.py',
]
max_iters = 2000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999),
                   weight_decay=0.01),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100,
         end=max_iters, eta_min_ratio=0.1),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
val_cfg = None
val_dataloader = None
test_cfg = None
test_dataloader = None
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=500,
                    max_keep_ckpts=1, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'))
custom_hooks = [
    dict(type='ExportPretrainedHook', out_dir={{_base_.tiny_sd}}),
    dict(
        type='TextToImageSampleHook',
        captions=[
            'red circle and background', 'yellow square and background',
            'green triangle and background', 'cyan ring and background',
            'blue cross and background', 'magenta ellipse and background',
            'orange diamond and background', 'teal hexagon and background',
            'violet star and background',
            'blue cross and red circle and background',
            'background and green triangle and violet star',
            'teal hexagon and yellow square and magenta ellipse and '
            'background', ''
        ],
        per_caption=6)
]
