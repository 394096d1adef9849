"""MaskDiffusion's open-vocabulary head: attention-weighted prototypes."""
from typing import Optional

import torch
import torch.nn.functional as F

from diffseg.registry import HEADS
from diffseg.utils.misc import check_choice
from .base import BaseHead

SIMILARITIES = ('cosine', 'dot')


@HEADS.register_module()
class MaskDiffusionHead(BaseHead):
    """Scores every pixel against one prototype feature per class.

    With f(p) the L2-normalised feature of pixel p and A_c the attention map
    of class c (resized to the feature grid), the prototype of c is
    r_c = sum_p w_c(p) f(p), w_c = A_c / sum_q A_c(q) (over valid pixels),
    and the score of c at p is cos(f(p), r_c) (the paper) or f(p) . r_c
    (``similarity='dot'``, the reference code: a class whose attention is
    spread over dissimilar pixels gets a short prototype and low scores).

    Args:
        similarity: 'cosine' or 'dot'.
        eps: guards the divisions.
    """

    uses_attention = True

    def __init__(self, similarity: str = 'cosine', eps: float = 1e-8):
        check_choice('similarity', similarity, SIMILARITIES)
        self.similarity = similarity
        self.eps = eps

    def prototypes(self, features: torch.Tensor, attention: torch.Tensor,
                   valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """features (B, D, h, w), attention (B, C, h', w'), valid (B, 1, h, w)
        -> prototypes (B, C, D) of the normalised features."""
        if features.shape[0] != attention.shape[0]:
            raise ValueError(f'features {tuple(features.shape)} and attention '
                             f'{tuple(attention.shape)} differ in batch size')
        f = F.normalize(features.float(), dim=1, eps=self.eps)
        a = attention.float()
        if a.shape[-2:] != f.shape[-2:]:
            a = F.interpolate(a, f.shape[-2:], mode='bilinear',
                              align_corners=False)
        a = a.clamp_min(0)
        if valid is not None:
            a = a * valid.to(a)
        w = a / a.sum((2, 3), keepdim=True).clamp_min(self.eps)
        return torch.einsum('bchw,bdhw->bcd', w, f)

    def __call__(self, features: torch.Tensor, attention: torch.Tensor,
                 valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """-> class scores (B, C, h, w) on the feature grid."""
        if attention is None:
            raise ValueError('MaskDiffusionHead needs per-class attention '
                             'maps (B, C, h, w)')
        r = self.prototypes(features, attention, valid)
        if self.similarity == 'cosine':
            r = F.normalize(r, dim=2, eps=self.eps)
        f = F.normalize(features.float(), dim=1, eps=self.eps)
        return torch.einsum('bdhw,bcd->bchw', f, r)
