"""Normalise, pad and batch in-context episodes."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseDataPreprocessor

from diffseg.registry import MODELS


@MODELS.register_module()
class InContextDataPreProcessor(BaseDataPreprocessor):
    """Turn packed episodes into model inputs.

    Query images are normalised to [-1, 1] and padded bottom/right (with 0)
    to a multiple of ``size_divisor``; in training their ground truth is
    padded with ``seg_pad_val``; at test time it stays as the pipeline left
    it, the size predictions are cropped and resized back to. Prompts are
    stacked with their mask as a fourth channel (ignore pixels become 0).
    With ``prompt_size``, each prompt is first padded bottom/right to the
    aspect ratio of ``prompt_size`` (image 0, i.e. grey, mask 0), then
    resized to it (bilinear for images, nearest for masks): prompts keep
    their geometry, at training (already square after the episode
    augmentation) and at test time alike, as in the reference code.

    Returns ``dict(inputs=dict(query=(B, 3, H, W), prompts=(B, K, 4, h, w)),
    data_samples=[...])``; when episodes have different K, prompts are padded
    to the largest and ``inputs['prompt_valid']`` (B, K) marks the real ones.
    """

    def __init__(self,
                 mean: float = 127.5,
                 std: float = 127.5,
                 size_divisor: int = 8,
                 prompt_size: Optional[Tuple[int, int]] = None,
                 seg_pad_val: int = 255,
                 non_blocking: bool = False):
        super().__init__(non_blocking)
        self.mean, self.std = mean, std
        self.size_divisor = size_divisor
        self.prompt_size = tuple(prompt_size) if prompt_size else None
        self.seg_pad_val = seg_pad_val

    def normalize(self, img: torch.Tensor) -> torch.Tensor:
        return (img.float() - self.mean) / self.std

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        images: Sequence[torch.Tensor] = data['inputs']
        samples = data['data_samples']
        if len(images) != len(samples):
            raise ValueError(f'{len(images)} query images but {len(samples)} '
                             'data samples')
        query = self._pad_queries(images, samples, pad_gt=training)
        prompts, prompt_valid = self._stack_prompts(samples)
        inputs = dict(query=query, prompts=prompts)
        if prompt_valid is not None:
            inputs['prompt_valid'] = prompt_valid
        return dict(inputs=inputs, data_samples=samples)

    def _pad_queries(self, images, samples, pad_gt: bool) -> torch.Tensor:
        for i, img in enumerate(images):
            if img.dim() != 3 or img.shape[0] != 3:
                raise ValueError(f'query image {i} has shape '
                                 f'{tuple(img.shape)}; expected (3, H, W) RGB')
        div = self.size_divisor
        height = max(img.shape[1] for img in images)
        width = max(img.shape[2] for img in images)
        height, width = -(-height // div) * div, -(-width // div) * div
        batch = []
        for img, sample in zip(images, samples):
            pad_h, pad_w = height - img.shape[1], width - img.shape[2]
            batch.append(F.pad(self.normalize(img), (0, pad_w, 0, pad_h)))
            sample.set_metainfo(dict(pad_shape=(height, width),
                                     padding_size=(0, pad_w, 0, pad_h)))
            if (pad_gt and 'gt_sem_seg' in sample and tuple(
                    sample.gt_sem_seg.shape) == tuple(img.shape[1:])):
                gt = sample.gt_sem_seg.data
                # PixelData refuses data of another size: drop it first
                del sample.gt_sem_seg.data
                sample.gt_sem_seg.data = F.pad(gt, (0, pad_w, 0, pad_h),
                                               value=self.seg_pad_val)
        return torch.stack(batch)

    def _fit_prompts(self, prompts: torch.Tensor) -> torch.Tensor:
        """(K, 4, h, w) -> (K, 4, *prompt_size): padded bottom/right to the
        aspect ratio of ``prompt_size``, then resized (no stretching)."""
        (ph, pw), (h, w) = self.prompt_size, prompts.shape[-2:]
        scale = max(h / ph, w / pw)
        height, width = max(h, round(ph * scale)), max(w, round(pw * scale))
        prompts = F.pad(prompts, (0, width - w, 0, height - h))
        if (height, width) == (ph, pw):
            return prompts
        imgs = F.interpolate(prompts[:, :3], self.prompt_size,
                             mode='bilinear', align_corners=False)
        masks = F.interpolate(prompts[:, 3:], self.prompt_size,
                              mode='nearest')
        return torch.cat([imgs, masks], dim=1)

    def _stack_prompts(self, samples):
        """-> prompts (B, K, 4, h, w), prompt_valid (B, K) or None.

        Episodes with fewer prompts than the batch's largest K are padded
        with blank prompts marked invalid in ``prompt_valid``."""
        counts = [s.prompt_imgs.shape[0] for s in samples]
        max_k = max(counts)
        batch = []
        for sample in samples:
            imgs = self.normalize(sample.prompt_imgs)
            masks = (sample.prompt_masks == 1).float()[:, None]
            prompts = torch.cat([imgs, masks], dim=1)
            if self.prompt_size:
                prompts = self._fit_prompts(prompts)
            pad = max_k - prompts.shape[0]
            batch.append(F.pad(prompts, (0, 0, 0, 0, 0, 0, 0, pad)))
        sizes = {tuple(p.shape[-2:]) for p in batch}
        if len(sizes) != 1:
            raise ValueError(f'prompts of a batch have sizes {sorted(sizes)}; '
                             'set prompt_size to resize them to one size')
        prompts = torch.stack(batch)
        if min(counts) == max_k:
            return prompts, None
        valid = torch.arange(max_k)[None] < torch.tensor(counts)[:, None]
        return prompts, valid.to(prompts.device)
