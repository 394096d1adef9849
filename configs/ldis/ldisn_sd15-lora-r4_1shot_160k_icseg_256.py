# Tab. 7: LDIS-n with LoRA rank 4 (the widened conv_in still trains).
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
model = dict(denoiser=dict(lora=dict(rank=4)))
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
