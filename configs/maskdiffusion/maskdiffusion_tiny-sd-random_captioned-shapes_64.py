# The control of maskdiffusion_tiny-sd_captioned-shapes_64.py: the same
# config with the UNet and the text encoder of the tiny prior at random
# initialisation (the same architectures, seeded); the VAE stays the trained
# one, so only what the diffusion prior learnt is taken away.
_base_ = ['./maskdiffusion_tiny-sd_captioned-shapes_64.py']
model = dict(
    denoiser=dict(
        _delete_=True, type='DiffusersUNet',
        config={{_base_.tiny_sd_unet}}),
    text_encoder=dict(
        _delete_=True,
        type='CLIPTextEncoder',
        config={{_base_.tiny_sd_text_encoder}},
        prefix='',
        separator=' and '))
