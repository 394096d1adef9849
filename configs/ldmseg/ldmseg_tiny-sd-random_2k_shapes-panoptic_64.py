# The control of ldmseg_tiny-sd_2k_shapes-panoptic_64.py: the prior's UNet
# architecture at random initialisation (seeded), everything else the same.
_base_ = ['./ldmseg_tiny-sd_2k_shapes-panoptic_64.py']
model = dict(denoiser=dict(random_init=True))
