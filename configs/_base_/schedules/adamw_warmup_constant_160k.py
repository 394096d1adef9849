# The LDIS schedule: AdamW (lr 1e-5, wd 0.01), linear warm-up over 10k
# iterations then constant, 160k iterations, bf16 mixed precision (GPU).
max_iters = 160000
optim_wrapper = dict(
    type='AmpOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1e-5, betas=(0.9, 0.999),
                   weight_decay=0.01, eps=1e-8))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0,
         end=10000),
    dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=10000,
         end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=5000)
val_cfg = dict(type='ValLoop')
# test_cfg comes with the in-context dataset (the swapped-prompt control)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=10000,
                    max_keep_ckpts=3, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='InContextVisualizationHook'),
    test_summary=dict(type='TestSummaryHook', unit='episodes'))
