# LDIS-n at toy scale initialised from the tiny prior (`make prior`), as the
# sd15 configs initialise from Stable Diffusion: the prior's UNet with
# conv_in widened to 8 channels (the new query-latent channels start at
# zero) and its VAE. ldisn_tiny-sd-random_* is its control.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_incontext_64.py',
    '../_base_/models/ldisn_tiny.py',
    '../_base_/schedules/adamw_cosine_1500it.py',
]
model = dict(denoiser=dict(config=None, pretrained={{_base_.tiny_sd}}))
