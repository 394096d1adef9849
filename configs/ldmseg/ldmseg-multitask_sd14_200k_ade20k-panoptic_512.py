# The paper's multi-task model on ADE20K: one UNet answers panoptic and
# 150-class semantic segmentation, selected by a learnable task embedding
# fed through the kept cross-attention (one 768-d token per task). Both
# targets go through one 8-bit mask autoencoder (256 ids: random segment ids
# or class + 1), trained by
# configs/ldmseg/ldmseg-mask-ae-8bit_shallow_66k_ade20k-panoptic_512.py.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/ade20k_panoptic_512.py',
    '../_base_/models/ldmseg_sd14.py',
    '../_base_/schedules/adamw_cosine_200k.py',
]
model = dict(
    mask_autoencoder=dict(pretrained='work_dirs/ldmseg-ade20k'),
    mask_codec=dict(num_bits=8),
    tasks=('panoptic', 'semantic'),
    task_embeddings=dict(_delete_=True, num_tokens=1),
    num_classes=150)
