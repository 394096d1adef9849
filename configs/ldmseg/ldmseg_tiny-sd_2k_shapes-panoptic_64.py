# LDMSeg at toy scale initialised from the tiny prior (`make prior`), as the
# sd14 configs initialise from Stable Diffusion: the prior's UNet with
# conv_in widened to 12 channels (mask latent, image latent, self-condition;
# the new ones start at zero). Its cross-attention layers are kept and read
# one learned token of the panoptic task. ldmseg_tiny-sd-random_* is the
# control.
_base_ = ['./ldmseg_tiny_2k_shapes-panoptic_64.py']
model = dict(
    denoiser=dict(config=None, pretrained={{_base_.tiny_sd}}, in_channels=12),
    task_embeddings=dict(_delete_=True, num_tokens=1))
