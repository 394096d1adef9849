# The pixel-colour baseline with ids shared across images (STEGO's
# dataset-level matching): each pixel takes the nearest of 10 k-means
# centres of pixel colours fitted on the train split by
#   python tools/analysis_tools/fit_cluster_codebook.py THIS_CONFIG \
#       --num-clusters 10 --num-images 200 --out work_dirs/codebooks/pixels.pth \
#       --cfg-options test_dataloader.dataset.split=train
_base_ = ['./baseline-kmeans_pixels_captioned-shapes_64.py']
codebook = 'work_dirs/codebooks/pixels.pth'
model = dict(head=dict(_delete_=True, type='CodebookHead', codebook=codebook))
test_evaluator = [
    dict(type='HungarianIoU', protocol='dataset', prefix='dataset'),
    dict(type='HungarianIoU', protocol='per_image', prefix='per_image'),
]
