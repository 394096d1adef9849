"""Tiny MaskDiffusion models and Stable Diffusion directories for tests."""
import math
import os.path as osp

import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel

from diffseg.models.text_encoders import build_clip_tokenizer
from .tiny_models import TINY_UNET, TINY_VAE

# CLIP's real vocabulary (the offline tokenizer), a 1-layer 16-wide model
TINY_CLIP_TEXT = dict(hidden_size=16, intermediate_size=32,
                      num_attention_heads=2, num_hidden_layers=1,
                      vocab_size=49408, max_position_embeddings=77,
                      bos_token_id=49406, eos_token_id=49407,
                      pad_token_id=49407)
TINY_FEATURES = dict(type='UNetFeatureExtractor',
                     feature_blocks=('up_blocks.0', 'up_blocks.1'),
                     attention_blocks=('down_blocks.1', 'mid_block',
                                       'up_blocks.0'))

# the feature and attention capture of the SD 1.5 configs
# (configs/_base_/models/maskdiffusion_sd15.py)
SD15_FEATURES = dict(type='UNetFeatureExtractor',
                     feature_blocks=('up_blocks.0.resnets.2',
                                     'up_blocks.1.resnets.2',
                                     'up_blocks.2.resnets.2'),
                     feature_capture='input',
                     attention_blocks=('down_blocks.2', 'mid_block',
                                       'up_blocks.1'))


def sd15_shaped_unet_config(width: int, cross_attention_dim: int = 768,
                            in_channels: int = 4) -> dict:
    """SD 1.5's UNet layout (block and module names) with block widths
    (w, 2w, 4w, 4w); ``width=320`` is SD 1.5 itself (a multiple of 8: SD
    1.5 has 8 attention heads)."""
    return dict(
        in_channels=in_channels, out_channels=4, layers_per_block=2,
        block_out_channels=(width, 2 * width, 4 * width, 4 * width),
        down_block_types=('CrossAttnDownBlock2D', ) * 3 + ('DownBlock2D', ),
        up_block_types=('UpBlock2D', ) + ('CrossAttnUpBlock2D', ) * 3,
        cross_attention_dim=cross_attention_dim, attention_head_dim=8,
        norm_num_groups=math.gcd(32, width))


def sd15_shaped_vae_config(width: int) -> dict:
    """SD's VAE layout with block widths (c, 2c, 4c, 4c), c = 2/5 of the
    UNet ``width`` (a multiple of 8); ``width=320`` is SD's VAE itself."""
    c = max(8, width * 2 // 5 // 8 * 8)
    return dict(in_channels=3, out_channels=3, latent_channels=4,
                block_out_channels=(c, 2 * c, 4 * c, 4 * c),
                down_block_types=('DownEncoderBlock2D', ) * 4,
                up_block_types=('UpDecoderBlock2D', ) * 4,
                layers_per_block=2, norm_num_groups=math.gcd(32, c))


def tiny_maskdiffusion_cfg(**overrides) -> dict:
    """A MaskDiffusion config with random tiny networks (64 px images)."""
    cfg = dict(
        type='MaskDiffusion',
        autoencoder=dict(type='SDVAE', config=TINY_VAE),
        denoiser=dict(type='DiffusersUNet', config=TINY_UNET),
        text_encoder=dict(type='CLIPTextEncoder', config=TINY_CLIP_TEXT),
        feature_extractor=TINY_FEATURES,
        head=dict(type='MaskDiffusionHead'))
    cfg.update(overrides)
    return cfg


def save_tiny_sd(root: str, unet_config: dict = TINY_UNET) -> str:
    """A Stable Diffusion directory (vae/, unet/, text_encoder/, tokenizer/,
    scheduler/) of random tiny networks written by save_pretrained; the
    UNet cross-attends to the tiny text encoder's width."""
    torch.manual_seed(0)
    AutoencoderKL(**TINY_VAE).save_pretrained(osp.join(root, 'vae'))
    UNet2DConditionModel(**dict(
        unet_config, cross_attention_dim=TINY_CLIP_TEXT['hidden_size'])
    ).save_pretrained(osp.join(root, 'unet'))
    CLIPTextModel(CLIPTextConfig(**TINY_CLIP_TEXT)).save_pretrained(
        osp.join(root, 'text_encoder'))
    build_clip_tokenizer().save_pretrained(osp.join(root, 'tokenizer'))
    DDPMScheduler(beta_schedule='scaled_linear', beta_start=0.00085,
                  beta_end=0.012).save_pretrained(osp.join(root, 'scheduler'))
    return root
