# Tab. 5: post-masking only (the prompt image enters CLIP unmasked).
_base_ = ['./ldisn_sd15_1shot_160k_icseg_256.py']
model = dict(prompt_encoder=dict(pre_masking='none'))
