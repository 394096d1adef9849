# MaskDiffusion at toy scale: random tiny VAE, UNet and CLIP text encoder
# (the real CLIP vocabulary); runs on a CPU in seconds. Results mean nothing
# (the networks are untrained): it exercises the whole path.
model = dict(
    type='MaskDiffusion',
    data_preprocessor=dict(
        type='mmseg.SegDataPreProcessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    autoencoder=dict(
        type='SDVAE',
        config=dict(
            in_channels=3,
            out_channels=3,
            block_out_channels=(8, 16),
            down_block_types=('DownEncoderBlock2D', 'DownEncoderBlock2D'),
            up_block_types=('UpDecoderBlock2D', 'UpDecoderBlock2D'),
            latent_channels=4,
            layers_per_block=1,
            norm_num_groups=4,
            mid_block_add_attention=False,
            sample_size=32)),
    denoiser=dict(
        type='DiffusersUNet',
        config=dict(
            sample_size=16,
            in_channels=4,
            out_channels=4,
            layers_per_block=1,
            block_out_channels=(8, 16),
            down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'),
            cross_attention_dim=16,
            attention_head_dim=4,
            norm_num_groups=4)),
    text_encoder=dict(
        type='CLIPTextEncoder',
        config=dict(
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=1,
            vocab_size=49408,
            max_position_embeddings=77,
            bos_token_id=49406,
            eos_token_id=49407,
            pad_token_id=49407)),
    feature_extractor=dict(
        type='UNetFeatureExtractor',
        feature_blocks=['up_blocks.0', 'up_blocks.1'],
        attention_blocks=['down_blocks.1', 'mid_block', 'up_blocks.0'],
        timestep=1),
    head=dict(type='MaskDiffusionHead', similarity='cosine'))
test_cfg = dict(type='TestLoop')
default_hooks = dict(test_summary=dict(type='TestSummaryHook'))
# every weight is frozen, which torch's DistributedDataParallel refuses; under
# a launcher this wrapper only puts the model on each process's device
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
