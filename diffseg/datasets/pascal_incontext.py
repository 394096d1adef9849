"""In-context episodes on PASCAL VOC 2012 (+ SBD "SegmentationClassAug")."""
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine import fileio
from tqdm import tqdm

from diffseg.fileio import read_label_map
from diffseg.registry import DATASETS
from .incontext_seg_dataset import InContextSegDataset

VOC_CLASSES = ('background', 'aeroplane', 'bicycle', 'bird', 'boat',
               'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'diningtable',
               'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep',
               'sofa', 'train', 'tvmonitor')


@DATASETS.register_module()
class PascalVOCInContextDataset(InContextSegDataset):
    """PASCAL VOC in-context episodes.

    Class ids are the VOC ids 1..20 (0 = background, 255 = ignore), so
    ``metainfo['classes'][cls_id]`` is the name of an episode's class.

    Args:
        data_root: VOC root holding ``img_dir`` and ``ann_dir``.
        split_file: image stems, one per line (relative to ``data_root``),
            e.g. 'ImageSets/Segmentation/train_aug.txt'.
        img_dir: folder of ``<stem>.jpg`` images.
        ann_dir: folder of ``<stem>.png`` label maps (palette indices).
        class_ids: episode classes (e.g. a PASCAL-5i fold); default 1..20.
            Other classes stay in the label maps but are never a target, so
            they count as background.
        min_pixels: pixels a class needs in an image to be listed there.
        **kwargs: see :class:`InContextSegDataset` and mmengine
            ``BaseDataset`` (pipeline, test_mode, ...).

    Images whose label shows none of ``class_ids`` are left out. Every label
    map is read once when the dataset is indexed.
    """

    METAINFO = dict(classes=VOC_CLASSES)

    def __init__(self,
                 data_root: str,
                 split_file: str,
                 img_dir: str = 'JPEGImages',
                 ann_dir: str = 'SegmentationClassAug',
                 class_ids: Optional[Sequence[int]] = None,
                 min_pixels: int = 1,
                 **kwargs):
        img_root = osp.join(data_root, img_dir)
        ann_root = osp.join(data_root, ann_dir)
        backend_args = kwargs.get('backend_args')
        if not (fileio.isdir(img_root, backend_args=backend_args)
                and fileio.isdir(ann_root, backend_args=backend_args)):
            raise FileNotFoundError(
                f'PASCAL VOC root {data_root!r} not found: expected '
                f'{img_root} and {ann_root} (see docs)')
        split_path = osp.join(data_root, split_file)
        if not fileio.isfile(split_path, backend_args=backend_args):
            raise FileNotFoundError(
                f'PASCAL VOC split file {split_path!r} not found: expected '
                'one image stem per line')
        class_ids = tuple(range(1, 21) if class_ids is None else class_ids)
        bad = [c for c in class_ids if not 1 <= c <= 20]
        if bad or not class_ids:
            raise ValueError(f'class_ids must be VOC ids in 1..20; got '
                             f'{class_ids}')
        if min_pixels < 1:
            raise ValueError(f'min_pixels must be >= 1, got {min_pixels}')
        self.img_root, self.ann_root = img_root, ann_root
        self.split_path = split_path
        self.class_ids = class_ids
        self.min_pixels = min_pixels
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        text = fileio.get_text(self.split_path,
                               backend_args=self.backend_args)
        stems = [line.strip() for line in text.splitlines() if line.strip()]
        data_list = []
        for stem in tqdm(stems, desc='scanning VOC labels',
                         disable=not self.progress):
            seg_map_path = osp.join(self.ann_root, stem + '.png')
            counts = np.bincount(self.load_label(
                dict(seg_map_path=seg_map_path)).ravel(), minlength=256)
            classes = [c for c in self.class_ids
                       if counts[c] >= self.min_pixels]
            if classes:
                data_list.append(dict(
                    img_path=osp.join(self.img_root, stem + '.jpg'),
                    seg_map_path=seg_map_path, classes=classes))
        return data_list

    def load_label(self, info: dict) -> np.ndarray:
        """The (H, W) uint8 label map; palette PNGs give their indices."""
        path = info['seg_map_path']
        label = read_label_map(path, 'label map', self.backend_args)
        if label.ndim != 2:
            raise ValueError(f'label map {path!r} has shape {label.shape}; '
                             'expected a single-channel (palette or grey) '
                             'PNG of class ids')
        return label.astype(np.uint8)
