"""Segment one image with a diffseg model: one sub-command per kind of model.

``incontext CONFIG CHECKPOINT --query Q --prompt IMAGE MASK [...]``: writes
``OUT_DIR/<query stem>_mask.png`` (0/255, the query's size) and
``OUT_DIR/<query stem>_overlay.png`` (prompts with their masks, the query
with the prediction).

``open-vocab CONFIG [CHECKPOINT] --image I [--classes NAME ... |
--num-segments N]`` (training-free models such as MaskDiffusion; neither
option: the model's own vocabulary): writes ``OUT_DIR/<image
stem>_labels.png`` (uint8 label ids, the image's size) and ``OUT_DIR/<image
stem>_overlay.png`` (the labels coloured over the image, with a legend).

``panoptic CONFIG CHECKPOINT --image I [--inpaint PARTIAL_MASK]`` (LDMSeg;
with ``--inpaint``, a COCO panoptic PNG or a single-channel id PNG of the
image's size, 0 = unknown, whose segments are kept while the rest is
generated): writes ``OUT_DIR/<image stem>_panoptic.png`` (COCO panoptic PNG,
id = R + 256 G + 256^2 B), ``OUT_DIR/<image stem>_segments.json`` (the
segments_info) and ``OUT_DIR/<image stem>_overlay.png``.

``video CONFIG CHECKPOINT --video FRAMES --first-mask MASK [--batch-size N]
[--fps F]`` (LDIS; FRAMES a folder of frames or a video file, MASK the first
frame's objects: a binary, grey id or palette PNG, 255 = unlabelled): the
first frame prompts every later one, once per object (several objects:
Eq. 7, as VSPW is tested). Writes ``OUT_DIR/<video>/<frame stem>.png``
(palette PNGs of the object ids, the first frame's being the given mask: the
DAVIS results layout) and ``OUT_DIR/<video>_overlay.mp4`` (the objects
coloured over the frames), both only once every frame is segmented.

Each prepares its input with the config's test pipeline (as tools/test.py
does) and prints the paths it wrote. Examples::

    python tools/infer.py incontext CONFIG CKPT --query q.jpg \\
        --prompt p.jpg p.png --out-dir out
    python tools/infer.py open-vocab configs/maskdiffusion/CONFIG \\
        --image street.jpg --classes road car "traffic light" sky \\
        --out-dir out
    python tools/infer.py open-vocab configs/maskdiffusion/CONFIG \\
        --image street.jpg --num-segments 6 --out-dir out
    python tools/infer.py panoptic configs/ldmseg/CONFIG CKPT \\
        --image img.jpg [--inpaint partial.png] --out-dir out
    python tools/infer.py video CONFIG CKPT --video clip.mp4 \\
        --first-mask 00000.png --batch-size 4 --out-dir out
"""
import argparse
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import numpy as np
from mmengine.config import DictAction

from diffseg.apis import (VideoFrames, inference_incontext,
                          inference_open_vocab, inference_panoptic,
                          inference_video, init_model)
from diffseg.apis.prepare import load_rgb
from diffseg.fileio import (atomic_path, write_image, write_json,
                            write_palette_png, write_panoptic_png,
                            write_video)
from diffseg.utils import register_all_modules
from diffseg.visualization import draw_incontext_panel, draw_label_overlay
from diffseg.visualization.style import (BACKGROUND_COLOUR, IGNORE_INDEX,
                                         MIN_OVERLAY_HEIGHT, default_palette)

DEFAULT_FPS = 24.0  # of a folder of frames (DAVIS's rate)


