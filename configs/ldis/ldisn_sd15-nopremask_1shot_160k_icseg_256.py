# Tab. 5: post-masking only (the prompt image enters a plain CLIP ViT-L/14
# unmasked).
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
model = dict(prompt_encoder=dict(
    pretrained={{_base_.clip_path}}, pre_masking='none'))
