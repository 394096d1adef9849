# Unsupervised MaskDiffusion on the tiny prior with segment ids that mean the
# same in every image, for STEGO's dataset-level Hungarian matching: each
# image's spectral segments (as maskdiffusion-spectral_tiny-sd_*) take the id
# of the nearest of 10 k-means centres of UNet features fitted on the train
# split (no labels) by
#   python tools/analysis_tools/fit_cluster_codebook.py THIS_CONFIG \
#       --num-clusters 10 --num-images 200 --out work_dirs/codebooks/tiny-sd.pth \
#       --cfg-options test_dataloader.dataset.split=train
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/captioned_shapes_64.py',
    '../_base_/models/maskdiffusion_tiny-sd.py',
]
train_dataloader = None
model = dict(
    head=dict(
        _delete_=True,
        type='CodebookHead',
        codebook='work_dirs/codebooks/tiny-sd.pth',
        segments=dict(
            type='SpectralClusteringHead',
            num_segments=None,
            min_segments=2,
            max_segments=6,
            exponent=4.0)))
test_evaluator = [
    dict(type='HungarianIoU', protocol='dataset', prefix='dataset'),
    dict(type='HungarianIoU', protocol='per_image', prefix='per_image'),
]
