# Open-vocabulary MaskDiffusion on Cityscapes with the reference code's
# choices where they differ from the paper: dot product with unnormalised
# prototypes, exp(logits) attention maps, features of a latent noised at
# t = 0, and its class words ('light', 'sign'). The features stay raw SD
# ones (the reference passes them through ODISE's trained projections).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/cityscapes_512x1024.py',
    '../_base_/models/maskdiffusion_sd15.py',
]
model = dict(
    class_names=[
        'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'light',
        'sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car',
        'truck', 'bus', 'train', 'motorcycle', 'bicycle'
    ],
    feature_extractor=dict(attention_value='exp', noise_timestep=0),
    head=dict(similarity='dot'))
