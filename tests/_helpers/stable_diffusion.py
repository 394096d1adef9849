"""Stable Diffusion directories of random tiny networks, for tests of the
``pretrained`` path."""
import os.path as osp

import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel

from diffseg.models.text_encoders import build_clip_tokenizer
from .tiny_models import TINY_CLIP_TEXT, TINY_UNET, TINY_VAE


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
