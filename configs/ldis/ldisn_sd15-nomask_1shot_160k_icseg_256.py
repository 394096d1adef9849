# Tab. 5: neither pre- nor post-masking (a plain CLIP ViT-L/14).
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
model = dict(prompt_encoder=dict(
    pretrained={{_base_.clip_path}}, pre_masking='none', post_masking=False))
