# A tiny Stable Diffusion: the VAE trained by configs/vae/ (64 px ->
# 16x16x4), a 2-layer CLIP text transformer trained jointly with the real
# CLIP vocabulary, and a two-level UNet with cross-attention at both latent
# resolutions (16x16 and 8x8) and in the middle block, where MaskDiffusion
# reads its attention maps.
_base_ = ['./tiny-sd.py']
model = dict(
    type='TextToImageLDM',
    autoencoder=dict(type='SDVAE', pretrained={{_base_.tiny_sd}}),
    text_encoder=dict(
        type='CLIPTextEncoder',
        freeze=False,
        config={{_base_.tiny_sd_text_encoder}}),
    denoiser=dict(type='DiffusersUNet', config={{_base_.tiny_sd_unet}}),
    noise_scheduler={{_base_.tiny_sd_noise_scheduler}},
    caption_dropout=0.1,
    generation=dict(
        scheduler=dict(type='DDIMScheduler'),
        num_inference_steps=25,
        guidance_scale=4.0))
