"""Data sample of one in-context segmentation episode."""
import torch
from mmseg.structures import SegDataSample


class InContextDataSample(SegDataSample):
    """One episode: a query, K prompt (image, mask) pairs and the query's target.

    Fields on top of :class:`mmseg.structures.SegDataSample`:

    - ``prompt_imgs``: (K, 3, h, w) uint8 RGB prompt images.
    - ``prompt_masks``: (K, h, w) uint8 prompt masks, 1 = the concept, 0 = not,
      255 = ignore.
    - ``gt_sem_seg`` (inherited): PixelData of (1, H, W), 1 where the query shows
      the prompted concept, 0 elsewhere, 255 ignore.
    - ``gt_objects`` (optional): PixelData of (1, H, W), 1 on every annotated
      object of the query whatever its class (the prompt-agnostic baseline).

    Metainfo keys: ``cls_id`` (the prompted class), ``prompt_cls_ids``,
    ``img_shape``, ``ori_shape``, ``episode_idx``.
    """

    @property
    def prompt_imgs(self) -> torch.Tensor:
        return self._prompt_imgs

    @prompt_imgs.setter
    def prompt_imgs(self, value: torch.Tensor) -> None:
        self.set_field(value, '_prompt_imgs', dtype=torch.Tensor)

    @prompt_imgs.deleter
    def prompt_imgs(self) -> None:
        del self._prompt_imgs

    @property
    def prompt_masks(self) -> torch.Tensor:
        return self._prompt_masks

    @prompt_masks.setter
    def prompt_masks(self, value: torch.Tensor) -> None:
        self.set_field(value, '_prompt_masks', dtype=torch.Tensor)

    @prompt_masks.deleter
    def prompt_masks(self) -> None:
        del self._prompt_masks

    @property
    def num_prompts(self) -> int:
        return self.prompt_imgs.shape[0]
