# LDMSeg on COCO panoptic, the reference code's setting (SD v1.4 VAE image
# encoder, no cross-attention). Needs the stage-1 autoencoder of
# configs/ldmseg/ldmseg-mask-ae_shallow_66k_coco-panoptic_512.py.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_panoptic_512.py',
    '../_base_/models/ldmseg_sd14.py',
    '../_base_/schedules/adamw_cosine_200k.py',
]
