# The demo's LDIS-1 (./ldis1_tiny.py) with random tiny networks on 32 px
# episodes: an 8/16-wide VAE and UNet and a one-layer 16-wide CLIP built from
# these architectures, so nothing is trained or read from disk first. A
# training step takes about 0.1 s on a CPU; the tool tests and
# `tools/analysis_tools/benchmark.py ... --model tiny` use it.
_base_ = ['./ldis1_tiny.py']
model = dict(
    data_preprocessor=dict(prompt_size=(32, 32)),
    prompt_encoder=dict(
        vision_config=dict(
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=1,
            image_size=32,
            patch_size=8),
        out_dim=16),
    # built at random from this architecture, not read from tiny_sd
    autoencoder=dict(
        pretrained=None,
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
            norm_num_groups=4)))
