"""Pseudo masks: binary masks as 3-channel images a VAE can encode."""
import torch
import torch.nn.functional as F

from diffseg.registry import MASK_CODECS
from diffseg.utils.misc import check_choice
from .base import BaseMaskCodec

MODES = ('vanilla', 'perturbed', 'augmented')


@MASK_CODECS.register_module()
class PseudoMaskCodec(BaseMaskCodec):
    """Encode a binary mask as a pseudo-mask image and decode it back.

    Vanilla (Eq. 2): background pixels are (b, a, (a+b)/2), foreground pixels
    (a, b, (a+b)/2), with a < b in [-1, 1] (reference: a = -1, b = 1).
    Augmented (Eq. 4): M_a = (1 - gamma) * M_v + gamma * I_q.
    Perturbed (Tab. 6, "+epsilon"): M_v + uniform noise in [-noise, noise] at
    training time.
    Decoding (Eq. 3): the image term is removed, and the foreground logit is
    d = M[1] - M[0] and p(fg) = exp(M[1]) / (exp(M[0]) + exp(M[1])) = sigmoid(d).

    Ignore pixels (``ignore_index``) are encoded as background, as the
    reference does.
    """

    def __init__(self, mode: str = 'vanilla', low: float = -1.0,
                 high: float = 1.0, gamma: float = 0.4, noise: float = 0.1,
                 ignore_index: int = 255):
        check_choice('mode', mode, MODES)
        if not -1.0 <= low < high <= 1.0:
            raise ValueError(f'need -1 <= low < high <= 1; got low={low}, '
                             f'high={high}')
        if mode == 'augmented' and not 0.0 <= gamma < 1.0:
            raise ValueError(f'gamma must be in [0, 1); got {gamma}')
        self.mode, self.low, self.high = mode, low, high
        self.gamma = gamma if mode == 'augmented' else 0.0
        self.noise = noise if mode == 'perturbed' else 0.0
        self.ignore_index = ignore_index

    def encode(self, mask: torch.Tensor, image: torch.Tensor,
               training: bool = False) -> torch.Tensor:
        """mask (B, 1, H, W) {0, 1, ignore}, image (B, 3, H, W) in [-1, 1]
        -> pseudo mask (B, 3, H, W) in [-1, 1]."""
        if mask.dim() != 4 or mask.shape[1] != 1:
            raise ValueError(f'mask has shape {tuple(mask.shape)}; expected '
                             '(B, 1, H, W)')
        if mask.shape[-2:] != image.shape[-2:]:
            raise ValueError(f'mask is {tuple(mask.shape[-2:])} but the image '
                             f'is {tuple(image.shape[-2:])}')
        fg = (mask == 1).to(image.dtype)
        mid = (self.low + self.high) / 2
        ch0 = self.high + (self.low - self.high) * fg
        ch1 = self.low + (self.high - self.low) * fg
        pseudo = torch.cat([ch0, ch1, torch.full_like(fg, mid)], dim=1)
        if self.noise and training:
            pseudo = pseudo + torch.empty_like(pseudo).uniform_(
                -self.noise, self.noise)
        if self.gamma:
            pseudo = (1 - self.gamma) * pseudo + self.gamma * image
        return pseudo

    def decode_logits(self, pseudo: torch.Tensor,
                      image: torch.Tensor) -> torch.Tensor:
        """pseudo (B, 3, H, W), image (B, 3, H, W) -> fg logit (B, 1, H, W)."""
        if self.gamma:
            pseudo = (pseudo - self.gamma * image) / (1 - self.gamma)
        return pseudo[:, 1:2] - pseudo[:, 0:1]

    def decode(self, pseudo: torch.Tensor,
               image: torch.Tensor) -> torch.Tensor:
        """pseudo (B, 3, H, W), image (B, 3, H, W) -> p(fg) (B, 1, H, W)."""
        return torch.sigmoid(self.decode_logits(pseudo, image))

    def decode_multiclass(self, logits: torch.Tensor) -> torch.Tensor:
        """Eq. 7: per-class fg logits (B, C, H, W), one run per class ->
        probabilities (B, C + 1, H, W), channel 0 the background with p~ = 1."""
        zeros = torch.zeros_like(logits[:, :1])
        return F.softmax(torch.cat([zeros, logits], dim=1), dim=1)
