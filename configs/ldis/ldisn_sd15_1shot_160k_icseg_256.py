# LDIS-n as trained in the paper: SD 1.5 + CLIP ViT-L/14, 256 px, 1 prompt,
# full fine-tuning, epsilon loss with CFG dropout, 20 DDPM steps with dual
# guidance at test time. Train: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/icseg_256.py',
    '../_base_/models/ldisn_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
