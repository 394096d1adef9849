import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from diffseg.datasets import (ADE20KPanopticDataset, CocoPanopticDataset,
                              ShapesPanopticDataset)
from diffseg.datasets.shapes_panoptic import write_shapes_panoptic
from diffseg.fileio import (id_to_rgb, read_panoptic_png, rgb_to_id,
                            write_image, write_panoptic_png)

TRAIN = [dict(type='LoadImageFromFile'),
         dict(type='LoadPanopticAnnotations', void_crowd=True,
              min_segment_area=10),
         dict(type='ResizePanoptic', scale=(16, 24)),
         dict(type='PackPanopticInputs')]
TEST = [dict(type='LoadImageFromFile'), dict(type='LoadPanopticAnnotations'),
        dict(type='ResizePanoptic', scale=(16, 24), resize_gt=False),
        dict(type='PackPanopticInputs')]
CATEGORIES = [dict(id=3, name='person', isthing=1),
              dict(id=1, name='car', isthing=1),
              dict(id=20, name='sky', isthing=0)]


def test_id_rgb_round_trip(tmp_path):
    ids = np.array([[0, 1, 255], [256, 65536 + 3, 256**3 - 1]])
    rgb = id_to_rgb(ids)
    assert rgb[1, 1].tolist() == [3, 0, 1]  # R + 256 G + 256^2 B
    assert np.array_equal(rgb_to_id(rgb), ids)
    write_panoptic_png(str(tmp_path / 'p.png'), ids)
    assert np.array_equal(read_panoptic_png(str(tmp_path / 'p.png')), ids)
    with pytest.raises(ValueError, match='ids must lie'):
        id_to_rgb(np.array([[256**3]]))


def _coco_folder(root):
    """Two 20 x 30 images in the COCO panoptic format; image 2 holds only a
    crowd segment."""
    ids = np.full((20, 30), 500, np.int64)  # sky
    ids[2:12, 3:13] = 1001  # person, 100 px
    ids[16:18, 20:24] = 1002  # person, 8 px: small
    ids[5:15, 15:25] = 2001  # car crowd
    ids[0, 0] = 0  # void
    img = np.random.default_rng(0).integers(0, 255, (20, 30, 3), np.uint8)
    for i in (1, 2):
        write_image(osp.join(root, 'images', f'{i}.jpg'), img)
    write_panoptic_png(osp.join(root, 'pan', '1.png'), ids)
    write_panoptic_png(osp.join(root, 'pan', '2.png'),
                       np.where(ids == 2001, 2001, 0))
    segs = [dict(id=500, category_id=20, iscrowd=0),
            dict(id=1001, category_id=3, iscrowd=0),
            dict(id=1002, category_id=3, iscrowd=0),
            dict(id=2001, category_id=1, iscrowd=1)]
    data = dict(
        images=[dict(id=i, file_name=f'{i}.jpg', width=30, height=20)
                for i in (1, 2)],
        annotations=[dict(image_id=1, file_name='1.png', segments_info=segs),
                     dict(image_id=2, file_name='2.png',
                          segments_info=[segs[3]])],
        categories=CATEGORIES)
    with open(osp.join(root, 'pan.json'), 'w') as f:
        json.dump(data, f)
    return ids


def test_coco_reader_crowd_small_segments_and_filtering(tmp_path):
    ids = _coco_folder(str(tmp_path))
    kwargs = dict(data_root=str(tmp_path), ann_file='pan.json',
                  data_prefix=dict(img='images', seg='pan'))
    test = CocoPanopticDataset(pipeline=TEST, **kwargs)
    # image 2 has only a crowd segment: left out
    assert len(test) == 1
    meta = test.metainfo
    assert meta['classes'] == ('car', 'person', 'sky')  # by category id
    assert meta['thing_classes'] == ('car', 'person')
    assert meta['stuff_classes'] == ('sky', )
    item = test[0]
    assert item['inputs'].shape == (3, 16, 24)
    sample = item['data_samples']
    assert sample.ori_shape == (20, 30) and sample.img_shape == (16, 24)
    # the test gt stays at the original size, crowd and small kept
    pan = sample.gt_panoptic_seg.data[0].numpy()
    assert np.array_equal(pan, ids)
    info = {s['id']: s for s in sample.gt_panoptic_seg.segments_info}
    assert info[2001]['iscrowd'] == 1 and info[1002]['area'] == 8
    assert info[1001]['isthing'] == 1 and info[500]['isthing'] == 0
    sem = sample.gt_sem_seg.data[0].numpy()
    assert sem[0, 0] == 255 and sem[3, 4] == 1 and sem[6, 16] == 0
    assert sem[19, 0] == 2
    train = CocoPanopticDataset(pipeline=TRAIN, **kwargs)
    sample = train[0]['data_samples']
    pan = sample.gt_panoptic_seg.data[0]
    assert pan.shape == (16, 24)
    # crowd and the 8 px segment are void for training ...
    assert set(pan.unique().tolist()) == {0, 500, 1001}
    assert {s['id'] for s in sample.gt_panoptic_seg.segments_info} == {500,
                                                                       1001}
    # ... but keep their class in the semantic map
    assert set(sample.gt_sem_seg.data.unique().tolist()) == {0, 1, 2, 255}
    assert len(CocoPanopticDataset(filter_empty=False, **kwargs)) == 2


