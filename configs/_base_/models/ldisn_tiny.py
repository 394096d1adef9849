# LDIS-n at toy scale: the tiny parts of ./ldis_tiny.py, a UNet whose conv_in
# takes the noisy mask latent and the query latent (8 channels), classifier-
# free-guidance dropout, DPM-Solver++ sampling (3 steps, 9 UNet passes with
# dual guidance: as good as 20 DDPM steps here, see configs/ldis/README.md
# "Quality against UNet passes"). The tiny model
# predicts the clean latent (prediction_type='sample'): with epsilon
# prediction (the paper's Eq. 9, kept by the real config) it reached 8 mIoU
# after 500 iterations where this reaches 46.
_base_ = ['./ldis_tiny.py']
train_scheduler = dict(
    type='DDPMScheduler',
    num_train_timesteps=1000,
    beta_schedule='scaled_linear',
    beta_start=0.00085,
    beta_end=0.012,
    clip_sample=False,
    prediction_type='sample')
model = dict(
    type='MultiStepLDIS',
    denoiser=dict(in_channels=8),
    noise_scheduler=train_scheduler,
    sampler=dict(
        type='DiffusionSampler',
        scheduler=dict(train_scheduler, type='DPMSolverMultistepScheduler',
                       timestep_spacing='trailing'),
        num_inference_steps=3,
        guidance=dict(type='DualGuidance', query_scale=1.5, prompt_scale=7.0),
        seed=0),
    query_dropout=0.05,
    prompt_dropout=0.05,
    dropout_scheme='independent',
    null_prompt='learned',
    scale_query_latent=True)
