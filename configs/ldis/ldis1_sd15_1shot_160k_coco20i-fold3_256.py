# Tab. 8: LDIS-1 (the ldis1_sd15_1shot_160k_icseg_256 recipe) trained and
# tested on COCO-20i fold 3, 1 prompt.
# Train: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco20i_fold3_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
