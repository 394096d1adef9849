"""The contract of PROMPT_ENCODERS: (image, mask) prompts -> tokens."""
from abc import ABCMeta, abstractmethod
from typing import Optional, Tuple

import torch
from mmengine.model import BaseModule


class BasePromptEncoder(BaseModule, metaclass=ABCMeta):
    """Encode K (image, mask) prompts into cross-attention tokens.

    ``forward(prompts (B, K, 4, h, w))``, RGB in [-1, 1] plus a mask in
    {0, 1}, returns tokens (B, K*N, D) and a token mask (B, K*N) bool
    (True = keep) or None, N = ``num_tokens_per_prompt``, D =
    ``out_channels``. Segmentors read only these members; LDIS-n's learned
    null prompt is an (N, D) parameter, so N must be fixed at construction
    (for the prompt size the encoder is configured for).
    """

    @property
    @abstractmethod
    def out_channels(self) -> int:
        """Width D of the returned tokens."""

    @property
    @abstractmethod
    def num_tokens_per_prompt(self) -> int:
        """Tokens N each prompt gives at the configured prompt size."""

    @abstractmethod
    def forward(self, prompts: torch.Tensor
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """prompts (B, K, 4, h, w) -> tokens (B, K*N, D), token mask
        (B, K*N) bool or None."""
