# LDIS-n (arXiv 2403.09616) at full size: the shared SD 1.5 parts of
# ./ldis_sd15.py, conv_in widened to 8 channels (noisy pseudo-mask latent +
# query latent), epsilon prediction with classifier-free-guidance dropout
# (p = 0.05), 20 DDPM steps with dual guidance (gamma_q = 1.5,
# gamma_tau = 7) at inference, augmented pseudo masks (gamma = 0.4).
_base_ = ['./ldis_sd15.py']
model = dict(
    type='MultiStepLDIS',
    denoiser=dict(in_channels=8, copy_conv_in_bias=True),
    mask_codec=dict(type='PseudoMaskCodec', mode='augmented', gamma=0.4),
    # SD's own noise schedule, read from <sd_path>/scheduler
    noise_scheduler=dict(type='DDPMScheduler', pretrained={{_base_.sd_path}}),
    sampler=dict(
        type='DiffusionSampler',
        scheduler=dict(type='DDPMScheduler', pretrained={{_base_.sd_path}}),
        num_inference_steps=20,
        guidance=dict(type='DualGuidance', query_scale=1.5, prompt_scale=7.0,
                      batched=True)),
    query_dropout=0.05,
    prompt_dropout=0.05,
    dropout_scheme='independent',
    null_prompt='learned',
    scale_query_latent=True)
