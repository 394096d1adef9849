# Open-vocabulary MaskDiffusion (SD 1.5, training-free) on Potsdam.
# Test: python tools/test.py THIS_CONFIG   (no checkpoint)
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/potsdam_512.py',
    '../_base_/models/maskdiffusion_sd15.py',
]
model = dict(class_names={{_base_.class_names}})
