"""Id maps <-> bit planes (LDMSeg's input encoding of panoptic masks)."""
from typing import Optional

import torch

from diffseg.registry import ID_CODECS
from .base import BaseIdCodec


@ID_CODECS.register_module()
class BitCodec(BaseIdCodec):
    """Encode an id map as ``num_bits`` planes in {-1, +1}; void is 0.

    Id 0 is void. A non-void id ``k`` in [1, 2**num_bits - 1] becomes the
    planes ``2 * ((k >> b) & 1) - 1`` for b = 0 .. num_bits - 1 (least
    significant bit first); void pixels are 0 in every plane (the reference
    code's fill value 0.5 mapped through 2x - 1). ``decode`` thresholds the
    planes at 0, so void comes back as id 0.

    Panoptic ids carry no meaning: :meth:`assign_random_ids` gives the
    segments of each sample distinct random ids for every draw, so a model
    trained on them cannot rely on any particular labelling.

    Args:
        num_bits: planes per pixel; ids lie in [0, 2**num_bits - 1].
    """

    def __init__(self, num_bits: int = 7):
        if not 1 <= num_bits <= 16:
            raise ValueError(f'num_bits must be in [1, 16]; got {num_bits}')
        self.num_bits = num_bits

    @property
    def num_channels(self) -> int:
        return self.num_bits

    @property
    def num_ids(self) -> int:
        return 2**self.num_bits

    def _check_ids(self, ids: torch.Tensor, what: str) -> None:
        if ids.dtype.is_floating_point:
            raise TypeError(f'{what} must hold integer ids; got {ids.dtype}')
        if ids.numel() and (ids.min() < 0 or ids.max() > self.max_segments):
            raise ValueError(
                f'{what} holds ids in [{int(ids.min())}, {int(ids.max())}]; '
                f'{self.num_bits} bits hold [0, {self.max_segments}] (0 = '
                'void): draw ids with assign_random_ids or use more bits')

    def encode(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, H, W) integer in [0, 2**n - 1] -> planes (B, n, H, W)
        float in {-1, 0, +1} (0 only on void pixels)."""
        if ids.dim() != 3:
            raise ValueError(f'ids must be (B, H, W); got {tuple(ids.shape)}')
        self._check_ids(ids, 'ids')
        shifts = torch.arange(self.num_bits, device=ids.device)
        bits = (ids.long()[:, None] >> shifts[None, :, None, None]) & 1
        planes = bits.float() * 2 - 1
        return planes * (ids != 0)[:, None].float()

    def decode(self, planes: torch.Tensor) -> torch.Tensor:
        """planes (B, n, H, W) -> ids (B, H, W) long (each bit = plane > 0)."""
        if planes.dim() != 4 or planes.shape[1] != self.num_bits:
            raise ValueError(f'planes must be (B, {self.num_bits}, H, W); '
                             f'got {tuple(planes.shape)}')
        weights = 2**torch.arange(self.num_bits, device=planes.device)
        return ((planes > 0).long() * weights[None, :, None, None]).sum(1)

    def assign_random_ids(self,
                          ids: torch.Tensor,
                          generator: Optional[torch.Generator] = None
                          ) -> torch.Tensor:
        """ids (B, H, W) of any integer values (0 = void) -> ids (B, H, W)
        long where the segments of each sample get distinct ids drawn
        uniformly without replacement from [1, 2**n - 1]; void stays 0."""
        if ids.dim() != 3 or ids.dtype.is_floating_point:
            raise ValueError(f'ids must be (B, H, W) integers; got '
                             f'{tuple(ids.shape)} {ids.dtype}')
        out = torch.zeros_like(ids, dtype=torch.long)
        for i, sample in enumerate(ids):
            values, inverse = torch.unique(sample, return_inverse=True)
            segments = int((values != 0).sum())
            if segments > self.max_segments:
                raise ValueError(
                    f'sample {i} has {segments} segments; {self.num_bits} '
                    f'bits hold at most {self.max_segments}')
            perm = torch.randperm(self.max_segments, generator=generator)
            new = torch.zeros(len(values), dtype=torch.long)
            new[values.cpu() != 0] = perm[:segments] + 1
            out[i] = new.to(ids.device)[inverse]
        return out
