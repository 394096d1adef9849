"""Generated shapes images with captions: the world the tiny prior learns."""
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from diffseg.registry import DATASETS
from diffseg.utils.misc import check_choice
from .shapes_rendering import ALL_CLASSES, render_scene

BACKGROUND = 'background'
SPLIT_SEEDS = dict(train=100, val=101)


def compose_caption(class_names: Sequence[str], rng: np.random.Generator,
                    background: bool = True) -> str:
    """The caption of an image holding ``class_names``: the names in an
    order drawn from ``rng``, joined by ' and ', with 'background' among them
    when ``background`` ('red circle and background and blue cross')."""
    names = list(class_names) + ([BACKGROUND] if background else [])
    order = rng.permutation(len(names))
    return ' and '.join(names[i] for i in order)


@DATASETS.register_module()
class CaptionedShapesDataset(BaseDataset):
    """Shapes images of every class, each with a caption naming exactly the
    classes visible in it; generated from a seed, no files needed.

    Items are ``img`` (H, W, 3) uint8 BGR (what mmcv's loaders give),
    ``gt_seg_map`` (H, W) uint8 with 0 = background and c + 1 = class c
    (kept for evaluation) and ``caption``, so mmseg's pipelines apply (pack
    the caption with ``PackSegInputs(meta_keys=(..., 'caption'))``).

    Args:
        split: 'train' or 'val' (the same classes, another seed).
        num_images: images in the split; image ``i`` is always the same.
        img_size: side of the square images.
        num_objects: (min, max) objects an image holds (inclusive).
        background_word: name 'background' in every caption, so the prior
            learns a token for it (open-vocabulary segmentation can then
            ask for the background like any class).
        seed_offset: added to the split's seed, for independent draws.
    """

    METAINFO = dict(classes=(BACKGROUND, ) +
                    tuple(name for name, _, _ in ALL_CLASSES))

    def __init__(self,
                 split: str = 'train',
                 num_images: int = 1000,
                 img_size: int = 64,
                 num_objects: Sequence[int] = (1, 4),
                 background_word: bool = True,
                 seed_offset: int = 0,
                 pipeline: Sequence = (),
                 **kwargs):
        check_choice('split', split, SPLIT_SEEDS)
        if img_size < 32:
            raise ValueError(f'img_size must be >= 32, got {img_size}')
        low, high = num_objects
        if not 1 <= low <= high:
            raise ValueError(f'num_objects must be (min, max) with 1 <= min '
                             f'<= max, got {tuple(num_objects)}')
        self.split = split
        self.num_images = num_images
        self.img_size = img_size
        self.num_objects = (int(low), int(high))
        self.background_word = background_word
        self.seed = SPLIT_SEEDS[split] + seed_offset
        super().__init__(pipeline=list(pipeline), serialize_data=False,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        return [dict(image_idx=i) for i in range(self.num_images)]

    def prepare_data(self, idx: int):
        return self.pipeline(self.generate_image(idx))

    def generate_image(self, idx: int) -> dict:
        """Image ``idx`` with its caption and label map."""
        rng = np.random.default_rng([self.seed, idx])
        rgb, labels = render_scene(rng, self.img_size,
                                   tuple(range(len(ALL_CLASSES))),
                                   num_objects=self.num_objects)
        present = [ALL_CLASSES[c - 1][0] for c in np.unique(labels) if c > 0]
        caption = compose_caption(present, rng, self.background_word)
        shape = (self.img_size, self.img_size)
        return dict(
            img=np.ascontiguousarray(rgb[..., ::-1]),
            gt_seg_map=labels,
            caption=caption,
            image_idx=idx,
            seg_fields=['gt_seg_map'],
            reduce_zero_label=False,
            img_shape=shape,
            ori_shape=shape,
            img_path=f'captioned_shapes/{self.split}/{idx:06d}.png')
