"""Panels of in-context episodes: prompts, prediction and ground truth."""
from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmengine.dist import master_only
from mmengine.structures import BaseDataElement
from mmengine.visualization import Visualizer

from diffseg.fileio import write_image
from diffseg.registry import VISUALIZERS
from .label_overlay import draw_label_overlay
from .style import (BACKGROUND_COLOUR, CONTOUR_COLOUR, FONT, FONT_SCALE,
                    IGNORE_COLOUR, IGNORE_INDEX, LINE_HEIGHT,
                    MIN_TILE_HEIGHT, TEXT_COLOUR)


def _image_hwc(img, name: str) -> np.ndarray:
    """(3, H, W) or (H, W, 3) uint8 RGB tensor or array -> (H, W, 3) array."""
    if isinstance(img, torch.Tensor):
        img = img.detach().cpu().numpy()
    img = np.asarray(img)
    if img.ndim != 3 or 3 not in (img.shape[0], img.shape[2]) or (
            img.dtype != np.uint8):
        raise ValueError(f'{name} has shape {img.shape} and dtype '
                         f'{img.dtype}; expected (3, H, W) or (H, W, 3) '
                         'uint8 RGB')
    if img.shape[2] != 3:
        img = img.transpose(1, 2, 0)
    return np.ascontiguousarray(img)


def _mask_hw(mask) -> np.ndarray:
    """PixelData or tensor of (1, H, W) or (H, W) -> (H, W) int64 array."""
    if isinstance(mask, BaseDataElement):
        mask = mask.data
    mask = torch.as_tensor(mask).detach().cpu().numpy().astype(np.int64)
    return mask[0] if mask.ndim == 3 else mask


def _resize(img: np.ndarray, mask: np.ndarray, height: int):
    """Resize a tile to ``height``; nearest when upscaling (crisp pixels)."""
    h, w = mask.shape
    size = (max(1, round(w * height / h)), height)
    interp = cv2.INTER_NEAREST if height >= h else cv2.INTER_AREA
    img = cv2.resize(img, size, interpolation=interp)
    mask = cv2.resize(mask.astype(np.uint8), size,
                      interpolation=cv2.INTER_NEAREST)
    return img, mask


