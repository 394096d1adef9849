# Open-vocabulary MaskDiffusion with random tiny networks on the generated
# tiny set; runs here in seconds (no checkpoint):
# python tools/dataset_converters/make_synthetic_semantic.py \
#     data/tiny_semantic
# python tools/test.py configs/maskdiffusion/maskdiffusion_tiny_synthetic_64.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/tiny_semantic_64.py',
    '../_base_/models/maskdiffusion_tiny.py',
]
model = dict(class_names={{_base_.class_names}})
