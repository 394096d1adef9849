"""A DINOv2 / ViT (transformers) image encoder for LDMSeg."""
import inspect
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from transformers import AutoConfig, AutoModel

from diffseg.registry import IMAGE_ENCODERS
from diffseg.utils.frozen import FrozenNetworkMixin
from diffseg.utils.pretrained import resolve_pretrained_dir
from .base import BaseImageEncoder

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@IMAGE_ENCODERS.register_module()
class ViTImageEncoder(FrozenNetworkMixin, BaseImageEncoder):
    """Frozen ViT patch features, a trainable 1x1 projection to
    ``out_channels``, bilinearly resampled to the latent grid.

    The image (B, 3, H, W) in [-1, 1] is normalised with the ImageNet
    statistics (and resized to ``input_size`` when given); the last hidden
    state's trailing (H/p)(W/p) tokens (patches, after the CLS and any
    register tokens) form a (B, D, H/p, W/p) map, projected and resized to
    (B, out_channels, H/f, W/f), f = ``downsample_factor``. The paper's best
    setting is DINOv2 ViT-B; how it fed the features is not published.

    Args:
        pretrained: a transformers model directory (``config.json`` with its
            ``model_type``: dinov2, dinov2_with_registers, vit, ...).
        config: or inline: ``dict(model_type='dinov2', hidden_size=..)``
            (random init).
        out_channels: channels of the output (the mask latent's).
        downsample_factor: output grid = input size / this (the mask
            autoencoder's factor).
        input_size: (h, w) the backbone sees; None keeps the image size.
        freeze: keep the backbone fixed (the projection always trains).
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 out_channels: int = 4,
                 downsample_factor: int = 8,
                 input_size=None,
                 freeze: bool = True,
                 init_cfg=None):
        super().__init__(init_cfg)
        if (pretrained is None) == (config is None):
            raise ValueError('ViTImageEncoder: give exactly one of '
                             '`pretrained` (a local directory) and `config` '
                             "(e.g. dict(model_type='dinov2', ...))")
        if config is not None:
            config = dict(config)
            if 'model_type' not in config:
                raise ValueError("config needs a model_type, e.g. 'dinov2'")
            self.backbone = AutoModel.from_config(
                AutoConfig.for_model(config.pop('model_type'), **config))
        else:
            folder = resolve_pretrained_dir(
                pretrained, None, 'ViT image encoder',
                'checkpoints/dinov2-base (a transformers save_pretrained '
                'directory)')
            self.backbone = AutoModel.from_pretrained(folder,
                                                      local_files_only=True)
        self.patch_size = self.backbone.config.patch_size
        self.proj = nn.Conv2d(self.backbone.config.hidden_size, out_channels,
                              1)
        self._downsample_factor = downsample_factor
        self.input_size = tuple(input_size) if input_size else None
        self.freeze = freeze
        self._interpolate = 'interpolate_pos_encoding' in inspect.signature(
            self.backbone.forward).parameters
        self.register_buffer('mean', torch.tensor(IMAGENET_MEAN).view(
            1, 3, 1, 1), persistent=False)
        self.register_buffer('std', torch.tensor(IMAGENET_STD).view(
            1, 3, 1, 1), persistent=False)
        if freeze:
            self.backbone.requires_grad_(False)
            self.backbone.eval()

    @property
    def out_channels(self) -> int:
        return self.proj.out_channels

    @property
    def downsample_factor(self) -> int:
        return self._downsample_factor

    def frozen_network(self) -> nn.Module:
        return self.backbone

    def features(self, img: torch.Tensor) -> torch.Tensor:
        """img (B, 3, H, W) in [-1, 1] -> patch features (B, D, h_p, w_p)."""
        x = ((img + 1) / 2 - self.mean) / self.std
        if self.input_size is not None:
            x = F.interpolate(x, self.input_size, mode='bilinear',
                              align_corners=False)
        gh, gw = x.shape[-2] // self.patch_size, x.shape[-1] // self.patch_size
        kwargs = dict(interpolate_pos_encoding=True) if self._interpolate \
            else {}
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze):
            tokens = self.backbone(pixel_values=x, **kwargs).last_hidden_state
        patches = tokens[:, -gh * gw:]
        return patches.transpose(1, 2).reshape(len(x), -1, gh, gw)

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        """img (B, 3, H, W) -> (B, out_channels, H/f, W/f)."""
        size = (img.shape[-2] // self.downsample_factor,
                img.shape[-1] // self.downsample_factor)
        feats = self.proj(self.features(img))
        return F.interpolate(feats, size, mode='bilinear',
                             align_corners=False)
