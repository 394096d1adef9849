"""VSPW in-context episodes: prompts are other frames of the query's video
that show the same class."""
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine import fileio
from tqdm import tqdm

from diffseg.fileio import read_label_map
from diffseg.registry import DATASETS
from .incontext_seg_dataset import IGNORE_INDEX
from .video_incontext import (VideoInContextDataset, read_video_list,
                              video_frame_stems)
from .vspw_classes import VSPW_CLASSES

NUM_CLASSES = len(VSPW_CLASSES)


def read_class_file(path: str,
                    backend_args: Optional[dict] = None) -> List[int]:
    """VSPW class ids from a file of ids or names, one a line."""
    try:
        text = fileio.get_text(path, backend_args=backend_args)
    except (FileNotFoundError, IsADirectoryError) as e:
        raise FileNotFoundError(f'class_file {path!r} is missing; expected '
                                'VSPW class ids or names, one a line') from e
    entries = [line.strip() for line in text.splitlines() if line.strip()]
    ids = []
    for entry in entries:
        if entry.isdigit() and 1 <= int(entry) <= NUM_CLASSES:
            ids.append(int(entry))
        elif entry in VSPW_CLASSES:
            ids.append(VSPW_CLASSES.index(entry) + 1)
        else:
            raise ValueError(f'class_file {path!r}: {entry!r} is neither a '
                             f'VSPW class id (1..{NUM_CLASSES}) nor a name')
    if not ids:
        raise ValueError(f'class_file {path!r} lists no class')
    return ids


