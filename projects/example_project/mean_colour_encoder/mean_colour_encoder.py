"""A small prompt encoder: masked mean colour + conv patches of [rgb, mask]."""
from typing import Sequence, Union

import torch
import torch.nn.functional as F
from torch import nn

from diffseg.models.prompt_encoders import BasePromptEncoder
from diffseg.registry import PROMPT_ENCODERS


@PROMPT_ENCODERS.register_module()
class MeanColourPromptEncoder(BasePromptEncoder):
    """Encode K (image, mask) prompts into one colour token + patch tokens.

    Each prompt gives ``1 + (h / patch_size) * (w / patch_size)`` tokens: the
    mean RGB of its foreground pixels (``colour_embed``), then the patches of
    the image stacked with its mask (``patchify``, a strided conv); all are
    mapped to ``out_dim`` by ``proj``. It implements
    :class:`BasePromptEncoder`, the contract LDIS-1 and LDIS-n read.

    Args:
        out_dim: width D of the tokens (the denoiser's cross-attention dim).
        patch_size: side of a patch; h and w must be multiples of it.
        hidden_dim: width of the tokens before ``proj``.
        post_masking: return a token mask keeping the colour token and the
            patches with a foreground pixel (all patches of an empty prompt).
        prompt_size: (h, w) (or one side) of the prompts the model gives it
            (the data preprocessor's ``prompt_size``); it fixes
            ``num_tokens_per_prompt``, the length of LDIS-n's learned null
            prompt. Prompts of other sizes are encoded too, into as many
            tokens as their patches give.
    """

    def __init__(self,
                 out_dim: int,
                 patch_size: int = 8,
                 hidden_dim: int = 32,
                 post_masking: bool = True,
                 prompt_size: Union[int, Sequence[int]] = 64,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        size = ((prompt_size, ) * 2 if isinstance(prompt_size, int) else
                tuple(prompt_size))
        if len(size) != 2 or size[0] % patch_size or size[1] % patch_size:
            raise ValueError(f'prompt_size={prompt_size!r}; expected a side '
                             f'or (h, w) in multiples of patch_size='
                             f'{patch_size}')
        self.patch_size = patch_size
        self.prompt_size = size
        self.post_masking = post_masking
        self.patchify = nn.Conv2d(4, hidden_dim, patch_size, patch_size)
        self.colour_embed = nn.Linear(3, hidden_dim)
        self.proj = nn.Linear(hidden_dim, out_dim)

    @property
    def out_channels(self) -> int:
        """Width D of the returned tokens."""
        return self.proj.out_features

    @property
    def num_tokens_per_prompt(self) -> int:
        """1 colour token + the patches of a ``prompt_size`` prompt."""
        h, w = self.prompt_size
        return 1 + (h // self.patch_size) * (w // self.patch_size)

    def forward(self, prompts: torch.Tensor):
        """Encode prompts (B, K, 4, h, w): RGB in [-1, 1] + mask in {0, 1}.

        Returns tokens (B, K*N, D), N = 1 + h*w / patch_size**2, and the token
        mask (B, K*N) bool (True = keep), or None when ``post_masking`` is
        False.
        """
        if prompts.dim() != 5 or prompts.shape[2] != 4:
            raise ValueError(
                f'prompts has shape {tuple(prompts.shape)}; expected '
                '(B, K, 4, h, w): RGB in [-1, 1] plus a mask channel')
        b, k, _, h, w = prompts.shape
        p = self.patch_size
        if h % p or w % p:
            raise ValueError(f'prompts are {h}x{w}; expected sides that are '
                             f'multiples of patch_size={p} (set the data '
                             'preprocessor prompt_size)')
        images = prompts.flatten(0, 1)  # (B*K, 4, h, w)
        rgb, mask = images[:, :3], images[:, 3:]
        area = mask.sum(dim=(2, 3)).clamp(min=1)  # (B*K, 1)
        mean_rgb = (rgb * mask).sum(dim=(2, 3)) / area  # (B*K, 3)
        colour = self.colour_embed(mean_rgb)[:, None]  # (B*K, 1, hidden)
        patches = self.patchify(images).flatten(2).transpose(1, 2)
        tokens = self.proj(torch.cat([colour, patches], dim=1))
        tokens = tokens.reshape(b, -1, tokens.shape[-1])
        if not self.post_masking:
            return tokens, None
        keep = F.adaptive_max_pool2d(mask, (h // p, w // p)).flatten(1) > 0.5
        keep = keep | ~keep.any(dim=1, keepdim=True)
        keep = torch.cat([keep.new_ones(len(keep), 1), keep], dim=1)
        return tokens, keep.reshape(b, -1)
