# Unsupervised MaskDiffusion (spectral clustering, segment count by the
# eigengap) with random tiny networks on the generated tiny set.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/tiny_semantic_64.py',
    '../_base_/models/maskdiffusion_tiny.py',
]
model = dict(
    head=dict(
        _delete_=True,
        type='SpectralClusteringHead',
        num_segments=None,
        max_segments=4,
        exponent=4.0))
test_evaluator = dict(_delete_=True, type='HungarianIoU',
                      protocol='per_image')