@DATASETS.register_module()
class VSPWInContextDataset(VideoInContextDataset):
    """VSPW frames as in-context episodes, one video per group.

    Masks hold class ids 1..124, 0 for 'others' (kept as background, never a
    query class) and 255 for unlabelled pixels (kept as ignore). Classes
    outside the kept categories and classes in ``stuff_classes`` become
    background. The paper keeps 58 categories (all stuff mapped to
    background) of 1,000 training and 100 validation videos; its lists are
    not published, so ``class_file`` takes a category list and
    ``num_classes`` / ``num_videos`` draw seeded subsets (``subset_seed``;
    the same seed gives the same categories in every split). The base
    indexes prompts by (video, class), so prompts are other frames of the
    same video showing the query's class.

    With ``first_frame_prompt=True`` (test mode) every later frame is one
    multi-category episode: its prompts are the first frame once per class
    shown there (one mask each, ``prompt_cls_ids`` the class ids), its gt the
    frame's class-id map, and the metainfo ``multi_category=True`` asks the
    model for a class-id prediction (Eq. 7), scored by
    :class:`~diffseg.evaluation.VSPWIoU`.

    Args:
        data_root: the VSPW folder.
        split_file: video list relative to ``data_root``, e.g. 'train.txt'.
        data_dir: folder of the videos under ``data_root``
            (``<data_dir>/<video>/origin/*.jpg`` and ``.../mask/*.png``).
        frame_step: keep every ``frame_step``-th frame (default 4).
        stuff_classes: class ids mapped to background.
        class_file: the kept categories, one a line (a VSPW class id or
            name, read with ``backend_args``); the others are background.
            Exclusive with ``num_classes``.
        num_classes: keep this many categories, drawn from the 124 with
            ``subset_seed``; None (and no ``class_file``) keeps all.
        num_videos: use this many videos of the split, drawn with
            ``subset_seed`` (in split order); None uses all.
        subset_seed: seed of the category and video draws.
        **kwargs: see :class:`VideoInContextDataset` and
            :class:`InContextSegDataset`.
    """

    METAINFO = dict(classes=('others', ) + VSPW_CLASSES)

    def __init__(self,
                 data_root: str,
                 data_dir: str = 'data',
                 frame_step: int = 4,
                 stuff_classes: Sequence[int] = (),
                 class_file: Optional[str] = None,
                 num_classes: Optional[int] = None,
                 num_videos: Optional[int] = None,
                 subset_seed: int = 0,
                 **kwargs):
        bad = [c for c in stuff_classes if not 1 <= c <= NUM_CLASSES]
        if bad:
            raise ValueError(f'stuff_classes must be VSPW class ids in '
                             f'1..{NUM_CLASSES}; got {bad}')
        if class_file and num_classes is not None:
            raise ValueError('give class_file or num_classes, not both')
        if num_videos is not None and num_videos < 1:
            raise ValueError(f'num_videos must be >= 1, got {num_videos}')
        if class_file:
            kept = read_class_file(class_file, kwargs.get('backend_args'))
        elif num_classes is not None:
            if not 1 <= num_classes <= NUM_CLASSES:
                raise ValueError(f'num_classes must be in 1..{NUM_CLASSES}; '
                                 f'got {num_classes}')
            kept = np.random.default_rng([subset_seed, 0]).choice(
                np.arange(1, NUM_CLASSES + 1), num_classes, replace=False)
        else:
            kept = range(1, NUM_CLASSES + 1)
        self.data_dir = data_dir
        self.stuff_classes = tuple(int(c) for c in stuff_classes)
        self.kept_classes = tuple(sorted(int(c) for c in kept))
        self.background_classes = tuple(
            c for c in range(1, NUM_CLASSES + 1)
            if c in self.stuff_classes or c not in self.kept_classes)
        self.num_videos = num_videos
        self.subset_seed = subset_seed
        super().__init__(data_root=data_root, frame_step=frame_step, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        videos = read_video_list(self.data_root, self.split_file,
                                 self.backend_args)
        if self.num_videos is not None:
            if self.num_videos > len(videos):
                raise ValueError(f'num_videos={self.num_videos} but '
                                 f'{self.split_file!r} lists {len(videos)}')
            picked = np.random.default_rng([self.subset_seed, 1]).choice(
                len(videos), self.num_videos, replace=False)
            videos = [videos[i] for i in sorted(picked)]
        for video in tqdm(videos, desc='scanning VSPW videos',
                          disable=not self.progress):
            video_dir = osp.join(self.data_root, self.data_dir, video)
            img_dir = osp.join(video_dir, 'origin')
            for stem in video_frame_stems(img_dir, '.jpg', self.frame_step,
                                          self.backend_args):
                info = dict(img_path=osp.join(img_dir, stem + '.jpg'),
                            ann_path=osp.join(video_dir, 'mask',
                                              stem + '.png'),
                            group=video,
                            frame=stem)
                counts = np.bincount(self.load_label(info).ravel(),
                                     minlength=256)
                counts[[0, IGNORE_INDEX]] = 0
                info['classes'] = np.flatnonzero(counts).tolist()
                data_list.append(info)
        return data_list

    def load_label(self, info: dict) -> np.ndarray:
        label = read_label_map(info['ann_path'], 'annotation',
                               self.backend_args)
        if label.ndim != 2 or label.dtype != np.uint8:
            raise ValueError(
                f'annotation {info["ann_path"]!r} must be a single-channel '
                f'8-bit class-id PNG; got shape {label.shape} {label.dtype}')
        label = label.copy()
        label[np.isin(label, self.background_classes)] = 0
        return label

    def first_frame_episode(self, info: dict, first: dict) -> dict:
        img, label = self.read_frame(info)
        prompt_img, prompt_label = self.read_frame(first)
        classes = list(first['classes'])
        objects = ((label != 0) & (label != IGNORE_INDEX)).astype(np.uint8)
        objects[label == IGNORE_INDEX] = IGNORE_INDEX
        return dict(img=img, gt_seg_map=label, gt_objects=objects,
                    prompt_imgs=[prompt_img] * len(classes),
                    prompt_masks=[(prompt_label == c).astype(np.uint8)
                                  for c in classes],
                    prompt_cls_ids=classes, multi_category=True,
                    img_shape=img.shape[:2], ori_shape=img.shape[:2])
