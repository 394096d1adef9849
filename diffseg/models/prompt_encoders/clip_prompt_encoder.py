"""CLIP / Alpha-CLIP prompt encoder: (image, mask) prompts -> tokens + mask."""
import os
import os.path as osp
from contextlib import nullcontext

import torch
import torch.nn.functional as F
from einops import rearrange
from safetensors import safe_open
from torch import nn
from transformers import CLIPVisionConfig, CLIPVisionModel
from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

from diffseg.registry import PROMPT_ENCODERS
from diffseg.utils.frozen import FrozenNetworkMixin
from diffseg.utils.misc import check_choice
from .alpha_clip_embeddings import AlphaCLIPVisionEmbeddings
from .base import BasePromptEncoder

# Optional file beside a pretrained CLIP holding the Alpha-CLIP alpha conv:
# a (hidden, 1, p, p) tensor whose key ends with ALPHA_KEY_SUFFIX.
ALPHA_WEIGHTS_NAME = 'alpha_embedding.safetensors'
ALPHA_KEY_SUFFIX = 'patch_embedding_alpha.weight'
PRE_MASKING_MODES = ('none', 'multiply', 'alpha')
POST_MASK_MODES = ('any', 'nearest', 'area')
ALPHA_INITS = ('pretrained', 'zeros')
PIXEL_NORMS = ('sd', 'clip')
CONVERTER = 'tools/model_converters/alpha_clip_to_hf.py'


def load_clip_vision(pretrained: str) -> CLIPVisionModel:
    """Load the vision tower of a local CLIP saved with ``save_pretrained``.

    ``CLIPVisionModel``, ``CLIPVisionModelWithProjection`` and ``CLIPModel``
    directories all work (transformers takes the vision tower's weights).
    """
    if not osp.isfile(osp.join(pretrained, 'config.json')):
        raise FileNotFoundError(
            f'CLIP vision weights not found at {pretrained!r}: place a '
            'transformers CLIP model saved with save_pretrained there '
            '(config.json + model.safetensors), e.g. '
            'openai/clip-vit-large-patch14; nothing is downloaded')
    return CLIPVisionModel.from_pretrained(pretrained, local_files_only=True)


def find_alpha_weight(pretrained: str):
    """The alpha conv weight stored in ``pretrained``, or None.

    Looks in ``ALPHA_WEIGHTS_NAME`` first, then in the model's own safetensors
    files (a state dict that already carries
    ``embeddings.patch_embedding_alpha.weight``).
    """
    names = sorted(n for n in os.listdir(pretrained)
                   if n.endswith('.safetensors') and n != ALPHA_WEIGHTS_NAME)
    for name in [ALPHA_WEIGHTS_NAME] + names:
        path = osp.join(pretrained, name)
        if not osp.isfile(path):
            continue
        with safe_open(path, framework='pt') as f:
            for key in f.keys():
                if key.endswith(ALPHA_KEY_SUFFIX):
                    return f.get_tensor(key)
    return None


