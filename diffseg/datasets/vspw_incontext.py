"""VSPW in-context episodes: prompts are other frames of the query's video
that show the same class."""
import os.path as osp
from typing import List, Sequence

import numpy as np
from tqdm import tqdm

from diffseg.registry import DATASETS
from .davis_incontext import read_mask, read_video_list, video_frame_stems
from .incontext_seg_dataset import IGNORE_INDEX, InContextSegDataset

NUM_CLASSES = 124


@DATASETS.register_module()
class VSPWInContextDataset(InContextSegDataset):
    """VSPW frames as in-context episodes, one video per group.

    Masks hold class ids 1..124, 0 for 'others' (kept as background, never a
    query class) and 255 for unlabelled pixels (kept as ignore). Classes in
    ``stuff_classes`` become background (the paper maps all stuff categories
    to background). The base indexes prompts by (video, class), so prompts
    are other frames of the same video showing the query's class.

    Args:
        data_root: the VSPW folder.
        split_file: video list relative to ``data_root``, e.g. 'train.txt'.
        data_dir: folder of the videos under ``data_root``
            (``<data_dir>/<video>/origin/*.jpg`` and ``.../mask/*.png``).
        frame_step: keep every ``frame_step``-th frame of each video.
        stuff_classes: class ids mapped to background.
        **kwargs: see :class:`InContextSegDataset`.
    """

    METAINFO = dict(classes=('others', ) +
                    tuple(f'class_{i}' for i in range(1, NUM_CLASSES + 1)))

    def __init__(self,
                 data_root: str,
                 split_file: str,
                 data_dir: str = 'data',
                 frame_step: int = 4,
                 stuff_classes: Sequence[int] = (),
                 **kwargs):
        if frame_step < 1:
            raise ValueError(f'frame_step must be >= 1, got {frame_step}')
        bad = [c for c in stuff_classes if not 1 <= c <= NUM_CLASSES]
        if bad:
            raise ValueError(f'stuff_classes must be VSPW class ids in '
                             f'1..{NUM_CLASSES}; got {bad}')
        self.split_file = split_file
        self.data_dir = data_dir
        self.frame_step = frame_step
        self.stuff_classes = tuple(int(c) for c in stuff_classes)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        videos = read_video_list(self.data_root, self.split_file)
        for video in tqdm(videos, desc='scanning VSPW videos',
                          disable=not self.progress):
            video_dir = osp.join(self.data_root, self.data_dir, video)
            img_dir = osp.join(video_dir, 'origin')
            for stem in video_frame_stems(img_dir, '.jpg', self.frame_step):
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
        label = read_mask(info['ann_path'])
        if label.ndim != 2 or label.dtype != np.uint8:
            raise ValueError(
                f'annotation {info["ann_path"]!r} must be a single-channel '
                f'8-bit class-id PNG; got shape {label.shape} {label.dtype}')
        label = label.copy()
        label[np.isin(label, self.stuff_classes)] = 0
        return label