def add_mode(modes, name: str, help: str, func, common,
             needs_checkpoint: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking CONFIG and CHECKPOINT (optional for
    training-free models) that runs ``func(model, args)``."""
    mode = modes.add_parser(name, parents=[common], help=help)
    mode.add_argument('config', help='config file path')
    mode.add_argument('checkpoint', nargs=None if needs_checkpoint else '?',
                      help='checkpoint file' + (
                          '' if needs_checkpoint else
                          ' (training-free models need none)'))
    mode.set_defaults(func=func)
    return mode


def parse_args(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--out-dir', required=True,
                        help='folder of the output files')
    common.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    common.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value')
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    modes = parser.add_subparsers(dest='mode', required=True)

    incontext = add_mode(
        modes, 'incontext', 'segment in a query what prompt masks show '
        '(LDIS)', run_incontext, common)
    incontext.add_argument('--query', required=True, help='query image')
    incontext.add_argument(
        '--prompt', nargs=2, action='append', required=True,
        metavar=('IMAGE', 'MASK'),
        help='a prompt image and its mask (nonzero = foreground, e.g. a 0/255 '
        'PNG); repeat for K prompts')

    open_vocab = add_mode(
        modes, 'open-vocab', 'segment by class names or into segments '
        '(MaskDiffusion)', run_open_vocab, common, needs_checkpoint=False)
    open_vocab.add_argument('--image', required=True, help='image to segment')
    request = open_vocab.add_mutually_exclusive_group()
    request.add_argument('--classes', nargs='+', metavar='NAME',
                         help='class names (open vocabulary)')
    request.add_argument('--num-segments', type=int,
                         help='number of segments (unsupervised)')

    panoptic = add_mode(
        modes, 'panoptic', 'panoptic segmentation or mask inpainting '
        '(LDMSeg)', run_panoptic, common)
    panoptic.add_argument('--image', required=True, help='image to segment')
    panoptic.add_argument(
        '--inpaint', metavar='PARTIAL_MASK',
        help='keep the segments of this partial panoptic mask (COCO '
        'panoptic PNG or single-channel id PNG, 0 = unknown) and generate '
        'the rest')

    video = add_mode(
        modes, 'video', 'segment the objects of a first-frame mask in every '
        'frame of a video (LDIS)', run_video, common)
    video.add_argument('--video', required=True,
                       help='a folder of frames or a video file (mp4, avi)')
    video.add_argument(
        '--first-mask', required=True,
        help="the first frame's objects: a binary, grey id or palette PNG "
        '(nonzero = object id, 255 = unlabelled)')
    video.add_argument('--batch-size', type=int, default=1,
                       help='frames per model call')
    video.add_argument('--fps', type=float,
                       help='frame rate of the overlay video (default: the '
                       f"video's, {DEFAULT_FPS:g} for a folder)")
    return parser.parse_args(argv)


def label_overlay(image, labels: np.ndarray, names) -> np.ndarray:
    """``labels`` (H, W) coloured over the image (a path or an RGB array),
    with a legend."""
    return draw_label_overlay(load_rgb(image, 'image'), labels, names,
                              min_height=MIN_OVERLAY_HEIGHT)


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


def open_vocab_labels(sample):
    """An open-vocabulary prediction -> (H, W) uint8 labels, their names."""
    names = sample.metainfo['label_names']
    if len(names) > 256:
        raise ValueError(f'{len(names)} labels do not fit a uint8 PNG')
    return sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8), names


def panoptic_segments(sample):
    """A panoptic prediction -> (H, W) ids, its JSON-ready segments_info,
    and overlay labels (one per segment, in that order) with their
    names."""
    pred = sample.pred_panoptic_seg
    ids = pred.data[0].cpu().numpy()
    segments = [{k: (int(v) if isinstance(v, (bool, np.integer)) else v)
                 for k, v in seg.items()} for seg in pred.segments_info]
    labels = np.full(ids.shape, 255, np.int32)
    for index, seg in enumerate(segments):
        labels[ids == seg['id']] = index
    names = [f"{seg['id']}{' (known)' if seg.get('known') else ''}"
             for seg in segments]
    return ids, segments, labels, names


def run_open_vocab(model, args) -> list:
    """Segment ``--image`` by class names or into segments; returns the
    written paths."""
    sample = inference_open_vocab(model, args.image, args.classes,
                                  args.num_segments)
    labels, names = open_vocab_labels(sample)
    stem = osp.splitext(osp.basename(args.image))[0]
    labels_path = osp.join(args.out_dir, f'{stem}_labels.png')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    write_image(labels_path, labels)
    write_image(overlay_path, label_overlay(args.image, labels, names))
    return [labels_path, overlay_path]


def run_panoptic(model, args) -> list:
    """Segment ``--image`` into panoptic segments, keeping those of
    ``--inpaint`` when given; returns the written paths."""
    sample = inference_panoptic(model, args.image, args.inpaint)
    ids, segments, labels, names = panoptic_segments(sample)
    stem = osp.splitext(osp.basename(args.image))[0]
    png_path = osp.join(args.out_dir, f'{stem}_panoptic.png')
    json_path = osp.join(args.out_dir, f'{stem}_segments.json')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    write_panoptic_png(png_path, ids)
    write_json(json_path, dict(file_name=osp.basename(png_path),
                               segments_info=segments), indent=1)
    write_image(overlay_path, label_overlay(args.image, labels, names))
    return [png_path, json_path, overlay_path]


def object_palette() -> np.ndarray:
    """(256, 3) RGB colours of the object ids, id 0 the background's."""
    palette = default_palette(256)
    palette[0] = BACKGROUND_COLOUR
    return palette


def video_overlay(result, palette: np.ndarray, width=None) -> np.ndarray:
    """The objects of a frame coloured over it, with a legend; padded or
    cropped on the right to ``width`` (a video's frames share one size)."""
    names = [f'object {i}'
             for i in range(int(result.labels.max(initial=0)) + 1)]
    # the background is left uncoloured, as ignored pixels are
    labels = np.where(result.labels == 0, IGNORE_INDEX, result.labels)
    overlay = draw_label_overlay(result.image, labels, names,
                                 palette[:len(names)],
                                 min_height=MIN_OVERLAY_HEIGHT)
    if width is None:
        return overlay
    overlay = overlay[:, :width]
    return np.pad(overlay, ((0, 0), (0, width - overlay.shape[1]), (0, 0)))


def run_video(model, args) -> list:
    """Segment every frame of ``--video`` from ``--first-mask``; returns the
    written paths."""
    if args.batch_size < 1:
        raise SystemExit(f'--batch-size is {args.batch_size}; expected >= 1')
    if args.fps is not None and not args.fps > 0:
        raise SystemExit(f'--fps is {args.fps}; expected > 0')
    frames = VideoFrames(args.video)
    results = inference_video(model, frames, args.first_mask,
                              args.batch_size, progress=True)
    fps = args.fps or frames.fps or DEFAULT_FPS
    palette = object_palette()
    mask_dir = osp.join(args.out_dir, frames.name)
    video_path = osp.join(args.out_dir, f'{frames.name}_overlay.mp4')

    def overlays(folder):
        """Write each frame's mask, yield its overlay."""
        width = None
        for result in results:
            write_palette_png(osp.join(folder, f'{result.stem}.png'),
                              result.labels, palette)
            overlay = video_overlay(result, palette, width)
            width = overlay.shape[1]
            yield overlay

    # both appear only once every frame is segmented
    with atomic_path(mask_dir) as tmp_dir, atomic_path(video_path) as tmp:
        os.makedirs(tmp_dir)
        write_video(tmp, overlays(tmp_dir), fps)
    return [mask_dir, video_path]


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    os.makedirs(args.out_dir, exist_ok=True)
    for path in args.func(model, args):
        print(path)


if __name__ == '__main__':
    main()
