# LDIS-1 at toy scale: the tiny parts of ./ldis_tiny.py, one denoising step
# from t = 0, the loss on the pseudo-mask latent.
_base_ = ['./ldis_tiny.py']
model = dict(
    type='OneStepLDIS',
    sampler=dict(type='OneStepSampler'),
    loss_space='latent',
    input_timestep=0)
