# AdamW (lr 1e-3) with 100 iterations of linear warm-up, then cosine decay to
# 1% over 1500 iterations; validation and checkpoints every 500.
max_iters = 1500
warmup_iters = 100
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999),
                   weight_decay=0.01),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min_ratio=0.01),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=500)
val_cfg = dict(type='ValLoop')
# test_cfg comes with the in-context dataset (the swapped-prompt control)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=500,
                    max_keep_ckpts=1, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='InContextVisualizationHook'),
    test_summary=dict(type='TestSummaryHook', unit='episodes'))
