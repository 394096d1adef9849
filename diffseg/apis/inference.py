"""Build a model from a config + checkpoint and segment one episode."""
import warnings
from typing import Optional, Sequence, Tuple, Union

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader

from diffseg.engine.checkpoint_fit import (CheckpointMismatchError,
                                           compare_state_dicts,
                                           describe_mismatch,
                                           strip_wrapper_prefix)
from diffseg.registry import MODELS
from diffseg.structures import InContextDataSample
from .prepare import (ImageLike, image_results, load_mask, load_rgb,
                      predict_one, prepare_one)

DEFAULT_PIPELINE = [dict(type='PackInContextInputs')]


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


def _load_prompts(prompts: Sequence[Tuple[ImageLike, ImageLike]]):
    """K (image, mask) pairs -> RGB images and {0, 1} masks, checked."""
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
        imgs.append(img)
        masks.append(mask)
    return imgs, masks


def inference_incontext(
        model: torch.nn.Module, query: ImageLike,
        prompts: Sequence[Tuple[ImageLike, ImageLike]]
) -> InContextDataSample:
    """Segment in ``query`` what the prompt masks show in the prompt images.

    The episode goes through the config's test pipeline (e.g. resized to
    the size the model is tested at) and ``model.test_step``, as a dataset
    episode does in ``tools/test.py``.

    Args:
        model: a model from :func:`init_model`.
        query: image path or (H, W, 3) uint8 RGB array.
        prompts: K (image, mask) pairs, each a path or an array; masks are
            (h, w), nonzero = foreground. Prompts of different sizes need a
            test pipeline that brings them to one size.

    Returns:
        The episode's InContextDataSample with ``pred_sem_seg`` (1, H, W) in
        {0, 1} and ``seg_logits`` (1, H, W) p(foreground), H x W the query's.
    """
    episode = image_results(query, 'query image')
    episode['prompt_imgs'], episode['prompt_masks'] = _load_prompts(prompts)
    return predict_one(model, prepare_one(model, episode, DEFAULT_PIPELINE))
