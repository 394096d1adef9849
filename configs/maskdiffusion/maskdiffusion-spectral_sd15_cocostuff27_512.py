# Unsupervised MaskDiffusion (SD 1.5, training-free) on COCO-Stuff-27: the UNet
# sees the empty prompt; each image's features are spectrally clustered
# (DiffCut's affinity: min-max rescaled cosine ** 10), the number of
# segments chosen by the eigengap (at most 10); scored by per-image
# Hungarian matching (DiffSeg's protocol).
# Test: python tools/test.py THIS_CONFIG   (no checkpoint)
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/cocostuff27_512.py',
    '../_base_/models/maskdiffusion_sd15.py',
]
model = dict(
    head=dict(
        _delete_=True,
        type='SpectralClusteringHead',
        num_segments=None,
        min_segments=2,
        max_segments=10,
        exponent=10.0,
        rescale=True))
