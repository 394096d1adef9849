# LDIS-n (arXiv 2403.09616) at full size: the LDIS-1 parts, conv_in widened to
# 8 channels (noisy pseudo-mask latent + query latent), epsilon prediction
# with classifier-free-guidance dropout (p = 0.05), 20 DDPM steps with dual
# guidance (gamma_q = 1.5, gamma_tau = 7) at inference, augmented pseudo masks
# (gamma = 0.4).
_base_ = ['./ldis1_sd15.py']
model = dict(
    _delete_=True,
    type='MultiStepLDIS',
    data_preprocessor={{_base_.model.data_preprocessor}},
    prompt_encoder={{_base_.model.prompt_encoder}},
    autoencoder={{_base_.model.autoencoder}},
    denoiser=dict(type='DiffusersUNet', pretrained={{_base_.sd_path}},
                  in_channels=8, copy_conv_in_bias=True),
    mask_codec=dict(type='PseudoMaskCodec', mode='augmented', gamma=0.4),
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
