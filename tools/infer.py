"""Segment one image with a diffseg model; one mode per kind of model.

In-context (``--query`` and ``--prompt``; a checkpoint is needed): writes
``OUT_DIR/<query stem>_mask.png`` (0/255, the query's size) and
``OUT_DIR/<query stem>_overlay.png`` (prompts with their masks, the query with
the prediction).

Open vocabulary (``--image`` and ``--classes``) or unsupervised (``--image``
and ``--num-segments``), training-free models such as MaskDiffusion: writes
``OUT_DIR/<image stem>_labels.png`` (uint8 label ids, the image's size) and
``OUT_DIR/<image stem>_overlay.png`` (the labels coloured over the image,
with a legend).

Panoptic (``--image`` with ``--panoptic``, LDMSeg; a checkpoint is needed),
or mask inpainting (``--inpaint PARTIAL_MASK``: a COCO panoptic PNG or a
single-channel id PNG of the image's size, 0 = unknown; its segments are kept
and the rest is generated): writes ``OUT_DIR/<image stem>_panoptic.png``
(COCO panoptic PNG, id = R + 256 G + 256^2 B), ``OUT_DIR/<image
stem>_segments.json`` (the segments_info) and ``OUT_DIR/<image
stem>_overlay.png`` (the segments coloured over the image).

Each mode prints the paths it wrote. Examples::

    python tools/infer.py CONFIG CKPT --query q.jpg --prompt p.jpg p.png \\
        --out-dir out
    python tools/infer.py configs/maskdiffusion/CONFIG --image street.jpg \\
        --classes road car "traffic light" sky --out-dir out
    python tools/infer.py configs/maskdiffusion/CONFIG --image street.jpg \\
        --num-segments 6 --out-dir out
    python tools/infer.py configs/ldmseg/CONFIG CKPT --image img.jpg \\
        --panoptic --out-dir out
    python tools/infer.py configs/ldmseg/CONFIG CKPT --image img.jpg \\
        --inpaint partial.png --out-dir out
"""
import argparse
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import cv2
import numpy as np
from mmengine.config import DictAction

from diffseg.apis import (inference_incontext, inference_open_vocab,
                          inference_panoptic, init_model)
from diffseg.apis.inference import load_rgb
from diffseg.fileio import write_image, write_json, write_panoptic_png
from diffseg.utils import register_all_modules
from diffseg.visualization import draw_incontext_panel, draw_label_overlay
from diffseg.visualization.style import MIN_OVERLAY_HEIGHT


def parse_args():
    parser = argparse.ArgumentParser(
        description='Segment an image from in-context prompts, class names '
        'or a number of segments')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        'checkpoint', nargs='?',
        help='checkpoint file (omitted for training-free models)')
    incontext = parser.add_argument_group('in-context segmentation')
    incontext.add_argument('--query', help='query image')
    incontext.add_argument(
        '--prompt', nargs=2, action='append', metavar=('IMAGE', 'MASK'),
        help='a prompt image and its mask (nonzero = foreground, e.g. a 0/255 '
        'PNG); repeat for K prompts')
    open_vocab = parser.add_argument_group(
        'open-vocabulary or unsupervised segmentation')
    open_vocab.add_argument('--image', help='image to segment')
    open_vocab.add_argument('--classes', nargs='+', metavar='NAME',
                            help='class names (open vocabulary)')
    open_vocab.add_argument('--num-segments', type=int,
                            help='number of segments (unsupervised)')
    panoptic = parser.add_argument_group(
        'panoptic segmentation and mask inpainting (LDMSeg)')
    panoptic.add_argument('--panoptic', action='store_true',
                          help='segment --image into panoptic segments')
    panoptic.add_argument(
        '--inpaint', metavar='PARTIAL_MASK',
        help='keep the segments of this partial panoptic mask (COCO '
        'panoptic PNG or single-channel id PNG, 0 = unknown) and generate '
        'the rest; implies --panoptic')
    parser.add_argument('--out-dir', required=True,
                        help='folder of the output PNGs')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value')
    args = parser.parse_args()
    args.mode = ('open_vocab' if args.classes or args.num_segments
                 or args.image else 'incontext')
    if args.panoptic or args.inpaint:
        args.mode = 'panoptic'
        if not (args.image and args.checkpoint):
            parser.error('--panoptic / --inpaint need a checkpoint and '
                         '--image')
        if args.classes or args.num_segments or args.query or args.prompt:
            parser.error('--panoptic / --inpaint cannot be mixed with '
                         '--classes, --num-segments, --query or --prompt')
    elif args.mode == 'open_vocab':
        if not args.image:
            parser.error('--classes / --num-segments need --image')
        if args.classes and args.num_segments:
            parser.error('give --classes or --num-segments, not both')
        if args.query or args.prompt:
            parser.error('--query/--prompt (in-context) cannot be mixed '
                         'with --image/--classes/--num-segments')
    elif not (args.query and args.prompt and args.checkpoint):
        parser.error('in-context segmentation needs a checkpoint, --query '
                     'and at least one --prompt IMAGE MASK; open-vocabulary '
                     'segmentation needs --image with --classes or '
                     '--num-segments')
    return args


