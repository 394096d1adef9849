"""A small COCO tree (instances json + JPEGs) in the real layout, for tests."""
import os.path as osp

import numpy as np

from diffseg.fileio import write_image, write_json

# the 80 COCO category ids (contiguous class c is COCO_CAT_IDS[c - 1])
COCO_CAT_IDS = (list(range(1, 12)) + list(range(13, 26)) + [27, 28] +
                list(range(31, 45)) + list(range(46, 66)) + [67, 70] +
                list(range(72, 83)) + list(range(84, 91)))


# the reference's episode augmentation (configs/_base_/datasets/
# incontext_pipelines_256.py) at 32 px
AUGMENT_32 = [
    dict(type='RandomResize', scale=(64, 32), ratio_range=(0.9, 1.1),
         keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=(32, 32), cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='mmseg.PhotoMetricDistortion'),
    dict(type='Pad', size=(32, 32), pad_val=dict(img=(128, 128, 128),
                                                 seg=255)),
]


def write_coco_tree(root: str,
                    split: str = 'train2014',
                    num_images: int = 6,
                    height: int = 48,
                    width: int = 64,
                    seed: int = 0) -> str:
    """``<root>/<split>/*.jpg`` and ``annotations/instances_<split>.json``.

    Image i (random noise) shows contiguous classes 1 + i % 3 on its left
    and 1 + (i + 1) % 3 on its right half (rectangles, written as polygons,
    a few pixels apart from image to image), so every class appears in four
    images of six and every image holds two classes.
    """
    rng = np.random.default_rng(seed)
    images, annotations = [], []
    for i in range(num_images):
        name = f'COCO_{split}_{i + 1:012d}.jpg'
        write_image(osp.join(root, split, name),
                    rng.integers(0, 256, (height, width, 3), np.uint8))
        images.append(dict(id=i + 1, file_name=name, height=height,
                           width=width))
        y0, y1 = 4 + i % 4, height - 6 - i % 3
        boxes = ((2 + i % 3, width // 2 - 4), (width // 2 + 2, width - 3))
        for half, (x0, x1) in enumerate(boxes):
            cls = 1 + (i + half) % 3
            annotations.append(dict(
                id=len(annotations) + 1, image_id=i + 1,
                category_id=COCO_CAT_IDS[cls - 1], iscrowd=0,
                segmentation=[[x0, y0, x1, y0, x1, y1, x0, y1]],
                area=(x1 - x0) * (y1 - y0), bbox=[x0, y0, x1 - x0, y1 - y0]))
    data = dict(images=images, annotations=annotations,
                categories=[dict(id=c, name=f'cat{c}') for c in COCO_CAT_IDS])
    write_json(osp.join(root, 'annotations', f'instances_{split}.json'), data)
    return root
