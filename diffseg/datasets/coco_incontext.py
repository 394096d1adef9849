"""In-context episodes on COCO instances annotations, with COCO-20i folds."""
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine import fileio
from pycocotools.coco import COCO
from tqdm import tqdm

from diffseg.registry import DATASETS
from diffseg.utils.misc import check_choice
from .incontext_seg_dataset import IGNORE_INDEX, InContextSegDataset

NUM_FOLDS = 4


def coco20i_fold_classes(fold: int, num_classes: int = 80) -> List[int]:
    """Contiguous ids (1-based) of COCO-20i fold ``fold``.

    The PFENet / HSNet split: class c belongs to fold (c - 1) % 4, i.e.
    fold i holds {4k + i + 1 : k = 0..19}.
    """
    check_choice('fold', fold, range(NUM_FOLDS))
    return [c for c in range(1, num_classes + 1)
            if (c - 1) % NUM_FOLDS == fold]


@DATASETS.register_module()
class COCOInContextDataset(InContextSegDataset):
    """COCO in-context episodes from an instances json.

    Class ids are contiguous, 1..N in the order of the sorted COCO category
    ids (1..80 for COCO), and ``metainfo['classes'][cls_id]`` names them
    (index 0 is 'background'). Label maps are rasterised from the image's
    annotations in file order (later over earlier); crowd regions are 255
    (ignore). An image lists the classes of its non-crowd annotations.

    Args:
        data_root: root that ``ann_file`` and ``img_dir`` are relative to.
        ann_file: instances json, e.g. 'annotations/instances_train2014.json'.
        img_dir: image folder, e.g. 'train2014'.
        class_ids: episode classes (contiguous ids); default all.
        fold: COCO-20i fold 0..3 (needs the 80 COCO categories); see
            :func:`coco20i_fold_classes`. Exclusive with ``class_ids``.
        fold_mode: 'train' (the 60 classes outside the fold) or 'test' (the
            20 classes of the fold).
        **kwargs: see :class:`InContextSegDataset` and mmengine
            ``BaseDataset``.

    Classes outside the episode classes stay in the label maps but are
    never a target, so they count as background.
    """

    def __init__(self,
                 data_root: str,
                 ann_file: str,
                 img_dir: str,
                 class_ids: Optional[Sequence[int]] = None,
                 fold: Optional[int] = None,
                 fold_mode: str = 'train',
                 **kwargs):
        check_choice('fold_mode', fold_mode, ('train', 'test'))
        ann_path = osp.join(data_root, ann_file)
        img_root = osp.join(data_root, img_dir)
        backend_args = kwargs.get('backend_args')
        if not fileio.isfile(ann_path, backend_args=backend_args):
            raise FileNotFoundError(
                f'COCO annotation file {ann_path!r} not found: expected an '
                'instances json (e.g. annotations/instances_train2014.json)')
        if not fileio.isdir(img_root, backend_args=backend_args):
            raise FileNotFoundError(
                f'COCO image folder {img_root!r} not found: expected the '
                f'images named by {ann_path}')
        with fileio.get_local_path(ann_path, backend_args) as local_path:
            self.coco = COCO(local_path)
        cat_ids = sorted(self.coco.getCatIds())
        self.cat_to_cls = {cat: i + 1 for i, cat in enumerate(cat_ids)}
        num_classes = len(cat_ids)
        if fold is not None:
            if class_ids is not None:
                raise ValueError('give class_ids or fold, not both')
            if num_classes != 80:
                raise ValueError(f'COCO-20i folds need the 80 COCO '
                                 f'categories; {ann_path} has {num_classes}')
            in_fold = coco20i_fold_classes(fold)
            class_ids = (in_fold if fold_mode == 'test' else
                         [c for c in range(1, 81) if c not in in_fold])
        class_ids = tuple(range(1, num_classes + 1)
                          if class_ids is None else class_ids)
        bad = [c for c in class_ids if not 1 <= c <= num_classes]
        if bad or not class_ids:
            raise ValueError(f'class_ids must be contiguous ids in '
                             f'1..{num_classes}; got {class_ids}')
        self.class_ids = class_ids
        self.img_root = img_root
        names = tuple(self.coco.cats[c]['name'] for c in cat_ids)
        kwargs.setdefault('metainfo', dict(classes=('background', ) + names))
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        wanted = set(self.class_ids)
        data_list = []
        for img_id in tqdm(sorted(self.coco.getImgIds()),
                           desc='scanning COCO images',
                           disable=not self.progress):
            classes = {self.cat_to_cls[a['category_id']]
                       for a in self.coco.imgToAnns[img_id]
                       if not a.get('iscrowd', 0)} & wanted
            if classes:
                img = self.coco.imgs[img_id]
                data_list.append(dict(
                    img_path=osp.join(self.img_root, img['file_name']),
                    img_id=img_id, classes=sorted(classes)))
        return data_list

    def load_label(self, info: dict) -> np.ndarray:
        img = self.coco.imgs[info['img_id']]
        label = np.zeros((img['height'], img['width']), np.uint8)
        for ann in self.coco.imgToAnns[info['img_id']]:
            mask = self.coco.annToMask(ann).astype(bool)
            label[mask] = (IGNORE_INDEX if ann.get('iscrowd', 0) else
                           self.cat_to_cls[ann['category_id']])
        return label
