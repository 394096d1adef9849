"""Synthetic in-context segmentation episodes, generated from a seed."""
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset

from diffseg.registry import DATASETS
from diffseg.utils.misc import check_choice
from .prompt_count import draw_prompt_count, parse_prompt_range
from .shapes_rendering import (ALL_CLASSES, BASE_CLASSES, NOVEL_CLASSES,
                               draw_appearances, render_scene)

SPLITS = {
    # split: (seed, class ids)
    'train': (0, tuple(range(len(BASE_CLASSES)))),
    'val': (1, tuple(range(len(BASE_CLASSES)))),
    'novel': (2, tuple(range(len(BASE_CLASSES), len(ALL_CLASSES)))),
}
PROMPT_MODES = ('same', 'swap')
APPEARANCES = ('fixed', 'per_episode')


@DATASETS.register_module()
class ShapesInContextDataset(BaseDataset):
    """In-context episodes on generated shapes images; no files needed.

    Every image holds 2-4 objects of at least two classes on a textured
    background, so only the prompt tells which objects are foreground. An
    episode is a query image, a class present in it, K prompt images that show
    the class (with masks of its instances), and the query mask of that class.

    Args:
        split: 'train', 'val' (same classes, other seed) or 'novel' (classes
            never seen in training).
        num_episodes: episodes in the split; episode ``i`` is always the same.
        num_prompts: K, prompt (image, mask) pairs per episode; a (min, max)
            pair draws K per episode in that range (inclusive).
        img_size: side of the square images.
        prompt_mode: 'same' (prompts show the query's target class) or 'swap'
            (prompts show another class present in the query while the target
            stays the same: a control that a prompt-following model fails).
        seed_offset: added to the split's seed, for independent draws.
        appearance: 'fixed' (each class always has its colour and shape)
            or 'per_episode' (each episode gives the split's classes other
            shapes and colours, shared by its query and prompts; see
            :func:`draw_appearances`): a class's look then says nothing
            across episodes and only the prompt tells what to segment.
    """

    METAINFO = dict(classes=tuple(name for name, _, _ in ALL_CLASSES))

    def __init__(self,
                 split: str = 'train',
                 num_episodes: int = 1000,
                 num_prompts: Union[int, Sequence[int]] = 1,
                 img_size: int = 64,
                 prompt_mode: str = 'same',
                 seed_offset: int = 0,
                 appearance: str = 'fixed',
                 pipeline: Sequence = (),
                 **kwargs):
        check_choice('split', split, SPLITS)
        check_choice('prompt_mode', prompt_mode, PROMPT_MODES)
        check_choice('appearance', appearance, APPEARANCES)
        k_range = parse_prompt_range(num_prompts)
        if img_size < 32:
            raise ValueError(f'img_size must be >= 32, got {img_size}')
        self.split = split
        self.num_episodes = num_episodes
        self.k_range = k_range
        self.img_size = img_size
        self.prompt_mode = prompt_mode
        self.appearance = appearance
        seed, self.class_ids = SPLITS[split]
        self.seed = seed + seed_offset
        super().__init__(pipeline=list(pipeline), serialize_data=False,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        return [dict(episode_idx=i) for i in range(self.num_episodes)]

    def prepare_data(self, idx: int):
        return self.pipeline(self.generate_episode(idx))

    # generation -------------------------------------------------------------
    def generate_episode(self, idx: int) -> dict:
        """Episode ``idx`` as a dict of numpy arrays (RGB, HWC, uint8)."""
        classes = ALL_CLASSES
        if self.appearance == 'per_episode':
            classes = draw_appearances(
                np.random.default_rng([self.seed, idx, 99]), self.class_ids)
        query_rng = np.random.default_rng([self.seed, idx, 0])
        img, labels = self.render_image(query_rng, min_classes=2,
                                        classes=classes)
        present = [c for c in self.class_ids if (labels == c + 1).any()]
        cls_id = int(query_rng.choice(present))
        prompt_cls = cls_id
        if self.prompt_mode == 'swap':
            others = [c for c in present if c != cls_id]
            swap_rng = np.random.default_rng([self.seed, idx, 1])
            prompt_cls = int(swap_rng.choice(others))
        num_prompts = draw_prompt_count(
            self.k_range, np.random.default_rng([self.seed, idx, 1, 0]))
        prompt_imgs, prompt_masks = [], []
        for k in range(num_prompts):
            rng = np.random.default_rng([self.seed, idx, 2 + k, prompt_cls])
            p_img, p_labels = self.render_image(rng, must_include=prompt_cls,
                                                classes=classes)
            prompt_imgs.append(p_img)
            prompt_masks.append((p_labels == prompt_cls + 1).astype(np.uint8))
        shape = (self.img_size, self.img_size)
        return dict(
            img=img,
            gt_seg_map=(labels == cls_id + 1).astype(np.uint8),
            gt_objects=(labels > 0).astype(np.uint8),
            prompt_imgs=prompt_imgs,
            prompt_masks=prompt_masks,
            cls_id=cls_id,
            prompt_cls_ids=[prompt_cls] * num_prompts,
            episode_idx=idx,
            img_shape=shape,
            ori_shape=shape,
            img_path=f'shapes/{self.split}/{idx:06d}.png')

    def render_image(self,
                     rng: np.random.Generator,
                     must_include: Optional[int] = None,
                     min_classes: int = 1,
                     classes: Sequence = ALL_CLASSES):
        """Draw an image and its label map (0 = background, c + 1 = class c)
        from this split's classes; see :func:`render_scene`."""
        return render_scene(rng, self.img_size, self.class_ids,
                            must_include=must_include,
                            min_classes=min_classes, classes=classes)
