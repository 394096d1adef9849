# Unsupervised MaskDiffusion on the tiny prior with segment ids that mean the
# same in every image, for STEGO's dataset-level Hungarian matching: each
# image's spectral segments take the id of the nearest of 10 k-means centres
# of UNet features fitted on the train split (no labels) by
#   python tools/analysis_tools/fit_cluster_codebook.py THIS_CONFIG \
#       --num-clusters 10 --num-images 200 --out work_dirs/codebooks/tiny-sd.pth \
#       --cfg-options test_dataloader.dataset.split=train
_base_ = ['./maskdiffusion-spectral_tiny-sd_captioned-shapes_64.py']
codebook = 'work_dirs/codebooks/tiny-sd.pth'
model = dict(
    head=dict(
        _delete_=True,
        type='CodebookHead',
        codebook=codebook,
        segments={{_base_.model.head}}))
test_evaluator = [
    dict(type='HungarianIoU', protocol='dataset', prefix='dataset'),
    dict(type='HungarianIoU', protocol='per_image', prefix='per_image'),
]