def test_coco_reader_errors(tmp_path):
    _coco_folder(str(tmp_path))
    with pytest.raises(FileNotFoundError, match='panoptic annotation file'):
        CocoPanopticDataset(data_root=str(tmp_path), ann_file='none.json',
                            data_prefix=dict(img='images', seg='pan'))
    with pytest.raises(FileNotFoundError, match='seg folder'):
        CocoPanopticDataset(data_root=str(tmp_path), ann_file='pan.json',
                            data_prefix=dict(img='images', seg='none'))
    data = json.load(open(tmp_path / 'pan.json'))
    data['categories'] = data['categories'][:1]
    json.dump(data, open(tmp_path / 'bad.json', 'w'))
    with pytest.raises(ValueError, match='unknown category'):
        CocoPanopticDataset(data_root=str(tmp_path), ann_file='bad.json',
                            data_prefix=dict(img='images', seg='pan'))


def test_ade20k_reads_semantic_pngs(tmp_path):
    _coco_folder(str(tmp_path))
    sem = np.full((20, 30), 2, np.uint8)
    sem[:5] = 255
    for i in (1, 2):
        write_image(str(tmp_path / 'sem' / f'{i}.png'), sem)
    ds = ADE20KPanopticDataset(
        data_root=str(tmp_path), ann_file='pan.json', pipeline=TEST,
        data_prefix=dict(img='images', seg='pan', sem_seg='sem'))
    gt = ds[0]['data_samples'].gt_sem_seg.data[0].numpy()
    assert np.array_equal(gt, sem.astype(np.int64))


def test_shapes_are_written_in_the_coco_format_and_read_back(tmp_path):
    folder = write_shapes_panoptic(str(tmp_path / 'val'), 'val', 4, 48)
    data = json.load(open(osp.join(folder, 'panoptic.json')))
    assert len(data['images']) == 4
    assert {c['name'] for c in data['categories'] if not c['isthing']} == {
        'sky', 'ground'}
    ids = read_panoptic_png(osp.join(folder, 'panoptic', '000000.png'))
    listed = {s['id']: s for s in data['annotations'][0]['segments_info']}
    assert set(np.unique(ids).tolist()) == set(listed)
    for seg_id, seg in listed.items():
        assert seg['area'] == int((ids == seg_id).sum())
    depth = cv2.imread(osp.join(folder, 'depth', '000000.png'),
                       cv2.IMREAD_UNCHANGED)
    assert depth.dtype == np.uint16 and depth.max() == 10000  # sky = 1.0
    # the dataset generates once, then reads the files through the reader
    ds = ShapesPanopticDataset(data_root=str(tmp_path), split='train',
                               num_images=3, img_size=48, pipeline=TEST)
    again = ShapesPanopticDataset(data_root=str(tmp_path), split='train',
                                  num_images=3, img_size=48, pipeline=TEST)
    a, b = ds[2]['data_samples'], again[2]['data_samples']
    assert torch.equal(a.gt_panoptic_seg.data, b.gt_panoptic_seg.data)
    sample = a
    assert sample.img_path.endswith('train_3_48/images/000002.png')
    assert set(sample.gt_sem_seg.data.unique().tolist()) <= set(range(8))
    things = sample.gt_panoptic_seg.data[0] // 1000 <= 6
    gt_depth = sample.gt_depth_map.data[0]
    # things are nearer than any stuff
    assert gt_depth[things].max() < gt_depth[~things].min()


def test_flip_moves_image_and_maps_together():
    from diffseg.datasets.transforms import RandomFlipPanoptic
    img = np.arange(12).reshape(2, 6, 1).repeat(3, 2).astype(np.uint8)
    results = dict(img=img, gt_panoptic_seg=img[..., 0].astype(np.int32),
                   gt_depth_map=img[..., 0].astype(np.float32))
    out = RandomFlipPanoptic(prob=1.0)(dict(results))
    assert out['flip'] and out['img'][0, 0, 0] == 5
    assert np.array_equal(out['gt_panoptic_seg'], out['img'][..., 0])
    assert np.array_equal(out['gt_depth_map'], out['img'][..., 0])
    assert not RandomFlipPanoptic(prob=0.0)(dict(results))['flip']
