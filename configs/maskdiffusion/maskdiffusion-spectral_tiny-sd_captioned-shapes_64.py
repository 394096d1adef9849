# Unsupervised MaskDiffusion on the tiny prior (`make prior` first): spectral
# clustering of the UNet features of each val image (empty prompt; segment
# count by the eigengap), scored by per-image Hungarian matching.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/captioned_shapes_64.py',
    '../_base_/models/maskdiffusion_tiny-sd.py',
]
train_dataloader = None
model = dict(
    head=dict(
        _delete_=True,
        type='SpectralClusteringHead',
        num_segments=None,
        min_segments=2,
        max_segments=6,
        exponent=4.0))
test_evaluator = dict(type='HungarianIoU', protocol='per_image')
