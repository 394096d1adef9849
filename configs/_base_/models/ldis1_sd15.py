# LDIS-1 (arXiv 2403.09616) at full size: Stable Diffusion 1.5 VAE and UNet,
# a frozen CLIP ViT-L/14 (Alpha-CLIP pre-masking) on 224 px prompts, one
# shared projection 1024 -> 768 into the UNet's cross-attention.
# Local directories, diffusers / transformers layout (nothing downloads):
sd_path = 'checkpoints/stable-diffusion-v1-5'  # holds vae/ and unet/
clip_path = 'checkpoints/clip-vit-large-patch14'  # CLIP (vision) model
model = dict(
    type='OneStepLDIS',
    data_preprocessor=dict(type='InContextDataPreProcessor', size_divisor=8,
                           prompt_size=(224, 224)),
    prompt_encoder=dict(
        type='CLIPPromptEncoder',
        pretrained=clip_path,
        pre_masking='alpha',
        post_masking=True,
        post_mask_mode='nearest',
        out_dim=768,
        freeze=True),
    autoencoder=dict(type='SDVAE', pretrained=sd_path),
    denoiser=dict(type='DiffusersUNet', pretrained=sd_path,
                  gradient_checkpointing=False),
    mask_codec=dict(type='PseudoMaskCodec', mode='vanilla'),
    sampler=dict(type='OneStepSampler'),
    loss_space='latent',
    input_timestep=0)
