# LDIS-1 (the ldis1_sd15_1shot_160k_icseg_256 recipe, trained on the combined
# in-context set) tested on VSPW val: each frame prompted by the first frame
# of its video once per class shown there, labels fused by Eq. 7, mIoU and
# fwIoU overall and per video.
# Test: python tools/test.py THIS_CONFIG CHECKPOINT
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/vspw_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
