# Open-vocabulary MaskDiffusion on the tiny prior (`make prior` first): the
# ten class names of the captioned shapes world ('background' and the nine
# shapes) segment its held-apart val images; no training, no checkpoint.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/captioned_shapes_64.py',
    '../_base_/models/maskdiffusion_tiny-sd.py',
]
train_dataloader = None
model = dict(class_names={{_base_.class_names}})
test_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'])
