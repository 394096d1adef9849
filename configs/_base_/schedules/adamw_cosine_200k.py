# The LDMSeg reference schedule: AdamW (lr 1e-4, weight decay 0.05, none on
# norms), gradient clipping at 1, 200 warm-up iterations then cosine decay
# to 1e-6 over 200k iterations (batch 256 = 8 GPUs x 32), EMA of the
# weights (decay 0.9999, the paper's best setting). The UNet's time
# embedding stays frozen. fp16 mixed precision (GPU), as the reference.
max_iters = 200000
optim_wrapper = dict(
    type='AmpOptimWrapper',
    dtype='float16',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        custom_keys={
            'denoiser.unet.time_embedding': dict(lr_mult=0.0, decay_mult=0.0)
        }),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=200),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=200, end=max_iters,
         eta_min=1e-6),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=10000,
                    max_keep_ckpts=2, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    test_summary=dict(type='TestSummaryHook'))
custom_hooks = [dict(type='EMAHook', momentum=1e-4, priority='ABOVE_NORMAL')]
