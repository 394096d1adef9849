# k-means on the raw UNet features of each image (the paper's k-means
# analysis; the reference code uses the oracle number of gt classes of each
# image, here a fixed 6), COCO-Stuff-27, per-image Hungarian matching.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/cocostuff27_512.py',
    '../_base_/models/maskdiffusion_sd15.py',
]
model = dict(
    head=dict(_delete_=True, type='KMeansHead', num_segments=6, n_init=10))
