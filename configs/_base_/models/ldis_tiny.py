# The toy-scale parts both LDIS models build from: a 2-layer CLIP on 64 px
# prompts, the tiny VAE trained by configs/vae/ (exported under tiny_sd, as
# SD's VAE is under sd_path) and a two-level UNet on its 16x16 latent.
# ldis1_tiny.py and ldisn_tiny.py add the segmentor type, codec, sampler and
# their options.
tiny_sd = 'work_dirs/tiny-sd'
model = dict(
    data_preprocessor=dict(type='InContextDataPreProcessor', size_divisor=8,
                           prompt_size=(64, 64)),
    prompt_encoder=dict(
        type='CLIPPromptEncoder',
        vision_config=dict(
            hidden_size=64,
            intermediate_size=128,
            num_attention_heads=4,
            num_hidden_layers=2,
            image_size=64,
            patch_size=8),
        pre_masking='alpha',
        post_masking=True,
        post_mask_mode='any',
        out_dim=64),
    autoencoder=dict(type='SDVAE', pretrained=tiny_sd),
    denoiser=dict(
        type='DiffusersUNet',
        config=dict(
            sample_size=16,
            in_channels=4,
            out_channels=4,
            layers_per_block=1,
            block_out_channels=(32, 64),
            # attention only at 1/2 latent resolution: on a CPU, attention
            # over the 16x16 grid costs more than the rest of the UNet
            down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'),
            cross_attention_dim=64,
            attention_head_dim=8,
            norm_num_groups=8)),
    # the tiny VAE is trained on vanilla pseudo masks only
    mask_codec=dict(type='PseudoMaskCodec', mode='vanilla'))
