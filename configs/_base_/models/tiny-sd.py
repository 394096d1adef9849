# The parts of the tiny Stable Diffusion that diffseg trains itself
# (`make prior`): where it is exported and the architectures of its UNet,
# text encoder and noise scheduler, for configs that build the same networks
# at random (from-scratch baselines).
tiny_sd = 'work_dirs/tiny-sd'
tiny_sd_unet = dict(
    sample_size=16,
    in_channels=4,
    out_channels=4,
    layers_per_block=1,
    block_out_channels=(32, 64),
    down_block_types=('CrossAttnDownBlock2D', ) * 2,
    up_block_types=('CrossAttnUpBlock2D', ) * 2,
    # cross-attention only: self-attention over the 16x16 grid costs a third
    # more on a CPU
    only_cross_attention=True,
    cross_attention_dim=64,
    attention_head_dim=8,
    norm_num_groups=8)
tiny_sd_text_encoder = dict(
    hidden_size=64,
    intermediate_size=128,
    num_attention_heads=4,
    num_hidden_layers=2,
    vocab_size=49408,
    max_position_embeddings=77,
    bos_token_id=49406,
    eos_token_id=49407,
    pad_token_id=49407)
tiny_sd_noise_scheduler = dict(
    type='DDPMScheduler',
    num_train_timesteps=1000,
    beta_schedule='scaled_linear',
    beta_start=0.00085,
    beta_end=0.012,
    steps_offset=1,
    clip_sample=False)
