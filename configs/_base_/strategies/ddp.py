# Data parallel (torch DistributedDataParallel) on mmengine's Runner: every
# process holds the whole model and a slice of each batch; gradients are
# averaged. Any config runs this way under tools/dist_train.sh or
# tools/slurm_train.sh; this file only spells out the knobs.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel',
    # True when some trainable parameters get no gradient in an iteration
    # (conditionally skipped branches); costs a graph traversal per step
    find_unused_parameters=False,
    broadcast_buffers=False)
