"""Tiny LDMSeg parts for tests: random-init configs and panoptic samples."""
import os.path as osp

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from .tiny_models import TINY_SCHEDULER, TINY_UNET, TINY_VAE

# 4 bit planes (16 ids), x2 downsampling like TINY_VAE
TINY_MASK_AE = dict(in_channels=4, num_ids=16, block_out_channels=(8, 16),
                    mid_channels=16, latent_channels=4, decoder_channels=8,
                    num_upscalers=1, norm_num_groups=4)
TINY_LDMSEG_CATEGORIES = [dict(id=1, name='thing', isthing=1),
                          dict(id=7, name='sky', isthing=0),
                          dict(id=8, name='ground', isthing=0)]


def tiny_ldmseg_cfg(**overrides) -> dict:
    """An LDMSeg config with random tiny parts (32 px images, 16 x 16
    latents), 3 DDIM steps."""
    cfg = dict(
        type='LDMSeg',
        image_encoder=dict(type='SDVAEImageEncoder', config=TINY_VAE),
        mask_autoencoder=dict(type='ShallowMaskAutoencoder',
                              config=TINY_MASK_AE),
        mask_codec=dict(type='BitCodec', num_bits=4),
        denoiser=dict(type='DiffusersUNet',
                      config=dict(TINY_UNET, in_channels=12)),
        noise_scheduler=TINY_SCHEDULER,
        sampler=dict(type='DiffusionSampler',
                     scheduler=dict(TINY_SCHEDULER, type='DDIMScheduler',
                                    timestep_spacing='trailing'),
                     num_inference_steps=3,
                     guidance=dict(type='ConditionalOnly'), seed=0),
        postprocess=dict(mask_threshold=0.3, min_area=1,
                         overlap_threshold=0.0))
    cfg.update(overrides)
    return cfg


def tiny_panoptic_samples(n: int = 2, size: int = 32):
    """``n`` SegDataSamples with a thing on sky / ground stuff: panoptic
    ids (void border row), semantic labels (0-2) and depth."""
    samples = []
    for i in range(n):
        ids = torch.zeros(1, size, size, dtype=torch.long)
        ids[0, 1:size // 2] = 7000
        ids[0, size // 2:] = 8000
        ids[0, 4 + i:14 + i, 6:20] = 1001
        labels = torch.full_like(ids, 255)
        for value, label in ((7000, 1), (8000, 2), (1001, 0)):
            labels[ids == value] = label
        depth = torch.where(ids == 1001, 0.2, 1.0).float()
        depth[0, size // 2:] = torch.linspace(0.9, 0.4, size - size // 2)[:,
                                                                          None]
        sample = SegDataSample()
        info = [dict(id=k, category_id=k // 1000, iscrowd=0,
                     isthing=int(k < 7000)) for k in (1001, 7000, 8000)]
        sample.gt_panoptic_seg = PixelData(data=ids,
                                           metainfo=dict(segments_info=info))
        sample.gt_sem_seg = PixelData(data=labels)
        sample.gt_depth_map = PixelData(data=depth)
        sample.set_metainfo(dict(img_shape=(size, size),
                                 ori_shape=(size, size)))
        samples.append(sample)
    return samples


def save_tiny_ldmseg_checkpoints(root: str, num_bits=(4, )) -> dict:
    """Write tiny checkpoints with save_pretrained under ``root``: an SD
    pipeline folder ``sd`` (vae/, unet/ with 768-wide cross-attention), a
    DINOv2 folder ``dinov2`` and, per entry of ``num_bits``, a mask
    autoencoder folder ``mask{bits}`` (mask_autoencoder/ inside); all with
    x2 downsampling. Returns {name: folder}."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import AutoConfig, AutoModel

    from diffseg.models.autoencoders import MaskAutoencoderModel
    torch.manual_seed(0)
    folders = dict(sd=osp.join(root, 'sd'), dinov2=osp.join(root, 'dinov2'))
    AutoencoderKL(**TINY_VAE).save_pretrained(osp.join(folders['sd'], 'vae'))
    UNet2DConditionModel(**dict(TINY_UNET, cross_attention_dim=768)
                         ).save_pretrained(osp.join(folders['sd'], 'unet'))
    AutoModel.from_config(AutoConfig.for_model(
        'dinov2', hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=24, image_size=32,
        patch_size=4)).save_pretrained(folders['dinov2'])
    for bits in num_bits:
        folder = folders[f'mask{bits}'] = osp.join(root, f'mask{bits}')
        MaskAutoencoderModel(**dict(TINY_MASK_AE, in_channels=bits,
                                    num_ids=2**bits)).save_pretrained(
                                        osp.join(folder, 'mask_autoencoder'))
    return folders
