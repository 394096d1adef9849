import os

import numpy as np
import pytest
from mmseg.datasets import COCOStuffDataset

from diffseg.datasets.coarse_semantic import (CITYSCAPES27_CLASSES,
                                              COARSE_MEMBERS,
                                              coco_fine_to_coarse)
from diffseg.fileio import write_image
from diffseg.registry import DATASETS

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.PackSegInputs')
]


def write_pair(root, img_rel, seg_rel, labels):
    for rel, arr in ((img_rel, np.zeros(labels.shape + (3, ), np.uint8)),
                     (seg_rel, labels.astype(np.uint8))):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_image(path, arr)


def test_every_fine_class_has_one_coarse_class():
    fine = COCOStuffDataset.METAINFO['classes']
    members = [m for group in COARSE_MEMBERS.values() for m in group]
    assert sorted(members) == sorted(fine) and len(COARSE_MEMBERS) == 27
    mapping = coco_fine_to_coarse()
    coarse = list(COARSE_MEMBERS)
    for name, expected in (('person', 'person'), ('sky-other', 'sky'),
                           ('wall-brick', 'wall'), ('banana', 'food-things'),
                           ('fruit', 'food-stuff'), ('fog', 'water')):
        assert coarse[mapping[fine.index(name)]] == expected


@pytest.mark.parametrize('name,fine,coarse', [
    ('COCOStuff27Dataset',
     [0, 'sky-other', 'wall-brick', 255], [9, 23, 18, 255]),
    ('Cityscapes27Dataset', [3, 7, 26, 33], [255, 0, 19, 26]),
])
def test_labels_are_mapped_while_loading(tmp_path, name, fine, coarse):
    classes = COCOStuffDataset.METAINFO['classes']
    fine = [classes.index(v) if isinstance(v, str) else v for v in fine]
    labels = np.array([fine, fine])
    if name == 'COCOStuff27Dataset':
        write_pair(tmp_path, 'images/val2017/a.jpg',
                   'annotations/val2017/a_labelTrainIds.png', labels)
        prefix = dict(img_path='images/val2017',
                      seg_map_path='annotations/val2017')
    else:
        write_pair(tmp_path, 'leftImg8bit/val/aachen/a_leftImg8bit.png',
                   'gtFine/val/aachen/a_gtFine_labelIds.png', labels)
        prefix = dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')
    dataset = DATASETS.build(dict(type=name, data_root=str(tmp_path),
                                  data_prefix=prefix, pipeline=PIPELINE,
                                  test_mode=True))
    assert len(dataset) == 1 and len(dataset.metainfo['classes']) == 27
    if name == 'Cityscapes27Dataset':
        assert dataset.metainfo['classes'] == CITYSCAPES27_CLASSES
    gt = dataset[0]['data_samples'].gt_sem_seg.data[0].numpy()
    assert gt.tolist() == [coarse, coarse]
