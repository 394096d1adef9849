# LDMSeg with the paper's best image encoder: frozen DINOv2 ViT-B/14 patch
# features (518 px input, 37 x 37 tokens), a trainable 1x1 projection to the
# 4 latent channels, resampled to the 64 x 64 latent grid.
_base_ = ['./ldmseg_sd14_200k_coco-panoptic_512.py']
model = dict(
    image_encoder=dict(
        _delete_=True,
        type='ViTImageEncoder',
        pretrained='checkpoints/dinov2-base',
        out_channels=4,
        downsample_factor=8,
        input_size=(518, 518)))
