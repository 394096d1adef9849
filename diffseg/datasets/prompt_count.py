"""The number of prompts K of an episode: fixed, or drawn from a range."""
from typing import Sequence, Tuple, Union

import numpy as np


def parse_prompt_range(num_prompts: Union[int, Sequence[int]]
                       ) -> Tuple[int, int]:
    """``K`` or ``(min, max)`` -> (min, max), with a clear error."""
    k_range = ((num_prompts, num_prompts) if isinstance(num_prompts, int)
               else tuple(num_prompts))
    if len(k_range) != 2 or not 1 <= k_range[0] <= k_range[1]:
        raise ValueError('num_prompts must be an int >= 1 or a (min, max) '
                         f'pair with 1 <= min <= max; got {num_prompts}')
    return k_range


def draw_prompt_count(k_range: Tuple[int, int],
                      rng: np.random.Generator) -> int:
    """K for one episode; ``rng`` is only used when the range is not fixed."""
    low, high = k_range
    return low if low == high else int(rng.integers(low, high + 1))
