# The control of ldisn_tiny-sd_1shot_1500it_shapes_64.py: the prior's UNet
# architecture at random initialisation (seeded), everything else the same.
_base_ = ['./ldisn_tiny-sd_1shot_1500it_shapes_64.py']
model = dict(denoiser=dict(random_init=True))
