# LDIS-1 as in the paper, trained with FSDP (mmengine FlexibleRunner): the
# UNet's weights, gradients and AdamW states are sharded over the GPUs;
# bf16 autocast without loss scaling. GPUs only.
# Train: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    './ldis1_sd15_1shot_160k_icseg_256.py',
    '../_base_/strategies/fsdp.py',
]
optim_wrapper = dict(
    _delete_=True,
    type='BF16OptimWrapper',
    optimizer={{_base_.optim_wrapper.optimizer}})
