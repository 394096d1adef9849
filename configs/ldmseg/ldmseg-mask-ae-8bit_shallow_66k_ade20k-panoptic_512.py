# Stage 1 for the multi-task ADE20K model: the shallow mask autoencoder
# with 8-bit ids (256 logits), enough for the 150 classes of the semantic
# task (id = class + 1) as well as random panoptic ids.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/ade20k_panoptic_512.py',
    '../_base_/models/ldmseg_mask_ae_shallow.py',
    '../_base_/schedules/adamw_warmup_constant_66k.py',
]
export_dir = 'work_dirs/ldmseg-ade20k'
model = dict(
    autoencoder=dict(config=dict(in_channels=8, num_ids=256)),
    mask_codec=dict(num_bits=8))
# batch 16 on one GPU
train_dataloader = dict(batch_size=16)
val_evaluator = [dict(type='PanopticQuality', class_agnostic=True,
                      prefix='reconstruction')]
test_evaluator = val_evaluator
custom_hooks = [dict(type='ExportPretrainedHook', out_dir=export_dir)]
