# The demo (LDIS-1 at toy scale on generated shapes) with the memory and
# stability switches on, all of which run on the CPU: gradient checkpointing
# of the UNet, bf16 autocast (BF16OptimWrapper, no loss scaling) and an
# exponential moving average of the weights (mmengine EMAHook).
_base_ = ['./ldis1_tiny_1shot_1500it_shapes_64.py']
model = dict(denoiser=dict(gradient_checkpointing=True))
optim_wrapper = dict(type='BF16OptimWrapper')
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=1e-3,
         update_buffers=True)
]
