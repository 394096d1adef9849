# LDIS-1 (arXiv 2403.09616) at full size: the shared SD 1.5 parts of
# ./ldis_sd15.py, one denoising step from t = 0 on the query latent, the
# loss on the latent of the vanilla pseudo mask.
_base_ = ['./ldis_sd15.py']
model = dict(
    type='OneStepLDIS',
    denoiser=dict(gradient_checkpointing=False),
    mask_codec=dict(type='PseudoMaskCodec', mode='vanilla'),
    sampler=dict(type='OneStepSampler'),
    loss_space='latent',
    input_timestep=0)
