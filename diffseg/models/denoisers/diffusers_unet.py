"""diffusers UNet2DConditionModel as a diffseg denoiser."""
from typing import Optional

import torch
from diffusers import UNet2DConditionModel
from mmengine.model import BaseModule

from diffseg.models.autoencoders.sd_vae import build_diffusers_model
from diffseg.registry import DENOISERS


@DENOISERS.register_module()
class DiffusersUNet(BaseModule):
    """A conditional UNet: (sample, t, tokens, token mask) -> output.

    Args:
        pretrained: a diffusers pipeline directory (``unet/`` inside) or a UNet
            directory; or None with ``config`` (UNet2DConditionModel kwargs).
        gradient_checkpointing: trade compute for memory in training.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 gradient_checkpointing: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.unet = build_diffusers_model(
            UNet2DConditionModel, pretrained, config, 'unet', 'SD UNet',
            'checkpoints/stable-diffusion-v1-5 (with unet/ inside)')
        if gradient_checkpointing:
            self.unet.enable_gradient_checkpointing()

    @property
    def cross_attention_dim(self) -> int:
        return self.unet.config.cross_attention_dim

    @property
    def in_channels(self) -> int:
        return self.unet.config.in_channels

    def forward(self,
                sample: torch.Tensor,
                timestep: torch.Tensor,
                encoder_hidden_states: torch.Tensor,
                encoder_attention_mask: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        """sample (B, C, h, w), timestep (B,) or scalar, tokens (B, L, D),
        mask (B, L) with 1 = attend -> (B, C_out, h, w)."""
        if encoder_hidden_states.shape[-1] != self.cross_attention_dim:
            raise ValueError(
                f'prompt tokens have width {encoder_hidden_states.shape[-1]} '
                f'but the UNet cross-attends to width '
                f'{self.cross_attention_dim}; set the prompt encoder out_dim')
        if encoder_attention_mask is not None:
            encoder_attention_mask = encoder_attention_mask.to(sample.dtype)
        return self.unet(sample, timestep, encoder_hidden_states,
                         encoder_attention_mask=encoder_attention_mask).sample
