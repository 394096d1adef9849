# Tab. 5: neither pre- nor post-masking (a plain CLIP ViT-L/14).
# the ablation recipe: ldisn_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldisn_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
model = dict(prompt_encoder=dict(
    pretrained={{_base_.clip_path}}, pre_masking='none', post_masking=False))
