# Fully sharded data parallel (torch FSDP, FULL_SHARD) through mmengine's
# FlexibleRunner: parameters, gradients and optimizer states are split
# across the processes. GPUs only (torch FSDP refuses the CPU). Launch with
# tools/dist_train.sh or tools/slurm_train.sh, one process per GPU.
runner_type = 'FlexibleRunner'
strategy = dict(
    type='FSDPStrategy',
    model_wrapper=dict(
        # one FSDP unit per submodule of >= 10M parameters (the UNet's
        # blocks, the CLIP encoder); the rest joins the root unit
        auto_wrap_policy=dict(
            type='torch.distributed.fsdp.wrap.size_based_auto_wrap_policy',
            min_num_params=10000000),
        # frozen (VAE, CLIP) and trained parameters may share a unit
        use_orig_params=True,
        sharding_strategy='FULL_SHARD'),
    # checkpoints gathered on rank 0 (offloaded to the CPU) into one file
    # that tools/test.py, tools/infer.py and init_model read as any other
    state_dict_cfg='full')
