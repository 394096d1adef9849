"""A tiny VSPW tree in the real folder layout, for tests."""
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import numpy as np
from PIL import Image

HEIGHT, WIDTH = 12, 16
STUFF = 12  # a class the tests map to background
# video -> the two classes drawn in its frames (0 'others', 255 unlabelled)
VSPW_VIDEOS = {'v1': (3, STUFF), 'v2': (3, 7)}
VSPW_FRAMES = 6


def write_vspw_tree(root: str,
                    videos: Dict[str, Tuple[int, int]] = VSPW_VIDEOS,
                    frames: int = VSPW_FRAMES,
                    split_file: str = 'train.txt') -> str:
    """``data/<video>/{origin,mask}`` and a split file.

    Frame i of the v-th video is the grey value 40 v + 10 i; its mask holds
    the video's first class in columns 1-5, its second in columns 8-13
    (shifted one column right from frame 3 on), 0 elsewhere and 255 on row
    0. The second video's masks are palette PNGs, the others grey.
    """
    for v, (video, (first, second)) in enumerate(videos.items()):
        for i in range(frames):
            stem = f'{i:08d}'
            img_path = osp.join(root, 'data', video, 'origin', f'{stem}.jpg')
            os.makedirs(osp.dirname(img_path), exist_ok=True)
            cv2.imwrite(img_path,
                        np.full((HEIGHT, WIDTH, 3), 40 * v + 10 * i, np.uint8))
            mask = np.zeros((HEIGHT, WIDTH), np.uint8)
            mask[:, 1:6] = first
            shift = int(i >= 3)
            mask[:, 8 + shift:14 + shift] = second
            mask[0, :] = 255
            img = Image.fromarray(mask)
            if v == 1:
                img = img.convert('P')
                img.putpalette([c for g in range(256) for c in (g, g, g)])
                img.putdata(mask.ravel().tolist())
            mask_path = osp.join(root, 'data', video, 'mask', f'{stem}.png')
            os.makedirs(osp.dirname(mask_path), exist_ok=True)
            img.save(mask_path)
    with open(osp.join(root, split_file), 'w') as f:
        f.write('\n'.join(videos) + '\n')
    return root