@PROMPT_ENCODERS.register_module()
class CLIPPromptEncoder(FrozenNetworkMixin, BasePromptEncoder):
    """Encode K (image, mask) prompts with a CLIP ViT into cross-attn tokens.

    Args:
        pretrained: local directory of a transformers CLIP (vision) model.
        vision_config: ``CLIPVisionConfig`` kwargs for a random-init model.
            Exactly one of ``pretrained`` and ``vision_config`` is given.
        pre_masking: how the mask enters CLIP: 'none' (ignored), 'multiply'
            (background RGB set to 0) or 'alpha' (Alpha-CLIP alpha channel,
            ``(mask - 0.5) / 0.26``).
        post_masking: return a token mask (True = keep) for cross-attention.
        out_dim: width of a trainable ``nn.Linear`` on the tokens (None: none).
        image_size: side CLIP runs at; prompts are resized to it (None: as is).
        use_cls_token: keep the CLS token (first token of each prompt).
        freeze: freeze CLIP and keep it in eval mode (the projection trains).
        post_mask_mode: a patch is kept if 'any' of its pixels is foreground,
            if its top-left pixel is ('nearest', the reference code) or if
            >= 50% of it is ('area').
        alpha_init: where the alpha convolution of ``pre_masking='alpha'``
            comes from when ``pretrained`` is given: 'pretrained' (the
            Alpha-CLIP weights in that directory, written by
            ``tools/model_converters/alpha_clip_to_hf.py``; a directory
            without them is an error) or 'zeros' (start at zero, i.e. plain
            CLIP, and train the convolution, also when ``freeze`` is set).
            With ``vision_config`` the convolution starts at zero and trains
            with the rest of the random-init CLIP.
        pixel_norm: what CLIP sees: 'sd' (the prompts' [-1, 1] range, as
            the reference code feeds Alpha-CLIP, skipping CLIP's own
            normalisation) or 'clip' (CLIP's mean / std, as CLIP was
            trained).
    """

    def __init__(self,
                 pretrained: str | None = None,
                 vision_config: dict | None = None,
                 pre_masking: str = 'alpha',
                 post_masking: bool = True,
                 out_dim: int | None = None,
                 image_size: int | None = None,
                 use_cls_token: bool = False,
                 freeze: bool = False,
                 post_mask_mode: str = 'any',
                 alpha_init: str = 'pretrained',
                 pixel_norm: str = 'sd',
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if (pretrained is None) == (vision_config is None):
            raise ValueError(
                'CLIPPromptEncoder needs exactly one of `pretrained` (a local '
                'CLIP directory) and `vision_config` (CLIPVisionConfig kwargs '
                f'for a random init); got pretrained={pretrained!r}, '
                f'vision_config={vision_config!r}')
        check_choice('pre_masking', pre_masking, PRE_MASKING_MODES)
        check_choice('post_mask_mode', post_mask_mode, POST_MASK_MODES)
        check_choice('alpha_init', alpha_init, ALPHA_INITS)
        check_choice('pixel_norm', pixel_norm, PIXEL_NORMS)
        self.pixel_norm = pixel_norm
        self.pre_masking = pre_masking
        self.post_masking = post_masking
        self.post_mask_mode = post_mask_mode
        self.image_size = image_size
        self.use_cls_token = use_cls_token
        self.freeze = freeze
        # the alpha conv trains inside an otherwise frozen CLIP
        self.train_alpha = pre_masking == 'alpha' and alpha_init == 'zeros'

        if pretrained is not None:
            self.clip = load_clip_vision(pretrained)
        else:
            self.clip = CLIPVisionModel(CLIPVisionConfig(**vision_config))
        if pre_masking == 'alpha':
            self._swap_in_alpha_embeddings(
                pretrained if alpha_init == 'pretrained' else None)
        # mmengine's init_weights must not re-initialise the (pretrained) CLIP
        self.clip.is_init = True
        hidden = self.clip.config.hidden_size
        self.proj = nn.Identity() if out_dim is None else nn.Linear(
            hidden, out_dim)
        # the tokens are the last hidden states: the pooled output's layer
        # norm never sees a gradient (DDP would wait for it)
        self.clip.post_layernorm.requires_grad_(False)
        if freeze:
            self.clip.requires_grad_(False)
            self.clip.eval()
        if self.train_alpha:
            self.clip.embeddings.patch_embedding_alpha.requires_grad_(True)

    def _swap_in_alpha_embeddings(self, pretrained):
        """Replace ``clip.embeddings`` by Alpha-CLIP ones, keeping weights;
        the alpha conv is read from ``pretrained`` (zero when None)."""
        old = self.clip.embeddings
        emb = AlphaCLIPVisionEmbeddings(self.clip.config).to(
            old.patch_embedding.weight)
        alpha = None if pretrained is None else find_alpha_weight(pretrained)
        if pretrained is not None and alpha is None:
            raise ValueError(
                f"pre_masking='alpha' needs Alpha-CLIP weights, but "
                f'{pretrained!r} holds no alpha convolution (no '
                f'{ALPHA_WEIGHTS_NAME}, no *{ALPHA_KEY_SUFFIX} tensor): it '
                'is a plain CLIP, with which pre-masking would do nothing. '
                f'Convert an Alpha-CLIP checkpoint with `python {CONVERTER} '
                'clip_l14_grit20m_fultune_2xe.pth DIR`, set pretrained=DIR, '
                "or set alpha_init='zeros' to start the alpha convolution at "
                "zero and train it, or pre_masking='none'")
        state = old.state_dict()
        state['patch_embedding_alpha.weight'] = (
            emb.patch_embedding_alpha.weight if alpha is None else alpha)
        emb.load_state_dict(state)
        self.clip.embeddings = emb

    @property
    def num_tokens_per_prompt(self) -> int:
        """Tokens per prompt at ``image_size`` (the CLIP config's if None)."""
        side = self.image_size or self.clip.config.image_size
        return (side // self.clip.config.patch_size)**2 + int(
            self.use_cls_token)

    @property
    def out_channels(self) -> int:
        """Width D of the returned tokens."""
        if isinstance(self.proj, nn.Linear):
            return self.proj.out_features
        return self.clip.config.hidden_size

    def frozen_network(self) -> nn.Module:
        return self.clip

    def forward(self, prompts: torch.Tensor):
        """Encode prompts (B, K, 4, h, w): RGB in [-1, 1] + mask in {0, 1}.

        Returns tokens (B, K*N, D) and the token mask (B, K*N) bool (True =
        keep), or None when ``post_masking`` is False.
        """
        if prompts.dim() != 5 or prompts.shape[2] != 4:
            raise ValueError(
                f'prompts has shape {tuple(prompts.shape)}; expected '
                '(B, K, 4, h, w): RGB in [-1, 1] plus a mask channel')
        b, _, _, h, w = prompts.shape
        images = rearrange(prompts, 'b k c h w -> (b k) c h w')
        rgb, mask = images[:, :3], images[:, 3:]
        size = (h, w) if self.image_size is None else (self.image_size, ) * 2
        clip_mask = mask
        if size != (h, w):
            rgb = F.interpolate(rgb, size, mode='bilinear',
                                align_corners=False)
            clip_mask = F.interpolate(mask, size, mode='nearest')
        if self.pixel_norm == 'clip':
            mean, std = (rgb.new_tensor(v).view(1, 3, 1, 1)
                         for v in (OPENAI_CLIP_MEAN, OPENAI_CLIP_STD))
            rgb = ((rgb + 1) / 2 - mean) / std
        if self.pre_masking == 'multiply':
            rgb = rgb * clip_mask
        elif self.pre_masking == 'alpha':
            rgb = torch.cat([rgb, (clip_mask - 0.5) / 0.26], dim=1)

        interpolate = size != (self.clip.config.image_size, ) * 2
        frozen = self.freeze and not self.train_alpha
        with torch.no_grad() if frozen else nullcontext():
            tokens = self.clip(pixel_values=rgb,
                               interpolate_pos_encoding=interpolate
                               ).last_hidden_state
        if not self.use_cls_token:
            tokens = tokens[:, 1:]
        tokens = rearrange(self.proj(tokens), '(b k) n d -> b (k n) d', b=b)
        if not self.post_masking:
            return tokens, None
        patch = self.clip.config.patch_size
        grid = (size[0] // patch, size[1] // patch)
        return tokens, self.episode_token_mask(mask, grid, b)

    def token_mask(self, mask: torch.Tensor, grid) -> torch.Tensor:
        """Per-patch keep mask (B*K, N) bool from masks (B*K, 1, h, w),
        pooled from the full-resolution mask by ``post_mask_mode``."""
        if self.post_mask_mode == 'any':
            keep = F.adaptive_max_pool2d(mask, grid) > 0.5
        elif self.post_mask_mode == 'area':
            keep = F.adaptive_avg_pool2d(mask, grid) >= 0.5
        else:
            keep = F.interpolate(mask, grid, mode='nearest') > 0.5
        return keep.flatten(1)

    def episode_token_mask(self, mask: torch.Tensor, grid,
                           batch: int) -> torch.Tensor:
        """Keep mask (B, K*N) bool of B episodes from masks (B*K, 1, h, w).

        A prompt none of whose patches is kept gets no token (its CLS
        included) when another prompt of its episode has some: the
        reference's -10000 bias on all its tokens amounts to dropping it.
        When no prompt of an episode keeps a patch (K = 1: an object that
        the rule misses), each prompt keeps its patches of largest
        foreground coverage; with an empty mask all of them tie and stay,
        i.e. no mask (a constant bias on a whole row, as the reference's
        all-masked row, masks nothing). Every row keeps a token: no NaN.
        """
        keep = rearrange(self.token_mask(mask, grid), '(b k) n -> b k n',
                         b=batch)
        coverage = rearrange(F.adaptive_avg_pool2d(mask, grid),
                             '(b k) 1 gh gw -> b k (gh gw)', b=batch)
        best = coverage == coverage.amax(dim=-1, keepdim=True)
        episode_kept = keep.flatten(1).any(dim=1)[:, None, None]
        keep = keep | (best & ~episode_kept)
        if self.use_cls_token:
            keep = torch.cat([keep.any(dim=-1, keepdim=True), keep], dim=-1)
        return rearrange(keep, 'b k n -> b (k n)')
