"""Internal features and cross-attention maps of one UNet pass."""
from contextlib import contextmanager
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.registry import FEATURE_EXTRACTORS
from diffseg.utils.misc import check_choice
from .attention_capture import (ATTENTION_VALUES, AttentionCaptureProcessor,
                                AttentionStore, attention_from_queries)
from .base import BaseFeatureExtractor
from .unet_layout import block_rank, grid_of, resize, top_block

FEATURE_CAPTURES = ('output', 'input')
PROMPT_MODES = ('queries', 'batch')
SD_NOISE_SCHEDULER = dict(type='DDPMScheduler', num_train_timesteps=1000,
                          beta_schedule='scaled_linear', beta_start=0.00085,
                          beta_end=0.012)


class _StopUNet(Exception):
    """Raised by a hook once everything to capture has been computed."""


@FEATURE_EXTRACTORS.register_module()
class UNetFeatureExtractor(BaseFeatureExtractor):
    """Runs the UNet once on a latent; captures block features and the
    cross-attention maps of every prompt token.

    Cross-attention layers of ``attention_blocks`` (``attn2``, and
    ``attn1`` too where a block has ``only_cross_attention``) get an
    :class:`AttentionCaptureProcessor` at construction. It stays installed
    (the UNet belongs to the extractor's model) and records only during a
    call; its forward output equals the default processor's up to fp32
    rounding. Feature hooks exist only during a call. The extractor holds
    no weights: the UNet remains a module of the model that owns it.

    Args:
        unet: the diffusers ``UNet2DConditionModel`` (the segmentor passes
            its denoiser's).
        feature_blocks: dotted module names whose maps are the features,
            e.g. 'up_blocks.1' or 'up_blocks.1.resnets.2'.
        feature_capture: take each module's 'output' or its 'input' (ODISE
            and the reference code take the input of ``resnets[2]``).
        feature_weights: factor per feature block (default 1).
        normalize_blocks: L2-normalise each block's map per pixel before the
            maps are resized to the finest one and concatenated.
        attention_blocks: blocks whose cross-attention layers are recorded.
        attention_value: 'softmax' (probabilities) or 'exp' (the reference
            code's exp of the logits).
        timestep: the timestep the UNet is told.
        noise_timestep: None feeds the clean latent; t adds the forward
            process noise of step t (``noise_scheduler``, seeded noise
            shared by the images of a batch).
        noise_scheduler: scheduler config for the noise (SD's by default).
        seed: seed of that noise.
        prompt_mode: how prompts beyond the one the UNet sees get maps.
            'queries': one UNet pass; each layer's recorded queries meet
            each prompt's keys (cost hardly grows with the prompts; later
            layers see the hidden states of the UNet's own prompt).
            'batch': the latent is repeated once per prompt and the UNet runs
            on all of them (exact, cost grows with the number of prompts;
            the features are those of the first prompt's copy).
        stop_early: stop the UNet after the last block that is captured.
    """

    def __init__(self,
                 unet: nn.Module,
                 feature_blocks: Sequence[str] = ('up_blocks.1',
                                                  'up_blocks.2'),
                 feature_capture: str = 'output',
                 feature_weights: Optional[Sequence[float]] = None,
                 normalize_blocks: bool = True,
                 attention_blocks: Sequence[str] = ('up_blocks.1', ),
                 attention_value: str = 'softmax',
                 timestep: int = 1,
                 noise_timestep: Optional[int] = None,
                 noise_scheduler: Optional[dict] = None,
                 seed: int = 42,
                 prompt_mode: str = 'queries',
                 stop_early: bool = True):
        check_choice('feature_capture', feature_capture, FEATURE_CAPTURES)
        check_choice('prompt_mode', prompt_mode, PROMPT_MODES)
        check_choice('attention_value', attention_value, ATTENTION_VALUES)
        if isinstance(feature_blocks, str) or isinstance(
                attention_blocks, str):
            raise TypeError('feature_blocks and attention_blocks are lists '
                            'of module names, not strings')
        if not feature_blocks:
            raise ValueError('feature_blocks is empty; name at least one '
                             "UNet module, e.g. 'up_blocks.1'")
        weights = [1.0] * len(feature_blocks) if feature_weights is None \
            else list(feature_weights)
        if len(weights) != len(feature_blocks):
            raise ValueError(f'{len(weights)} feature_weights for '
                             f'{len(feature_blocks)} feature_blocks')
        self.unet = unet
        self.feature_modules = {name: self._module(name)
                                for name in feature_blocks}
        self.feature_weights = weights
        self.feature_capture = feature_capture
        self.normalize_blocks = normalize_blocks
        self.attention_value = attention_value
        self.timestep = timestep
        self.noise_timestep = noise_timestep
        self.noise_scheduler = None if noise_timestep is None else (
            build_noise_scheduler(noise_scheduler or SD_NOISE_SCHEDULER))
        self.seed = seed
        self.prompt_mode = prompt_mode
        self.store = AttentionStore()
        self.attention_layers = self._install_processors(attention_blocks)
        last = max(list(feature_blocks) + list(attention_blocks),
                   key=block_rank)
        top = top_block(last)
        ends_unet = top == f'up_blocks.{len(unet.up_blocks) - 1}'
        self.stop_module = (self._module(top) if stop_early
                            and block_rank(top)[0] < 4 and not ends_unet else
                            None)

    def _module(self, name: str) -> nn.Module:
        try:
            return self.unet.get_submodule(name)
        except AttributeError:
            top = [n for n, _ in self.unet.named_children()]
            raise ValueError(f'the UNet has no module {name!r}; its top-level '
                             f'modules are {top}') from None

    def _install_processors(self, blocks: Sequence[str]) -> List[str]:
        """Give the cross-attention layers of ``blocks`` capture processors;
        returns their names."""
        processors = dict(self.unet.attn_processors)
        # attn2 layers, and attn1 ones too in blocks built with
        # only_cross_attention: every layer whose keys are the text's
        cross = [name for name in (k[:-len('.processor')] for k in processors)
                 if self.unet.get_submodule(name).is_cross_attention]
        layers = []
        for block in blocks:
            self._module(block)
            found = [k for k in cross if k.startswith(block + '.')]
            if not found:
                owners = sorted({top_block(k) for k in cross})
                raise ValueError(f'attention block {block!r} has no '
                                 'cross-attention layer; blocks with one: '
                                 f'{owners}')
            layers += [k for k in found if k not in layers]
        for name in layers:
            processors[name + '.processor'] = AttentionCaptureProcessor(
                self.store, name, self.attention_value)
        self.unet.set_attn_processor(processors)
        return layers

    @contextmanager
    def _hooks(self, features: Dict[str, torch.Tensor]):
        handles = []

        def keep(name):
            def hook(module, args, output=None):
                x = args[0] if output is None else output
                x = x[0] if isinstance(x, (tuple, list)) else x
                if x.ndim != 4:
                    raise ValueError(f'feature block {name!r} gives a tensor '
                                     f'of shape {tuple(x.shape)}; expected '
                                     '(B, C, h, w)')
                features[name] = x
            return hook

        for name, module in self.feature_modules.items():
            handles.append(
                module.register_forward_pre_hook(keep(name))
                if self.feature_capture == 'input' else
                module.register_forward_hook(keep(name)))
        if self.stop_module is not None:
            def stop(module, args, output):
                raise _StopUNet
            handles.append(self.stop_module.register_forward_hook(stop))
        self.store.clear()
        self.store.recording = bool(self.attention_layers)
        try:
            yield
        finally:
            self.store.recording = False
            for handle in handles:
                handle.remove()

    def noisy_latent(self, latent: torch.Tensor) -> torch.Tensor:
        if self.noise_timestep is None:
            return latent
        g = torch.Generator().manual_seed(self.seed)
        noise = torch.randn((1, ) + tuple(latent.shape[1:]), generator=g)
        noise = noise.to(latent).expand_as(latent)
        t = torch.full((latent.shape[0], ), self.noise_timestep,
                       dtype=torch.long, device=latent.device)
        return self.noise_scheduler.add_noise(latent, noise, t)

    def run_unet(self, latent: torch.Tensor,
                 text: torch.Tensor) -> Dict[str, torch.Tensor]:
        """One UNet pass on latent (B, C, h, w) with text (B, L, D); returns
        the captured feature maps; attention goes to ``self.store``."""
        features: Dict[str, torch.Tensor] = {}
        dtype = self.unet.dtype
        with self._hooks(features):
            try:
                self.unet(latent.to(dtype), self.timestep, text.to(dtype))
            except _StopUNet:
                pass
        return features

    def combine_features(self, maps: Dict[str, torch.Tensor],
                         batch: int) -> torch.Tensor:
        """Per-block maps -> (B, sum C, h, w) at the finest block's size."""
        size = max((m.shape[-2:] for m in maps.values()),
                   key=lambda s: s[0] * s[1])
        out = []
        for (name, weight) in zip(self.feature_modules, self.feature_weights):
            x = maps[name][:batch].float()
            if self.normalize_blocks:
                x = F.normalize(x, dim=1)
            out.append(resize(x, size) * weight)
        return torch.cat(out, dim=1)

    def aggregate(self, maps: List[torch.Tensor],
                  latent_hw: Tuple[int, int]) -> torch.Tensor:
        """Layer maps (B', N_l, L) -> their mean at the finest grid
        (B', L, h, w)."""
        grids = [grid_of(m.shape[1], latent_hw) for m in maps]
        size = max(grids, key=lambda s: s[0] * s[1])
        return torch.stack([
            resize(m.transpose(1, 2).unflatten(2, grid), size)
            for m, grid in zip(maps, grids)
        ]).mean(0)

    def prompt_attention(self, prompts: torch.Tensor, batch: int,
                         latent_hw: Tuple[int, int],
                         first_seen: bool = False) -> torch.Tensor:
        """Attention maps of each prompt token: (P, B, L, h, w).

        ``first_seen``: the UNet ran on ``prompts[0]``, whose maps are then
        the recorded ones (in 'queries' mode)."""
        records = [r for name in self.attention_layers
                   for r in self.store.records.get(name, [])]
        if not records:
            raise RuntimeError('no cross-attention was recorded: the UNet '
                               'stopped before the attention blocks ran')
        if self.prompt_mode == 'batch':
            maps = self.aggregate([r.maps for r in records], latent_hw)
            return maps.unflatten(0, (prompts.shape[0], batch))
        maps = []
        for j, prompt in enumerate(prompts):
            if j == 0 and first_seen:
                layers = [r.maps for r in records]
            else:
                layers = [attention_from_queries(r.attn, r.query,
                                                 prompt[None],
                                                 self.attention_value)
                          for r in records]
            maps.append(self.aggregate(layers, latent_hw))
        return torch.stack(maps)

    @torch.no_grad()
    def __call__(self, latent: torch.Tensor, unet_text: torch.Tensor,
                prompts: Optional[torch.Tensor] = None) -> dict:
        """Features and per-token attention of one UNet pass.

        Args:
            latent: (B, C, h, w) clean VAE latent.
            unet_text: (1 or B, L, D) tokens the UNet is conditioned on
                (unused by ``prompt_mode='batch'`` when ``prompts`` is given).
            prompts: (P, L, D) prompts whose token maps are wanted; None for
                features only.

        Returns:
            dict(features=(B, C_f, h_f, w_f) float32, attention=(P, B, L,
            h_a, w_a) float32 or None).
        """
        batch, latent_hw = latent.shape[0], tuple(latent.shape[-2:])
        z = self.noisy_latent(latent)
        if prompts is not None and not self.attention_layers:
            raise ValueError('attention maps were asked for but '
                             'attention_blocks is empty')
        if prompts is not None and self.prompt_mode == 'batch':
            text = prompts.repeat_interleave(batch, dim=0)
            z = z.repeat(prompts.shape[0], 1, 1, 1)
        else:
            text = unet_text.expand(batch, -1, -1)
        maps = self.run_unet(z, text)
        missing = [n for n in self.feature_modules if n not in maps]
        if missing:
            raise RuntimeError(f'feature blocks {missing} did not run')
        attention = None
        if prompts is not None:
            first_seen = unet_text.shape[0] == 1 and torch.equal(
                unet_text[0], prompts[0])
            attention = self.prompt_attention(prompts, batch, latent_hw,
                                              first_seen)
        self.store.clear()
        return dict(features=self.combine_features(maps, batch),
                    attention=attention)
