# The multi-task LDMSeg at toy scale: one UNet, three tasks selected by a
# learnable task token through cross-attention (kept here): panoptic
# (random ids), semantic (class + 1, same mask autoencoder) and relative
# depth (folded into the latent grid). Each training sample draws one task.
# 1000 iterations: a third of the panoptic model's samples per task.
_base_ = ['./ldmseg_tiny_2k_shapes-panoptic_64.py']
model = dict(
    tasks=('panoptic', 'semantic', 'depth'),
    task_embeddings=dict(_delete_=True, num_tokens=1),
    num_classes=8)
max_iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100, end=max_iters,
         eta_min_ratio=0.01),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
val_evaluator = [
    dict(type='PanopticQuality', class_agnostic=True),
    dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'], ignore_index=255),
    dict(type='RelativeDepthMetric'),
]
test_evaluator = val_evaluator