def label_overlay(image_path: str, labels: np.ndarray, names) -> np.ndarray:
    """The coloured overlay with a legend of ``labels`` (H, W) over the
    image, enlarged (nearest) to at least MIN_OVERLAY_HEIGHT rows."""
    image = load_rgb(image_path, 'image')
    labels = labels.astype(np.int32)
    scale = -(-MIN_OVERLAY_HEIGHT // image.shape[0])  # small images: enlarge
    if scale > 1:
        size = (image.shape[1] * scale, image.shape[0] * scale)
        image = cv2.resize(image, size, interpolation=cv2.INTER_NEAREST)
        labels = cv2.resize(labels, size, interpolation=cv2.INTER_NEAREST)
    return draw_label_overlay(image, labels, names)


def run_incontext(model, args) -> list:
    """Segment ``--query`` from the prompts; returns the written paths."""
    sample = inference_incontext(model, args.query,
                                 [tuple(p) for p in args.prompt])
    stem = osp.splitext(osp.basename(args.query))[0]
    mask_path = osp.join(args.out_dir, f'{stem}_mask.png')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    pred = sample.pred_sem_seg.data[0].cpu().numpy()
    write_image(mask_path, np.where(pred == 1, 255, 0).astype(np.uint8))
    write_image(overlay_path,
                draw_incontext_panel(sample, load_rgb(args.query, 'query')))
    return [mask_path, overlay_path]


def run_open_vocab(model, args) -> list:
    """Segment ``--image`` by class names or into segments; returns the
    written paths."""
    sample = inference_open_vocab(model, args.image, args.classes,
                                  args.num_segments)
    labels = sample.pred_sem_seg.data[0].cpu().numpy()
    names = sample.metainfo['label_names']
    if len(names) > 256:
        raise SystemExit(f'{len(names)} labels do not fit a uint8 PNG')
    stem = osp.splitext(osp.basename(args.image))[0]
    labels_path = osp.join(args.out_dir, f'{stem}_labels.png')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    write_image(labels_path, labels.astype(np.uint8))
    write_image(overlay_path, label_overlay(args.image, labels, names))
    return [labels_path, overlay_path]


def run_panoptic(model, args) -> list:
    """Segment ``--image`` into panoptic segments, keeping those of
    ``--inpaint`` when given; returns the written paths."""
    sample = inference_panoptic(model, args.image, args.inpaint)
    pred = sample.pred_panoptic_seg
    ids = pred.data[0].cpu().numpy()
    segments = [{k: (int(v) if isinstance(v, (bool, np.integer)) else v)
                 for k, v in seg.items()} for seg in pred.segments_info]
    stem = osp.splitext(osp.basename(args.image))[0]
    png_path = osp.join(args.out_dir, f'{stem}_panoptic.png')
    json_path = osp.join(args.out_dir, f'{stem}_segments.json')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    write_panoptic_png(png_path, ids)
    write_json(json_path, dict(file_name=osp.basename(png_path),
                               segments_info=segments), indent=1)
    # one overlay label per segment, in the order of segments_info
    labels = np.full(ids.shape, 255, np.int32)
    for index, seg in enumerate(segments):
        labels[ids == seg['id']] = index
    names = [f"{seg['id']}{' (known)' if seg.get('known') else ''}"
             for seg in segments]
    write_image(overlay_path, label_overlay(args.image, labels, names))
    return [png_path, json_path, overlay_path]


MODES = dict(incontext=run_incontext, open_vocab=run_open_vocab,
             panoptic=run_panoptic)


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    os.makedirs(args.out_dir, exist_ok=True)
    for path in MODES[args.mode](model, args):
        print(path)


if __name__ == '__main__':
    main()
