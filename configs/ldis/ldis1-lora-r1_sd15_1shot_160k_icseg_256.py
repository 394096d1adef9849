# Tab. 7: LoRA rank 1 on the UNet attention (to_q/k/v/out); only LoRA and the
# prompt projection train, checkpoints hold just those weights.
# the ablation recipe: ldis1_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
model = dict(denoiser=dict(lora=dict(rank=1)))
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
