# Tab. 5: pre-masking only (every prompt token is attended).
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
model = dict(prompt_encoder=dict(post_masking=False))
