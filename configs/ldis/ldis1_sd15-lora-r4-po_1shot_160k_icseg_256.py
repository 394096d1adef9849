# Tab. 7: LoRA rank 4 with pixel-space optimisation ("PO", Eq. 5): the loss is
# taken after the frozen VAE decoder.
_base_ = ['./ldis1_sd15_1shot_160k_coco-ablation_256.py']
model = dict(denoiser=dict(lora=dict(rank=4)), loss_space='pixel')
custom_hooks = [dict(type='TrainableWeightsCheckpointHook')]
