# Tab. 7: LoRA rank 4.
_base_ = ['./ldis1_sd15_1shot_160k_coco-ablation_256.py']
model = dict(denoiser=dict(lora=dict(rank=4)))
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
