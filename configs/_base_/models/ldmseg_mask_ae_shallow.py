# LDMSeg stage 1, the reference autoencoder: ~2 M parameters, 7-bit ids ->
# 64 x 64 x 4 Gaussian latent (x1/8) -> 128 id logits; point-sampled
# cross-entropy + BCE + Dice (12544 points per mask), no KL.
model = dict(
    type='MaskAutoencoderPretrainer',
    autoencoder=dict(
        type='ShallowMaskAutoencoder',
        config=dict(in_channels=7, num_ids=128,
                    block_out_channels=(32, 64, 128, 256), mid_channels=256,
                    latent_channels=4, decoder_channels=256,
                    num_upscalers=2, norm_num_groups=32)),
    mask_codec=dict(type='BitCodec', num_bits=7),
    kl_weight=0.0,
    mask_weight=1.0,
    loss_points=12544,
    postprocess=dict(mask_threshold=0.8, min_area=512,
                     overlap_threshold=0.5))
