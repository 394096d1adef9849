"""Build a model from a config + checkpoint and segment one episode."""
import warnings
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader

from diffseg.datasets.transforms import PackInContextInputs
from diffseg.engine.checkpoint_fit import (CheckpointMismatchError,
                                           compare_state_dicts,
                                           describe_mismatch,
                                           strip_wrapper_prefix)
from diffseg.fileio import read_image, read_label_map
from diffseg.registry import MODELS
from diffseg.structures import InContextDataSample

ImageLike = Union[str, np.ndarray]


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build ``config.model``, load ``checkpoint`` and put it in eval mode.

    Args:
        config: config file path or :class:`Config`.
        checkpoint: checkpoint file; None keeps the initial weights.
        device: device to put the model on.
        cfg_options: overrides merged into the config.

    Returns:
        The model, with ``model.cfg`` and, when the checkpoint stores it,
        ``model.dataset_meta``.
    """
    if isinstance(config, str):
        config = Config.fromfile(config)
    elif not isinstance(config, Config):
        raise TypeError('config must be a file path or a Config, got '
                        f'{type(config).__name__}')
    if cfg_options is not None:
        config.merge_from_dict(cfg_options)
    init_default_scope(config.get('default_scope', 'diffseg'))
    model = MODELS.build(config.model)
    if checkpoint is not None:
        ckpt = load_weights(model, checkpoint)
        dataset_meta = ckpt.get('meta', {}).get('dataset_meta')
        if dataset_meta is not None:
            model.dataset_meta = dataset_meta
    model.cfg = config
    model.to(device)
    model.eval()
    return model


def load_weights(model: torch.nn.Module, checkpoint: str) -> dict:
    """Load ``checkpoint`` into ``model``; returns the checkpoint dict.

    Checkpoint keys the model lacks, or whose shapes differ, raise
    :class:`CheckpointMismatchError` listing them (the checkpoint is of
    another model or config). Keys the checkpoint lacks are expected when
    it holds only the trained weights (``meta['trainable_only']``, LoRA
    runs): they stay as the config built them, from the pretrained base;
    otherwise they give a warning.
    """
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    state = strip_wrapper_prefix(ckpt.get('state_dict', ckpt))
    mismatch = compare_state_dicts(model.state_dict(), state)
    message = describe_mismatch(repr(checkpoint), mismatch,
                                allow_missing=True)
    if message:
        raise CheckpointMismatchError(message)
    missing = mismatch.missing
    if missing and not ckpt.get('meta', {}).get('trainable_only', False):
        warnings.warn(f'checkpoint {checkpoint!r} lacks {len(missing)} of '
                      f'the model\'s weights (e.g. {missing[:3]}); they keep '
                      'their initial values')
    model.load_state_dict(state, strict=False)
    return ckpt


def load_rgb(image: ImageLike, what: str) -> np.ndarray:
    """A path or an (H, W, 3) uint8 RGB array -> (H, W, 3) uint8 RGB array."""
    name = what
    if isinstance(image, str):
        name = f'{what} {image!r}'
        image = read_image(image, 'unchanged', what)
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f'{name} has shape {image.shape} and dtype '
                         f'{image.dtype}; expected (H, W, 3) uint8 RGB '
                         '(convert grayscale or RGBA images first)')
    return image


def load_mask(mask: ImageLike, what: str) -> np.ndarray:
    """A PNG path or an (h, w) array -> (h, w) uint8 mask in {0, 1}.

    Every nonzero pixel is foreground, so 0/1 and 0/255 masks both work.
    """
    name = what
    if isinstance(mask, str):
        name = f'{what} {mask!r}'
        mask = read_label_map(mask, what)
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f'{name} has shape {mask.shape}; expected an (h, w) '
                         'single-channel mask (nonzero = foreground)')
    return (mask != 0).astype(np.uint8)


def _load_prompts(prompts: Sequence[Tuple[ImageLike, ImageLike]]):
    """K (image, mask) pairs -> images and masks resized to the first size."""
    if len(prompts) == 0:
        raise ValueError('inference_incontext needs at least one (image, '
                         'mask) prompt')
    imgs, masks = [], []
    for k, pair in enumerate(prompts):
        if len(pair) != 2:
            raise ValueError(f'prompt {k} must be an (image, mask) pair, got '
                             f'{len(pair)} items')
        img = load_rgb(pair[0], f'prompt image {k}')
        mask = load_mask(pair[1], f'prompt mask {k}')
        if mask.shape != img.shape[:2]:
            raise ValueError(f'prompt mask {k} has shape {mask.shape} but '
                             f'prompt image {k} is {img.shape[:2]}')
        if not (mask == 1).any():
            source = f' ({pair[1]!r})' if isinstance(pair[1], str) else ''
            raise ValueError(f'prompt mask {k}{source} is empty: a prompt '
                             'must show at least one foreground pixel')
        if imgs and img.shape != imgs[0].shape:
            size = imgs[0].shape[1::-1]
            img = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
            mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
        imgs.append(img)
        masks.append(mask)
    return imgs, masks


def inference_incontext(
        model: torch.nn.Module, query: ImageLike,
        prompts: Sequence[Tuple[ImageLike, ImageLike]]
) -> InContextDataSample:
    """Segment in ``query`` what the prompt masks show in the prompt images.

    Args:
        model: a model from :func:`init_model`.
        query: image path or (H, W, 3) uint8 RGB array.
        prompts: K (image, mask) pairs, each a path or an array; masks are
            (h, w), nonzero = foreground. Prompts of other sizes
            than the first are resized to it.

    Returns:
        The episode's InContextDataSample with ``pred_sem_seg`` (1, H, W) in
        {0, 1} and ``seg_logits`` (1, H, W) p(foreground), H x W the query's.
    """
    img = load_rgb(query, 'query image')
    prompt_imgs, prompt_masks = _load_prompts(prompts)
    episode = dict(img=img, prompt_imgs=prompt_imgs,
                   prompt_masks=prompt_masks, img_shape=img.shape[:2],
                   ori_shape=img.shape[:2])
    if isinstance(query, str):
        episode['img_path'] = query
    packed = PackInContextInputs()(episode)
    with torch.no_grad():
        return model.test_step(pseudo_collate([packed]))[0]
