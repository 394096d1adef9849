"""The contract of HEADS: training-free scores from UNet features."""
from abc import ABCMeta, abstractmethod
from typing import List, Optional, Union

import torch


class BaseHead(metaclass=ABCMeta):
    """features (B, D, h, w), per-class attention (B, C, h', w') or None,
    valid (B, 1, h, w) bool or None -> scores.

    ``uses_attention`` tells the segmentor whether to compute the class
    attention maps (a vocabulary is needed) or to run the UNet on the empty
    prompt. Segmentors read only these members.
    """

    uses_attention: bool = False

    @abstractmethod
    def __call__(self, features: torch.Tensor,
                 attention: Optional[torch.Tensor] = None,
                 valid: Optional[torch.Tensor] = None
                 ) -> Union[torch.Tensor, List[torch.Tensor]]:
        """-> scores (B, K, h, w), or B maps (K_i, h, w) when the number of
        segments differs per image."""
