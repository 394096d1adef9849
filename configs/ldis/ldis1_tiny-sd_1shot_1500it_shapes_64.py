# LDIS-1 at toy scale initialised from the tiny prior (`make prior`), as the
# sd15 configs initialise from Stable Diffusion: the prior's UNet and VAE
# from work_dirs/tiny-sd; the prompt encoder starts at random (the prior has
# no image encoder). ldis1_tiny-sd-random_* is its control.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_incontext_64.py',
    '../_base_/models/ldis1_tiny.py',
    '../_base_/schedules/adamw_cosine_1500it.py',
]
model = dict(denoiser=dict(config=None, pretrained={{_base_.tiny_sd}}))
