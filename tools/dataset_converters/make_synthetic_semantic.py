"""Write a tiny semantic segmentation dataset in mmseg's on-disk layout.

``images/<name>.png`` (RGB) and ``annotations/<name>.png`` (uint8 class
ids, 255 = ignore), read by mmseg's ``BaseSegDataset`` with
``metainfo=dict(classes=SEMANTIC_CLASSES)`` (configs/_base_/datasets/
tiny_semantic_64.py)::

    python tools/dataset_converters/make_synthetic_semantic.py \\
        data/tiny_semantic
"""
import argparse
import os
import os.path as osp

import numpy as np

from diffseg.fileio import write_image

SEMANTIC_CLASSES = ('sky', 'grass', 'red square')
COLOURS = ((90, 150, 230), (60, 170, 60), (220, 30, 30))  # RGB per class


def write_semantic_tree(root: str, num_images: int = 2, size: int = 64,
                        seed: int = 0) -> str:
    """Images of sky over grass with a red square; returns ``root``.

    Image i is ``size`` high and ``size + 8 i`` wide (sizes differ, as in
    real datasets); its horizon and square are drawn at seeded random
    places, and a 2-pixel border of its label map is 255 (ignored).
    """
    rng = np.random.default_rng(seed)
    for i in range(num_images):
        h, w = size, size + 8 * i
        labels = np.zeros((h, w), np.uint8)
        horizon = int(rng.integers(h // 3, 2 * h // 3))
        labels[horizon:] = 1
        side = h // 4
        top = int(rng.integers(0, h - side))
        left = int(rng.integers(0, w - side))
        labels[top:top + side, left:left + side] = 2
        img = np.asarray(COLOURS, np.float64)[labels]
        img += rng.normal(0, 8, img.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        labels[:2], labels[-2:], labels[:, :2], labels[:, -2:] = (255, ) * 4
        name = f'{i:04d}.png'
        write_image(osp.join(root, 'images', name), img)
        write_image(osp.join(root, 'annotations', name), labels)
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='folder to write (created)')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--size', type=int, default=64)
    args = parser.parse_args()
    os.makedirs(args.root, exist_ok=True)
    print(write_semantic_tree(args.root, args.num_images, args.size))


if __name__ == '__main__':
    main()
