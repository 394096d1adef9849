# LDMSeg at toy scale: the tiny SD VAE of configs/vae/
# vae_tiny_300it_shapes_64.py encodes the image, the tiny mask autoencoder of
# configs/ldmseg/ldmseg-mask-ae_tiny_2k_shapes-panoptic_64.py the
# panoptic mask (16 x 16 latents), a two-level UNet without cross-attention
# denoises [noisy mask latent, image latent, self-conditioning estimate].
tiny_sd = 'work_dirs/tiny-sd'
ldmseg_tiny = 'work_dirs/ldmseg-tiny'
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
    image_encoder=dict(type='SDVAEImageEncoder', pretrained=tiny_sd),
    mask_autoencoder=dict(type='ShallowMaskAutoencoder',
                          pretrained=ldmseg_tiny),
    mask_codec=dict(type='BitCodec', num_bits=5),
    denoiser=dict(
        type='DiffusersUNet',
        config=dict(
            sample_size=16,
            in_channels=12,
            out_channels=4,
            layers_per_block=1,
            block_out_channels=(32, 64),
            down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'),
            cross_attention_dim=64,
            attention_head_dim=8,
            norm_num_groups=8)),
    noise_scheduler=train_scheduler,
    sampler=dict(
        type='DiffusionSampler',
        scheduler=dict(train_scheduler, type='DDIMScheduler',
                       timestep_spacing='trailing', set_alpha_to_one=False),
        num_inference_steps=50,
        guidance=dict(type='ConditionalOnly'),
        seed=0),
    tasks=('panoptic', ),
    task_embeddings=None,
    self_condition=True,
    self_condition_prob=0.5,
    snr_gamma=2.0,
    postprocess=dict(mask_threshold=0.5, min_area=8, overlap_threshold=0.5))