def _overlay(img: np.ndarray, mask: np.ndarray, alpha: float) -> np.ndarray:
    """Dim everything but the mask (so its own colours stay visible): blend
    BACKGROUND_COLOUR on mask == 0, IGNORE_COLOUR on 255; outline the mask."""
    out = img.astype(np.float32)
    for value, colour in ((0, BACKGROUND_COLOUR),
                          (IGNORE_INDEX, IGNORE_COLOUR)):
        sel = mask == value
        out[sel] = (1 - alpha) * out[sel] + alpha * np.float32(colour)
    out = np.round(out).astype(np.uint8)
    contours, _ = cv2.findContours((mask == 1).astype(np.uint8),
                                   cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(out, contours, -1, CONTOUR_COLOUR, 1)
    return out


def _caption(lines: Sequence[str], width: int, num_lines: int) -> np.ndarray:
    """A black (num_lines * LINE_HEIGHT, width, 3) strip with white text."""
    strip = np.zeros((num_lines * LINE_HEIGHT, width, 3), np.uint8)
    for i, text in enumerate(lines):
        scale = FONT_SCALE
        text_width = cv2.getTextSize(text, FONT, scale, 1)[0][0]
        if text_width > width - 4:  # shrink to fit the tile
            scale *= (width - 4) / text_width
        cv2.putText(strip, text, (2, (i + 1) * LINE_HEIGHT - 4), FONT, scale,
                    TEXT_COLOUR, 1, cv2.LINE_AA)
    return strip


def _class_name(cls_id, class_names: Optional[Sequence[str]]):
    if cls_id is None or class_names is None:
        return None
    cls_id = int(cls_id)
    return class_names[cls_id] if 0 <= cls_id < len(class_names) else None


def _miou_text(pred: np.ndarray, gt: np.ndarray) -> str:
    """Mean IoU over the non-background classes of ``gt`` or ``pred``."""
    valid = gt != IGNORE_INDEX
    classes = set(np.unique(gt[valid])) | set(np.unique(pred[valid]))
    ious = [((pred == c) & (gt == c) & valid).sum() /
            (((pred == c) | (gt == c)) & valid).sum()
            for c in sorted(classes - {0})]
    return f'mIoU {100 * np.mean(ious):.1f}' if ious else 'mIoU n/a'


def _label_overlay(img: np.ndarray, labels: np.ndarray, alpha: float,
                   class_names: Optional[Sequence[str]]) -> np.ndarray:
    """Class-id ``labels`` coloured over ``img`` with a legend; background
    (0) and ignore stay uncoloured."""
    top = int(labels[labels != IGNORE_INDEX].max(initial=0))
    names = (list(class_names) if class_names is not None
             and len(class_names) > top else [str(i) for i in range(top + 1)])
    return draw_label_overlay(img, np.where(labels == 0, IGNORE_INDEX, labels),
                              names, alpha=alpha)


def _iou_text(pred: np.ndarray, gt: np.ndarray) -> str:
    valid = gt != IGNORE_INDEX
    pred_fg, gt_fg = (pred == 1) & valid, (gt == 1) & valid
    union = (pred_fg | gt_fg).sum()
    if union == 0:
        return 'IoU n/a'
    return f'IoU {100 * (pred_fg & gt_fg).sum() / union:.1f}'


def draw_incontext_panel(data_sample,
                         query_img=None,
                         alpha: float = 0.5,
                         class_names: Optional[Sequence[str]] = None,
                         draw_gt: bool = True,
                         draw_pred: bool = True) -> np.ndarray:
    """Draw one episode as a row of captioned tiles.

    Tiles: each prompt image with its mask, the query with ``pred_sem_seg``
    (caption with the IoU when the gt is there), the query with
    ``gt_sem_seg``; the plain query when neither is drawn. Outside each mask
    the image is darkened with weight ``alpha``; the mask is outlined. A
    ``multi_category`` sample (class-id prediction and gt) shows each class
    in its own colour with a legend. All tiles are resized to one height, at
    least MIN_TILE_HEIGHT; a query image of another size than the masks (the
    pipeline resized it) is resized to the masks.

    Args:
        data_sample: InContextDataSample with prompts and pred and/or gt.
        query_img: (3, H, W) or (H, W, 3) uint8 RGB query image (the sample
            does not hold it: pass ``data_batch['inputs'][i]``).
        class_names: names indexed by class id; the metainfo ``cls_name``
            wins for the target class.

    Returns:
        (MIN_TILE_HEIGHT or more + caption, sum of tile widths, 3) uint8 RGB.
    """
    if query_img is None:
        raise ValueError('draw_incontext_panel needs query_img, (3, H, W) or '
                         '(H, W, 3) uint8 RGB (e.g. data_batch["inputs"][i]): '
                         'a data sample does not hold the query image')
    meta = data_sample.metainfo
    cls_name = meta.get('cls_name') or _class_name(meta.get('cls_id'),
                                                   class_names)
    prompt_cls_ids = meta.get('prompt_cls_ids')
    multi = bool(meta.get('multi_category'))
    score_text = _miou_text if multi else _iou_text

    tiles = []  # (image, mask or None, caption lines, class-id labels?)
    for k in range(data_sample.prompt_imgs.shape[0]):
        lines = [f'prompt {k + 1}']
        if prompt_cls_ids is not None:
            lines.append(_class_name(prompt_cls_ids[k], class_names))
        tiles.append((_image_hwc(data_sample.prompt_imgs[k], f'prompt {k}'),
                      _mask_hw(data_sample.prompt_masks[k]), lines, False))

    query = _image_hwc(query_img, 'query_img')
    pred = (_mask_hw(data_sample.pred_sem_seg)
            if draw_pred and 'pred_sem_seg' in data_sample else None)
    gt = (_mask_hw(data_sample.gt_sem_seg)
          if draw_gt and 'gt_sem_seg' in data_sample else None)
    if pred is not None and gt is not None and pred.shape != gt.shape:
        raise ValueError(f'pred_sem_seg has shape {pred.shape} but gt_sem_seg '
                         f'has shape {gt.shape}; expected the same (H, W)')
    target_shape = next((m.shape for m in (pred, gt) if m is not None),
                        query.shape[:2])
    if query.shape[:2] != target_shape:
        query = cv2.resize(query, target_shape[::-1],
                           interpolation=cv2.INTER_LINEAR)
    if pred is not None:
        lines = ['prediction', cls_name]
        if gt is not None:
            lines.append(score_text(pred, gt))
        tiles.append((query, pred, lines, multi))
    if gt is not None:
        tiles.append((query, gt, ['ground truth', cls_name], multi))
    if pred is None and gt is None:
        tiles.append((query, None, ['query', cls_name], False))

    tiles = [(img, mask, [line for line in lines if line], labelled)
             for img, mask, lines, labelled in tiles]
    height = max([MIN_TILE_HEIGHT] + [tile[0].shape[0] for tile in tiles])
    num_lines = max(len(tile[2]) for tile in tiles)
    columns: List[np.ndarray] = []
    for img, mask, lines, labelled in tiles:
        if mask is None:
            mask = np.zeros(img.shape[:2], np.int64)
        img, mask = _resize(img, mask, height)
        drawn = (_label_overlay(img, mask, alpha, class_names) if labelled
                 else _overlay(img, mask, alpha))
        columns.append(np.concatenate(
            [_caption(lines, drawn.shape[1], num_lines), drawn]))
    return np.concatenate(columns, axis=1)


@VISUALIZERS.register_module()
class InContextVisualizer(Visualizer):
    """Visualizer drawing episodes with :func:`draw_incontext_panel`.

    Args:
        alpha: how much the pixels outside a mask are darkened.
        class_names: names indexed by class id; default: ``dataset_meta
            ['classes']``, which the runner's loops set.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 vis_backends: Optional[List[dict]] = None,
                 save_dir: Optional[str] = None,
                 alpha: float = 0.5,
                 class_names: Optional[Sequence[str]] = None,
                 **kwargs):
        super().__init__(name=name, vis_backends=vis_backends,
                         save_dir=save_dir, **kwargs)
        self.alpha = alpha
        self.class_names = class_names

    @master_only
    def add_datasample(self,
                       name: str,
                       image,
                       data_sample,
                       draw_gt: bool = True,
                       draw_pred: bool = True,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       step: int = 0) -> None:
        """Draw the panel of ``data_sample`` with the query ``image``.

        The panel is shown when ``show``; it is written to ``out_file`` when
        given, else added to the visualization backends under ``name``.
        """
        class_names = self.class_names or (self.dataset_meta or {}).get(
            'classes')
        panel = draw_incontext_panel(data_sample, image, self.alpha,
                                     class_names, draw_gt, draw_pred)
        if show:
            self.show(panel, win_name=name, wait_time=wait_time)
        if out_file is not None:
            write_image(out_file, panel)
        else:
            self.add_image(name, panel, step)
