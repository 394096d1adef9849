# LDIS-1 as in the paper, trained with DeepSpeed ZeRO-2 and bf16 (mmengine
# FlexibleRunner). Needs `pip install deepspeed`; GPUs only.
# Train: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    './ldis1_sd15_1shot_160k_icseg_256.py',
    '../_base_/strategies/deepspeed.py',
]
optim_wrapper = dict(
    _delete_=True,
    type='DeepSpeedOptimWrapper',
    optimizer={{_base_.optim_wrapper.optimizer}})
