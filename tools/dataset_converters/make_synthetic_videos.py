"""Write tiny video datasets in the real folder layouts of DAVIS-2016 and
VSPW, readable by ``DAVIS16InContextDataset`` and ``VSPWInContextDataset``.

davis: ``JPEGImages/480p/<video>/<frame>.jpg``, ``Annotations/480p/...png``
(0/255) and the split file ``ImageSets/2016/train.txt``; frame i of video v
is the grey value 40 v + 10 i, its foreground a 6x6 square starting at
column i.

vspw: ``data/<video>/origin/<frame>.jpg``, ``data/<video>/mask/<frame>.png``
and a split file. Frame i of the v-th video is the grey value 40 v + 10 i;
its mask holds the video's first class in columns 1-5, its second in
columns 8-13 (shifted one column right from frame 3 on), 0 elsewhere and
255 on row 0. The second video's masks are palette PNGs, the others grey::

    python tools/dataset_converters/make_synthetic_videos.py davis \\
        data/davis_tiny
"""
import argparse
import os
import os.path as osp
from typing import Dict, Tuple

import numpy as np

from diffseg.fileio import write_image, write_palette_png

HEIGHT, WIDTH = 12, 16
DAVIS_VIDEOS = {'bear': 5, 'car': 4}  # video -> frames
EMPTY_FRAME = ('bear', 2)  # a frame without foreground
DAVIS_SPLIT = 'ImageSets/2016/train.txt'
STUFF = 12  # a VSPW class the tests map to background
# video -> the two classes drawn in its frames (0 'others', 255 unlabelled)
VSPW_VIDEOS = {'v1': (3, STUFF), 'v2': (3, 7)}
VSPW_FRAMES = 6


def _write_split(path: str, videos) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('\n'.join(videos) + '\n')


def write_davis_tree(root: str) -> str:
    """Write the frames (out of order), annotations and split file under
    ``root``; returns ``root``."""
    for v, (video, count) in enumerate(DAVIS_VIDEOS.items()):
        for i in reversed(range(count)):
            stem = f'{i:05d}'
            write_image(osp.join(root, 'JPEGImages/480p', video,
                                 f'{stem}.jpg'),
                        np.full((HEIGHT, WIDTH, 3), 40 * v + 10 * i, np.uint8))
            ann = np.zeros((HEIGHT, WIDTH), np.uint8)
            if (video, i) != EMPTY_FRAME:
                ann[2:8, i:i + 6] = 255
            write_image(osp.join(root, 'Annotations/480p', video,
                                 f'{stem}.png'), ann)
    _write_split(osp.join(root, DAVIS_SPLIT), DAVIS_VIDEOS)
    return root


def write_vspw_tree(root: str,
                    videos: Dict[str, Tuple[int, int]] = VSPW_VIDEOS,
                    frames: int = VSPW_FRAMES,
                    split_file: str = 'train.txt') -> str:
    """Write the frames, masks and split file under ``root``; returns
    ``root``."""
    for v, (video, (first, second)) in enumerate(videos.items()):
        for i in range(frames):
            stem = f'{i:08d}'
            write_image(osp.join(root, 'data', video, 'origin', f'{stem}.jpg'),
                        np.full((HEIGHT, WIDTH, 3), 40 * v + 10 * i, np.uint8))
            mask = np.zeros((HEIGHT, WIDTH), np.uint8)
            mask[:, 1:6] = first
            shift = int(i >= 3)
            mask[:, 8 + shift:14 + shift] = second
            mask[0, :] = 255
            mask_path = osp.join(root, 'data', video, 'mask', f'{stem}.png')
            if v == 1:
                write_palette_png(mask_path, mask)
            else:
                write_image(mask_path, mask)
    _write_split(osp.join(root, split_file), videos)
    return root


WRITERS = dict(davis=write_davis_tree, vspw=write_vspw_tree)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('layout', choices=tuple(WRITERS))
    parser.add_argument('root', help='folder to write (created)')
    args = parser.parse_args()
    print(WRITERS[args.layout](args.root))


if __name__ == '__main__':
    main()
