# LDIS-1 (the ldis1_sd15_1shot_160k_icseg_256 recipe, trained on the combined
# in-context set) tested on COCO val2014, all 80 classes, one fixed episode
# per image: the COCO column of the paper's Table 3.
# Test: python tools/test.py THIS_CONFIG CHECKPOINT
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
