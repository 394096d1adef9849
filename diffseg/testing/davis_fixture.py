"""A tiny DAVIS-2016 tree in the real folder layout, for tests."""
import os
import os.path as osp

import cv2
import numpy as np
from PIL import Image

HEIGHT, WIDTH = 12, 16
DAVIS_VIDEOS = {'bear': 5, 'car': 4}  # video -> frames
EMPTY_FRAME = ('bear', 2)  # a frame without foreground
DAVIS_SPLIT = 'ImageSets/2016/train.txt'


def write_davis_tree(root: str) -> str:
    """JPEGImages/480p, Annotations/480p (0/255 PNGs) and a split file.

    Frames are written out of order; frame i of video v is the grey value
    40 v + 10 i, its foreground a 6x6 square starting at column i.
    """
    for v, (video, count) in enumerate(DAVIS_VIDEOS.items()):
        for i in reversed(range(count)):
            stem = f'{i:05d}'
            img_path = osp.join(root, 'JPEGImages/480p', video, f'{stem}.jpg')
            os.makedirs(osp.dirname(img_path), exist_ok=True)
            cv2.imwrite(img_path,
                        np.full((HEIGHT, WIDTH, 3), 40 * v + 10 * i, np.uint8))
            ann = np.zeros((HEIGHT, WIDTH), np.uint8)
            if (video, i) != EMPTY_FRAME:
                ann[2:8, i:i + 6] = 255
            ann_path = osp.join(root, 'Annotations/480p', video, f'{stem}.png')
            os.makedirs(osp.dirname(ann_path), exist_ok=True)
            Image.fromarray(ann).save(ann_path)
    split = osp.join(root, DAVIS_SPLIT)
    os.makedirs(osp.dirname(split), exist_ok=True)
    with open(split, 'w') as f:
        f.write('\n'.join(DAVIS_VIDEOS) + '\n')
    return root
