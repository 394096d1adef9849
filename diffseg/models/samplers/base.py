"""The contract of SAMPLERS: a denoiser and a condition -> a clean latent."""
from abc import ABCMeta, abstractmethod
from typing import NamedTuple, Optional

import torch


class SamplingOptions(NamedTuple):
    """What a call asks beyond plain generation (see :class:`BaseSampler`)."""
    self_condition: bool = False
    known: Optional[torch.Tensor] = None
    known_mask: Optional[torch.Tensor] = None
    return_x0: bool = False


class BaseSampler(metaclass=ABCMeta):
    """Generate a latent (B, C, h, w), the shape of the condition, with a
    denoiser (DENOISERS). Every sampler takes the same arguments:

    - ``denoiser(sample, t, tokens, token_mask) -> output``;
    - ``condition`` (B, C, h, w): the latent the denoiser sees beside the
      sample (LDIS: the query latent; LDMSeg: the image latent);
    - ``tokens`` (B, L, D), ``token_mask`` (B, L) or None, and
      ``null_tokens`` (B, L, D) for guidance with an unconditional branch
      (``needs_null_tokens``);
    - ``self_condition``: the denoiser also sees the previous clean-latent
      estimate (zeros before the first), concatenated after the condition;
    - ``known`` (B, C, h, w) with ``known_mask`` (B, 1, h, w), 1 = fixed:
      the clean latent is the known one on the fixed cells (inpainting);
    - ``return_x0``: return the clean-latent estimate of the last step
      instead of the scheduler's last sample.

    ``prediction_type`` is what the denoiser must output ('epsilon',
    'sample' or 'v_prediction'); the training recipe must match it.
    Segmentors read only these members. Subclasses implement
    :meth:`sample`.
    """

    @property
    @abstractmethod
    def prediction_type(self) -> str:
        """What the denoiser is asked to predict."""

    @property
    @abstractmethod
    def needs_null_tokens(self) -> bool:
        """Whether ``null_tokens`` must be given."""

    def __call__(self,
                 denoiser,
                 condition: torch.Tensor,
                 tokens: torch.Tensor,
                 token_mask: Optional[torch.Tensor] = None,
                 null_tokens: Optional[torch.Tensor] = None,
                 *,
                 self_condition: bool = False,
                 known: Optional[torch.Tensor] = None,
                 known_mask: Optional[torch.Tensor] = None,
                 return_x0: bool = False) -> torch.Tensor:
        """-> the generated latent (B, C, h, w)."""
        if (known is None) != (known_mask is None):
            raise ValueError('give both known and known_mask, or neither')
        return self.sample(
            denoiser, condition, tokens, token_mask, null_tokens,
            SamplingOptions(self_condition, known, known_mask, return_x0))

    @abstractmethod
    def sample(self, denoiser, condition: torch.Tensor, tokens: torch.Tensor,
               token_mask: Optional[torch.Tensor],
               null_tokens: Optional[torch.Tensor],
               options: SamplingOptions) -> torch.Tensor:
        """The generation behind ``__call__`` (known and known_mask
        checked)."""

    @staticmethod
    def fix_known(x0: torch.Tensor, options: SamplingOptions) -> torch.Tensor:
        """The clean latent with ``options.known`` on the fixed cells."""
        if options.known is None:
            return x0
        m = options.known_mask.to(x0.dtype)
        return m * options.known.to(x0.dtype) + (1 - m) * x0
