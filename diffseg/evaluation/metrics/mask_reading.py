"""Reading masks out of data samples, for every metric alike."""
import torch
from mmengine.structures import BaseDataElement


def sample_mask(value, name: str, sample: str) -> torch.Tensor:
    """PixelData, its dict form, array or tensor of (1, H, W) -> (H, W).

    ``name`` (the field) and ``sample`` (which episode or frame) go into the
    error raised for any other shape.
    """
    if isinstance(value, BaseDataElement):
        value = value.data
    elif isinstance(value, dict):
        value = value['data']
    mask = torch.as_tensor(value).cpu()
    if mask.ndim == 3 and mask.shape[0] == 1:
        mask = mask[0]
    if mask.ndim != 2:
        raise ValueError(f'{name} of {sample} has shape '
                         f'{tuple(mask.shape)}; expected (1, H, W) or (H, W)')
    return mask
