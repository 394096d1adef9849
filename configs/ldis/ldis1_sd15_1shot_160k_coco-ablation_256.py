# LDIS-1 (the ldis1_sd15_1shot_160k_icseg_256 recipe: full fine-tuning,
# latent loss) tested on the ablation episodes of the paper's Tables 4-7
# (COCO, fixed prompt-query pairs, _base_/datasets/coco_ablation_256.py);
# the ablation configs list the same bases and change only what their
# row ablates.
# Test: python tools/test.py THIS_CONFIG CHECKPOINT
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
