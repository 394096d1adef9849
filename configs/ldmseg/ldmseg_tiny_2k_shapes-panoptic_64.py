# LDMSeg at toy scale on generated shapes (CPU). Needs the tiny SD VAE of
# configs/vae/vae_tiny_300it_shapes_64.py and the tiny mask autoencoder of
# configs/ldmseg/ldmseg-mask-ae_tiny_2k_shapes-panoptic_64.py first.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_panoptic_64.py',
    '../_base_/models/ldmseg_tiny.py',
]
max_iters = 2000
warmup_iters = 100
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999),
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min_ratio=0.01),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    test_summary=dict(type='TestSummaryHook'))
