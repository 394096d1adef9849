# The control of maskdiffusion-spectral_tiny-sd_captioned-shapes_64.py: the
# UNet and the text encoder at random initialisation (same architectures,
# seeded), the trained VAE kept.
_base_ = ['./maskdiffusion-spectral_tiny-sd_captioned-shapes_64.py']
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
