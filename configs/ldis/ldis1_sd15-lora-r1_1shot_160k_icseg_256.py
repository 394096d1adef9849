# Tab. 7: LoRA rank 1 on the UNet attention (to_q/k/v/out); only LoRA and the
# prompt projection train, checkpoints hold just those weights.
_base_ = ['./ldis1_sd15_1shot_160k_coco-ablation_256.py']
model = dict(denoiser=dict(lora=dict(rank=1)))
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
