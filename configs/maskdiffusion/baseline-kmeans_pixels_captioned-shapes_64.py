# The baseline of unsupervised MaskDiffusion on the captioned shapes world:
# k-means on the raw pixel colours of each val image (5 clusters, the most
# classes an image holds), no network at all; per-image Hungarian matching.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/captioned_shapes_64.py',
]
train_dataloader = None
model = dict(
    type='PixelClustering',
    head=dict(type='KMeansHead', num_segments=5, seed=0),
    # colours averaged over 2x2 cells: k-means over 1024 points an image
    stride=2)
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    test_summary=dict(type='TestSummaryHook'),
    visualization=dict(type='OpenVocabVisualizationHook'))
test_evaluator = dict(type='HungarianIoU', protocol='per_image')
# no weights to synchronise: under a launcher the model only moves to its
# process's device
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
