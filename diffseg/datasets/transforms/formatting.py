"""Packing of an episode into model inputs and an InContextDataSample."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData

from diffseg.registry import TRANSFORMS
from diffseg.structures import InContextDataSample


def _image_to_tensor(img: np.ndarray, name: str) -> torch.Tensor:
    """(H, W, 3) uint8 RGB -> (3, H, W) uint8 tensor, with a clear error."""
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'{name} has shape {img.shape}; expected (H, W, 3) '
                         'RGB (convert grayscale or RGBA images first)')
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackInContextInputs(BaseTransform):
    """Pack query, prompts and targets of an episode.

    Required keys: ``img`` (H, W, 3) RGB uint8, ``prompt_imgs`` (list of K
    (h, w, 3)), ``prompt_masks`` (list of K (h, w)). Optional: ``gt_seg_map``,
    ``gt_objects`` (H, W).

    Returns ``dict(inputs=(3, H, W) uint8, data_samples=InContextDataSample)``.
    """

    def __init__(self,
                 meta_keys=('img_path', 'ori_shape', 'img_shape', 'cls_id',
                            'prompt_cls_ids', 'episode_idx', 'flip',
                            'flip_direction', 'scale_factor', 'video',
                            'prompt_key', 'multi_category')):
        self.meta_keys = meta_keys

    def transform(self, results: dict) -> dict:
        prompt_imgs, prompt_masks = results['prompt_imgs'], results[
            'prompt_masks']
        if len(prompt_imgs) == 0 or len(prompt_imgs) != len(prompt_masks):
            raise ValueError(
                f'an episode needs K >= 1 prompt images with one mask each; '
                f'got {len(prompt_imgs)} images and {len(prompt_masks)} masks')
        img_tensors, mask_tensors = [], []
        for k, (p_img, p_mask) in enumerate(zip(prompt_imgs, prompt_masks)):
            p_img = _image_to_tensor(p_img, f'prompt image {k}')
            p_mask = np.asarray(p_mask)
            if p_mask.shape != tuple(p_img.shape[1:]):
                raise ValueError(
                    f'prompt mask {k} has shape {p_mask.shape} but its image '
                    f'is {p_img.shape[0]}x{p_img.shape[1]}x{p_img.shape[2]}')
            if not ((p_mask == 1).any()):
                raise ValueError(f'prompt mask {k} is empty: a prompt must '
                                 'show at least one pixel of the concept')
            img_tensors.append(p_img)
            mask_tensors.append(torch.from_numpy(p_mask.astype(np.uint8)))
        if len({tuple(t.shape) for t in img_tensors}) > 1:
            raise ValueError('the prompt images of an episode must share one '
                             'size; resize them in the pipeline first')

        sample = InContextDataSample()
        sample.prompt_imgs = torch.stack(img_tensors)
        sample.prompt_masks = torch.stack(mask_tensors)
        img = _image_to_tensor(results['img'], 'query image')
        for key in ('gt_seg_map', 'gt_objects'):
            if key not in results:
                continue
            seg = np.asarray(results[key])
            # test pipelines keep the gt at the original size
            sizes = {tuple(img.shape[1:]),
                     tuple(results.get('ori_shape', img.shape[1:]))}
            if seg.shape not in sizes:
                raise ValueError(f'{key} has shape {seg.shape} but the query '
                                 f'image is {tuple(img.shape[1:])} (original '
                                 f'size {results.get("ori_shape")})')
            field = 'gt_sem_seg' if key == 'gt_seg_map' else key
            sample.set_field(
                PixelData(data=torch.from_numpy(seg.astype(np.int64))[None]),
                field)
        sample.set_metainfo(
            {k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=img, data_samples=sample)
