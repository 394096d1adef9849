# LDMSeg stage 1 at toy scale: the shallow mask autoencoder on generated
# shapes panoptic masks (5-bit ids), 1/4 resolution latent (16 x 16), dense
# losses. Exports <export_dir>/mask_autoencoder for the tiny LDMSeg config.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_panoptic_64.py',
]
export_dir = 'work_dirs/ldmseg-tiny'
model = dict(
    type='MaskAutoencoderPretrainer',
    autoencoder=dict(
        type='ShallowMaskAutoencoder',
        config=dict(
            in_channels=5,
            num_ids=32,
            block_out_channels=(32, 64, 64),
            mid_channels=64,
            latent_channels=4,
            decoder_channels=64,
            num_upscalers=2,
            norm_num_groups=8)),
    mask_codec=dict(type='BitCodec', num_bits=5),
    kl_weight=0.0,
    mask_weight=1.0,
    loss_points=None,
    postprocess=dict(mask_threshold=0.5, min_area=8, overlap_threshold=0.5))
max_iters = 2000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=3.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=max_iters,
         eta_min_ratio=0.05),
]
val_evaluator = [dict(type='PanopticQuality', class_agnostic=True,
                      prefix='reconstruction')]
test_evaluator = val_evaluator
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
custom_hooks = [dict(type='ExportPretrainedHook', out_dir=export_dir)]
