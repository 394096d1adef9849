# LDMSeg (arXiv 2401.10227) at full size, as the reference code: the frozen
# SD v1.4 VAE encodes the image, the shallow mask autoencoder (stage 1,
# exported to mask_ae_path) the panoptic mask (7-bit ids, 64 x 64 x 4
# latents), the SD v1.4 UNet with conv_in widened to 12 channels (noisy
# latent: SD weights; image latent and self-conditioning: zero) and its
# cross-attention removed denoises; epsilon prediction with Min-SNR-2
# weighting on the SD schedule; 50 DDPM steps with trailing spacing (the
# paper's best setting; the reference code samples with DDIM).
sd_path = 'checkpoints/stable-diffusion-v1-4'
mask_ae_path = 'work_dirs/ldmseg-coco'
train_scheduler = dict(
    type='DDPMScheduler',
    num_train_timesteps=1000,
    beta_schedule='scaled_linear',
    beta_start=0.00085,
    beta_end=0.012,
    clip_sample=False,
    prediction_type='epsilon')
model = dict(
    type='LDMSeg',
    image_encoder=dict(type='SDVAEImageEncoder', pretrained=sd_path,
                       scaling_factor=0.18215),
    mask_autoencoder=dict(type='ShallowMaskAutoencoder',
                          pretrained=mask_ae_path),
    mask_codec=dict(type='BitCodec', num_bits=7),
    denoiser=dict(type='DiffusersUNet', pretrained=sd_path, in_channels=12,
                  copy_conv_in_bias=True, gradient_checkpointing=True),
    noise_scheduler=train_scheduler,
    sampler=dict(
        type='DiffusionSampler',
        # DDIM (the reference code): type='DDIMScheduler',
        # set_alpha_to_one=False
        scheduler=dict(train_scheduler, type='DDPMScheduler',
                       timestep_spacing='trailing'),
        num_inference_steps=50,
        guidance=dict(type='ConditionalOnly'),
        seed=42),
    tasks=('panoptic', ),
    task_embeddings=None,
    self_condition=True,
    self_condition_prob=0.5,
    snr_gamma=2.0,
    postprocess=dict(mask_threshold=0.5, min_area=512, overlap_threshold=0.5))
