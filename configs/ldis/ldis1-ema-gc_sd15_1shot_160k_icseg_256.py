# LDIS-1 as in the paper with the memory and stability switches on:
# gradient checkpointing of the UNet (activations recomputed in the
# backward pass), bf16 autocast without loss scaling, and an exponential
# moving average of the weights (mmengine EMAHook; checkpoints hold the
# averaged weights in `state_dict`, the raw ones in `ema_state_dict`).
# Train: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = ['./ldis1_sd15_1shot_160k_icseg_256.py']
model = dict(denoiser=dict(gradient_checkpointing=True))
optim_wrapper = dict(
    _delete_=True,
    type='BF16OptimWrapper',
    optimizer={{_base_.optim_wrapper.optimizer}})
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=1e-4,
         update_buffers=True)
]
