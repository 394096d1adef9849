# DeepSpeed ZeRO stage 2 (optimizer states and gradients sharded across the
# processes) with bf16, through mmengine's FlexibleRunner. Needs
# `pip install deepspeed` and CUDA. Precision and gradient clipping are set
# here, not in the optim wrapper, which must be DeepSpeed's
# (`optim_wrapper = dict(type='DeepSpeedOptimWrapper', optimizer=...)`);
# the micro batch per GPU is the train dataloader's batch_size.
runner_type = 'FlexibleRunner'
strategy = dict(
    type='DeepSpeedStrategy',
    bf16=dict(enabled=True),
    gradient_clipping=1.0,
    zero_optimization=dict(
        stage=2,
        overlap_comm=True,
        contiguous_gradients=True,
        reduce_bucket_size=50000000,
        allgather_bucket_size=50000000))
