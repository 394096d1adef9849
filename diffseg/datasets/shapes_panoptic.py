"""Generated shapes images written in the COCO panoptic format.

Every image has two stuff regions, ``sky`` above a random horizon and
``ground`` below it (each a textured background), and 2-5 things of the
shapes classes drawn far to near, so nearer ones occlude. A depth PNG gives
sky 1.0, ground from 0.9 at the horizon to 0.4 at the bottom and each
object a constant depth in [0.1, 0.35]. The files are read back by
:class:`CocoPanopticDataset`, so tests exercise the real reader.
"""
import os
import os.path as osp
import shutil
import tempfile

import numpy as np

from diffseg.fileio import write_image, write_json, write_panoptic_png
from diffseg.registry import DATASETS
from diffseg.utils.misc import check_choice
from .coco_panoptic import CocoPanopticDataset
from .shapes_incontext import BASE_CLASSES
from .shapes_rendering import hsv_to_rgb, shape_mask, textured_background

STUFF = ('sky', 'ground')
CATEGORIES = ([dict(id=i + 1, name=name, isthing=1, supercategory='shape')
               for i, (name, _, _) in enumerate(BASE_CLASSES)] +
              [dict(id=len(BASE_CLASSES) + i + 1, name=name, isthing=0,
                    supercategory='stuff') for i, name in enumerate(STUFF)])
SPLIT_SEEDS = dict(train=0, val=1)
DEPTH_SCALE = 10000.0


def render_panoptic_image(rng: np.random.Generator, size: int):
    """-> (RGB (size, size, 3) uint8, ids (size, size) int64, segments
    [dict(id, category_id, iscrowd, area, bbox)], depth (size, size))."""
    scale = size / 64.0
    horizon = int(rng.uniform(0.3, 0.6) * size)
    img = textured_background(rng, size)
    img[horizon:] = textured_background(rng, size)[horizon:]
    sky_id, ground_id = (len(BASE_CLASSES) + 1) * 1000, (
        len(BASE_CLASSES) + 2) * 1000
    ids = np.full((size, size), sky_id, np.int64)
    ids[horizon:] = ground_id
    depth = np.ones((size, size), np.float32)
    rows = np.arange(size - horizon, dtype=np.float32)
    depth[horizon:] = (0.9 - 0.5 * rows / max(size - horizon - 1, 1))[:, None]
    num_objects = int(rng.integers(2, 6))
    object_depths = np.sort(rng.uniform(0.1, 0.35, num_objects))[::-1]
    for k, obj_depth in enumerate(object_depths):
        cls = int(rng.integers(len(BASE_CLASSES)))
        _, hue, shape = BASE_CLASSES[cls]
        radius = rng.uniform(7, 14) * scale
        center = rng.uniform(radius, size - radius, size=2)
        mask = shape_mask(shape, size, center, radius,
                          rng.uniform(0, np.pi)).astype(bool)
        colour = hsv_to_rgb(hue + rng.uniform(-6, 6), rng.uniform(0.65, 1.0),
                            rng.uniform(0.65, 1.0))
        img[mask] = colour + rng.normal(0, 6, size=(mask.sum(), 3))
        ids[mask] = (cls + 1) * 1000 + k + 1
        depth[mask] = obj_depth
    segments = []
    for seg_id in np.unique(ids).tolist():
        ys, xs = np.nonzero(ids == seg_id)
        bbox = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                int(ys.max() - ys.min() + 1)]
        segments.append(dict(id=seg_id, category_id=seg_id // 1000,
                             iscrowd=0, area=len(xs), bbox=bbox))
    return np.clip(img, 0, 255).astype(np.uint8), ids, segments, depth


def write_shapes_panoptic(out_dir: str, split: str = 'train',
                          num_images: int = 100, img_size: int = 64) -> str:
    """Write ``num_images`` images of ``split`` to ``out_dir`` (images/,
    panoptic/, depth/ and panoptic.json), atomically; returns ``out_dir``.

    Image ``i`` of a split is always the same.
    """
    check_choice('split', split, SPLIT_SEEDS)
    if img_size < 32:
        raise ValueError(f'img_size must be >= 32, got {img_size}')
    parent = osp.dirname(osp.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='.shapes_panoptic_', dir=parent)
    try:
        images, annotations = [], []
        for i in range(num_images):
            rng = np.random.default_rng([SPLIT_SEEDS[split], i])
            img, ids, segments, depth = render_panoptic_image(rng, img_size)
            name = f'{i:06d}'
            write_image(osp.join(tmp, 'images', name + '.png'), img)
            write_panoptic_png(osp.join(tmp, 'panoptic', name + '.png'), ids)
            write_image(osp.join(tmp, 'depth', name + '.png'),
                        np.round(depth * DEPTH_SCALE).astype(np.uint16))
            images.append(dict(id=i, file_name=name + '.png',
                               width=img_size, height=img_size))
            annotations.append(dict(image_id=i, file_name=name + '.png',
                                    segments_info=segments))
        write_json(osp.join(tmp, 'panoptic.json'),
                   dict(images=images, annotations=annotations,
                        categories=CATEGORIES))
        if osp.isdir(out_dir):  # written meanwhile by another process
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


@DATASETS.register_module()
class ShapesPanopticDataset(CocoPanopticDataset):
    """Generated shapes in the COCO panoptic format, read by the COCO reader.

    The files are written on first use to
    ``data_root/{split}_{num_images}_{img_size}`` and reused afterwards.

    Args:
        data_root: folder of the generated splits.
        split: 'train' or 'val' (other seed).
        num_images: images in the split.
        img_size: side of the square images.
        **kwargs: see :class:`CocoPanopticDataset` (not ``ann_file`` or
            ``data_prefix``, which point at the written files).
    """

    def __init__(self,
                 data_root: str = 'work_dirs/ldmseg_data/shapes_panoptic',
                 split: str = 'train',
                 num_images: int = 1000,
                 img_size: int = 64,
                 **kwargs):
        folder = osp.join(data_root, f'{split}_{num_images}_{img_size}')
        if not osp.isfile(osp.join(folder, 'panoptic.json')):
            write_shapes_panoptic(folder, split, num_images, img_size)
        super().__init__(
            data_root=folder,
            ann_file='panoptic.json',
            data_prefix=dict(img='images', seg='panoptic', depth='depth'),
            **kwargs)
