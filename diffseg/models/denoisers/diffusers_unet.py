"""diffusers UNet2DConditionModel as a diffseg denoiser."""
from typing import List, Optional, Sequence

import torch
from torch import nn
from diffusers import UNet2DConditionModel
from peft import LoraConfig

from diffseg.registry import DENOISERS
from diffseg.utils.pretrained import build_diffusers_model
from .base import BaseDenoiser

LORA_DEFAULTS = dict(alpha=None,
                     target_modules=('to_q', 'to_k', 'to_v', 'to_out.0'),
                     dropout=0.0,
                     init='gaussian')


def build_lora_config(lora: dict) -> LoraConfig:
    """``lora`` (rank, alpha, target_modules, dropout, init) -> LoraConfig."""
    unknown = set(lora) - {'rank', *LORA_DEFAULTS}
    if 'rank' not in lora or unknown:
        raise ValueError(
            f'lora={lora!r}: expected a dict with `rank` and optionally '
            f'{sorted(LORA_DEFAULTS)}' +
            (f'; unknown keys {sorted(unknown)}' if unknown else ''))
    cfg = {**LORA_DEFAULTS, **lora}
    return LoraConfig(
        r=cfg['rank'],
        lora_alpha=cfg['rank'] if cfg['alpha'] is None else cfg['alpha'],
        target_modules=list(cfg['target_modules']),
        lora_dropout=cfg['dropout'],
        init_lora_weights=cfg['init'])


@DENOISERS.register_module()
class DiffusersUNet(BaseDenoiser):
    """A diffusers UNet2DConditionModel (``unet``): (sample, t, tokens,
    token mask) -> output.

    Args:
        pretrained: a diffusers pipeline directory (``unet/`` inside) or a UNet
            directory; or None with ``config`` (UNet2DConditionModel kwargs).
        random_init: build ``pretrained``'s architecture at random
            initialisation (the control of a model initialised from it).
        gradient_checkpointing: trade compute for memory in training.
        in_channels: widen ``conv_in`` to this many input channels (LDIS-n:
            8 = noisy mask latent + query latent). The loaded weights fill
            the first channels, the new ones start at zero, so the widened
            UNet computes exactly what it did while they are zero.
        copy_conv_in_bias: keep the loaded ``conv_in`` bias when widening
            (the reference code leaves a fresh random bias instead: False).
        lora: None trains the whole UNet (full fine-tuning). A dict adds peft
            LoRA adapters and freezes every other UNet weight: ``rank`` (r),
            ``alpha`` (lora_alpha, default: rank), ``target_modules``
            (default: attention to_q/to_k/to_v/to_out.0), ``dropout``
            (default 0) and ``init`` (peft ``init_lora_weights``, default
            'gaussian'; it and True zero-init B, so the UNet starts as
            loaded).
        trainable_modules: UNet submodules (e.g. 'conv_in',
            'encoder_hid_proj') that stay fully trainable next to LoRA. A
            ``conv_in`` widened by ``in_channels`` is new and always trains.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 random_init: bool = False,
                 gradient_checkpointing: bool = False,
                 in_channels: Optional[int] = None,
                 copy_conv_in_bias: bool = True,
                 lora: Optional[dict] = None,
                 trainable_modules: Sequence[str] = (),
                 init_cfg=None):
        super().__init__(init_cfg)
        if isinstance(trainable_modules, str):
            raise TypeError('trainable_modules must be a list of module '
                            f'names, got the string {trainable_modules!r}')
        self.unet = build_diffusers_model(
            UNet2DConditionModel, pretrained, config, 'unet', 'SD UNet',
            'checkpoints/stable-diffusion-v1-5 (with unet/ inside)',
            random_init=random_init)
        trainable_modules = list(trainable_modules)
        if in_channels is not None and in_channels != self.in_channels:
            self.expand_conv_in(in_channels, copy_conv_in_bias)
            trainable_modules.append('conv_in')
        modules = [self._submodule(name) for name in trainable_modules]
        if lora is not None:
            # add_adapter freezes every non-LoRA parameter of the UNet
            self.unet.add_adapter(build_lora_config(lora))
            for module in modules:
                module.requires_grad_(True)
        if gradient_checkpointing:
            self.unet.enable_gradient_checkpointing()

    def _submodule(self, name: str) -> nn.Module:
        try:
            return self.unet.get_submodule(name)
        except AttributeError:
            top = [n for n, _ in self.unet.named_children()]
            raise ValueError(
                f'trainable_modules: the UNet has no submodule {name!r}; '
                f'give dotted names from its top-level modules {top}, e.g. '
                "'conv_in' or 'mid_block.attentions.0'") from None

    @torch.no_grad()
    def expand_conv_in(self, in_channels: int, copy_bias: bool = True):
        """Widen ``conv_in`` to ``in_channels``; the new channels are zero."""
        old = self.unet.conv_in
        if in_channels < old.in_channels:
            raise ValueError(f'conv_in has {old.in_channels} input channels; '
                             f'cannot expand it to {in_channels}')
        new = nn.Conv2d(in_channels, old.out_channels, old.kernel_size,
                        old.stride, old.padding)
        new.weight.zero_()
        new.weight[:, :old.in_channels] = old.weight
        if copy_bias:
            new.bias.copy_(old.bias)
        self.unet.conv_in = new.to(old.weight.device, old.weight.dtype)
        self.unet.register_to_config(in_channels=in_channels)

    def trainable_parameter_names(self) -> List[str]:
        """Names (relative to this module) of the parameters that train."""
        return [n for n, p in self.named_parameters() if p.requires_grad]

    @property
    def cross_attention_dim(self) -> int:
        return self.unet.config.cross_attention_dim

    @property
    def in_channels(self) -> int:
        return self.unet.config.in_channels

    @property
    def downsample_factor(self) -> int:
        return 2**(len(self.unet.config.block_out_channels) - 1)

    @property
    def network(self) -> UNet2DConditionModel:
        return self.unet

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
