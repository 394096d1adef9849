"""What the tabs of tools/webui.py do with their inputs, without Gradio:
each handler takes the values of a tab's inputs and returns those of its
outputs; a bad input raises :class:`InputError`, which the page shows as
a message."""
import os.path as osp
import tempfile

import numpy as np

from diffseg.apis import (inference_incontext, inference_open_vocab,
                          inference_panoptic)
from diffseg.datasets import ShapesInContextDataset
from diffseg.fileio import write_image, write_panoptic_png
from diffseg.models.segmentors import (LDMSeg, MaskDiffusion, MultiStepLDIS,
                                       OneStepLDIS)
from diffseg.visualization import draw_incontext_panel
from infer import label_overlay, open_vocab_labels, panoptic_segments

KINDS = {'incontext': (OneStepLDIS, MultiStepLDIS),
         'open-vocab': (MaskDiffusion, ), 'panoptic': (LDMSeg, )}
BRUSH = ((255, 255, 255), 0.6)  # RGB and opacity of the mask brush


class InputError(ValueError):
    """A bad input, shown to the user as a message (not a stack trace)."""


def model_kind(model) -> str:
    """'incontext', 'open-vocab' or 'panoptic', by the model's class."""
    for kind, classes in KINDS.items():
        if isinstance(model, classes):
            return kind
    raise SystemExit(f'{type(model).__name__} has no demo tab; expected one '
                     f'of {[c.__name__ for cs in KINDS.values() for c in cs]}')


def rgb(image, what: str) -> np.ndarray:
    """An uploaded image -> (H, W, 3) uint8 RGB; None asks for it."""
    if image is None:
        raise InputError(f'upload {what}')
    return np.ascontiguousarray(np.asarray(image)[..., :3])


def painted_mask(editor: dict, k: int):
    """An image editor's value -> (RGB image, {0, 1} mask of the painted
    pixels), or None when it holds no image."""
    image = None if editor is None else editor.get('background')
    if image is None:
        return None
    layers = [np.asarray(layer) for layer in editor.get('layers') or []]
    mask = np.zeros(image.shape[:2], np.uint8)
    for layer in layers:
        if layer.shape[:2] != mask.shape:
            raise InputError(f'prompt {k + 1}: a painted layer is '
                             f'{layer.shape[:2]} but the image is '
                             f'{mask.shape}')
        mask |= (layer[..., 3] > 0) if layer.shape[2] == 4 else (
            layer.any(axis=2))
    if not mask.any():
        raise InputError(f'prompt {k + 1} has no painted mask: paint the '
                         'object to segment over it with the brush')
    return rgb(image, f'prompt image {k + 1}'), mask


def segment_incontext(model, out_dir: str, query, *editors):
    """The in-context tab: -> (panel RGB, path of the 0/255 mask PNG)."""
    prompts = [p for k, e in enumerate(editors)
               if (p := painted_mask(e, k)) is not None]
    if not prompts:
        raise InputError('upload a prompt image and paint its mask')
    query = rgb(query, 'a query image')
    sample = inference_incontext(model, query, prompts)
    pred = sample.pred_sem_seg.data[0].cpu().numpy()
    path = osp.join(tempfile.mkdtemp(dir=out_dir), 'mask.png')
    write_image(path, np.where(pred == 1, 255, 0).astype(np.uint8))
    return draw_incontext_panel(sample, query), path


def segment_open_vocab(model, out_dir: str, image, classes: str,
                       num_segments):
    """The open-vocabulary tab: -> (overlay RGB, path of the label PNG)."""
    image = rgb(image, 'an image')
    names = [n.strip() for n in (classes or '').split(',') if n.strip()]
    segments = None if num_segments is None else int(num_segments)
    sample = inference_open_vocab(model, image, names or None, segments)
    labels, names = open_vocab_labels(sample)
    path = osp.join(tempfile.mkdtemp(dir=out_dir), 'labels.png')
    write_image(path, labels)
    return label_overlay(image, labels, names), path


def segment_panoptic(model, out_dir: str, image):
    """The panoptic tab: -> (overlay RGB, path of the panoptic PNG)."""
    image = rgb(image, 'an image')
    ids, _, labels, names = panoptic_segments(inference_panoptic(model,
                                                                 image))
    path = osp.join(tempfile.mkdtemp(dir=out_dir), 'panoptic.png')
    write_panoptic_png(path, ids)
    return label_overlay(image, labels, names), path


def write_examples(folder: str, img_size: int = 64, count: int = 2) -> list:
    """Shapes episodes (val split) as PNGs: -> [dict(prompt, layer,
    composite, query, mask)] paths; ``layer`` is the prompt mask painted
    with :data:`BRUSH` on a transparent layer, ``composite`` the prompt
    with it."""
    dataset = ShapesInContextDataset(split='val', num_episodes=count,
                                     img_size=img_size, lazy_init=True)
    (colour, opacity), examples = BRUSH, []
    for i in range(count):
        episode = dataset.generate_episode(i)
        paths = {key: osp.join(folder, f'episode{i}_{key}.png')
                 for key in ('prompt', 'layer', 'composite', 'query', 'mask')}
        prompt, mask = episode['prompt_imgs'][0], episode['prompt_masks'][0]
        layer = np.zeros(mask.shape + (4, ), np.uint8)
        layer[mask == 1] = colour + (round(255 * opacity), )
        composite = prompt.astype(np.float32)
        composite[mask == 1] += opacity * (np.array(colour) -
                                           composite[mask == 1])
        write_image(paths['prompt'], prompt)
        write_image(paths['layer'], layer)
        write_image(paths['composite'], np.round(composite).astype(np.uint8))
        write_image(paths['query'], episode['img'])
        write_image(paths['mask'], mask * 255)
        examples.append(paths)
    return examples


def example_size(model) -> int:
    """The side of the shapes examples: the config's test set's, else 64."""
    cfg = getattr(model, 'cfg', None)
    dataset = cfg.get('test_dataloader', {}).get('dataset', {}) if cfg else {}
    return int(dataset.get('img_size', 64))
