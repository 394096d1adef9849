# Tab. 5: neither pre- nor post-masking.
_base_ = ['./ldisn_sd15_1shot_160k_icseg_256.py']
model = dict(prompt_encoder=dict(pre_masking='none', post_masking=False))
