# LDMSeg stage 1 on COCO panoptic (the reference setting); the
# reconstruction PQ of the gt masks is the validation metric. Exports
# <export_dir>/mask_autoencoder for configs/ldmseg/ldmseg_sd14_*coco*.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_panoptic_512.py',
    '../_base_/models/ldmseg_mask_ae_shallow.py',
    '../_base_/schedules/adamw_warmup_constant_66k.py',
]
export_dir = 'work_dirs/ldmseg-coco'
# batch 16 on one GPU
train_dataloader = dict(batch_size=16)
val_evaluator = [dict(type='PanopticQuality', class_agnostic=True,
                      prefix='reconstruction')]
test_evaluator = val_evaluator
custom_hooks = [dict(type='ExportPretrainedHook', out_dir=export_dir)]
