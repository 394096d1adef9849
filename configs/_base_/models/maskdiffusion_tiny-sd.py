# MaskDiffusion on the tiny Stable Diffusion that `make prior` trains and
# exports to work_dirs/tiny-sd (the diffusers pipeline layout, as SD 1.5).
_base_ = ['./tiny-sd.py']
model = dict(
    type='MaskDiffusion',
    data_preprocessor=dict(
        type='mmseg.SegDataPreProcessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    autoencoder=dict(type='SDVAE', pretrained={{_base_.tiny_sd}}),
    denoiser=dict(type='DiffusersUNet', pretrained={{_base_.tiny_sd}}),
    text_encoder=dict(type='CLIPTextEncoder', pretrained={{_base_.tiny_sd}},
                      prefix='', separator=' and '),
    feature_extractor=dict(
        type='UNetFeatureExtractor',
        feature_blocks=['up_blocks.0', 'up_blocks.1'],
        attention_blocks=[
            'down_blocks.0', 'down_blocks.1', 'mid_block', 'up_blocks.0',
            'up_blocks.1'
        ],
        timestep=300,
        noise_timestep=300,
        noise_scheduler={{_base_.tiny_sd_noise_scheduler}},
        prompt_mode='queries'),
    head=dict(type='MaskDiffusionHead', similarity='cosine'),
    unet_prompt='classes')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    test_summary=dict(type='TestSummaryHook'),
    visualization=dict(type='OpenVocabVisualizationHook'))
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
