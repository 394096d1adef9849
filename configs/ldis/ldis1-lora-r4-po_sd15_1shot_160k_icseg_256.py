# Tab. 7: LoRA rank 4 with pixel-space optimisation ("PO", Eq. 5): the loss is
# taken after the frozen VAE decoder.
# the ablation recipe: ldis1_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
model = dict(denoiser=dict(lora=dict(rank=4)), loss_space='pixel')
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
