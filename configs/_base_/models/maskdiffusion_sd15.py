# MaskDiffusion (arXiv 2403.11194) on Stable Diffusion 1.5, training-free.
# Local directory in diffusers layout (vae/, unet/, text_encoder/,
# tokenizer/); nothing downloads.
sd_path = 'checkpoints/stable-diffusion-v1-5'
model = dict(
    type='MaskDiffusion',
    # mmseg's preprocessor: BGR -> RGB, [0, 255] -> [-1, 1]
    data_preprocessor=dict(
        type='mmseg.SegDataPreProcessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    autoencoder=dict(type='SDVAE', pretrained=sd_path),
    denoiser=dict(type='DiffusersUNet', pretrained=sd_path),
    text_encoder=dict(type='CLIPTextEncoder', pretrained=sd_path,
                      prefix='', separator=' and '),
    feature_extractor=dict(
        type='UNetFeatureExtractor',
        # the decoder inputs the reference code takes (LDM output blocks 2,
        # 5, 8: 8x8, 16x16 and 32x32 at 512 px), raw and L2-normalised per
        # block instead of through ODISE's trained projections
        feature_blocks=[
            'up_blocks.0.resnets.2', 'up_blocks.1.resnets.2',
            'up_blocks.2.resnets.2'
        ],
        feature_capture='input',
        normalize_blocks=True,
        # the reference's cross-attention layers: 16x16 and 8x8
        attention_blocks=['down_blocks.2', 'mid_block', 'up_blocks.1'],
        attention_value='softmax',
        timestep=1,
        noise_timestep=None,
        prompt_mode='queries',
        stop_early=True),
    head=dict(type='MaskDiffusionHead', similarity='cosine'),
    unet_prompt='classes',
    dtype='fp32')
test_cfg = dict(type='TestLoop')
default_hooks = dict(test_summary=dict(type='TestSummaryHook'))
# every weight is frozen, which torch's DistributedDataParallel refuses; under
# a launcher this wrapper only puts the model on each process's device
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
