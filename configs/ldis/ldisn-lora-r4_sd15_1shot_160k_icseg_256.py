# Tab. 7: LDIS-n with LoRA rank 4 (the widened conv_in still trains).
# the ablation recipe: ldisn_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldisn_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
model = dict(denoiser=dict(lora=dict(rank=4)))
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
