import json

import cv2
import numpy as np
import pytest
from mmengine.fileio import LocalBackend, register_backend
from PIL import Image
from pycocotools import mask as mask_utils

from diffseg.datasets import COCOInContextDataset, PascalVOCInContextDataset
from diffseg.datasets.coco_incontext import coco20i_fold_classes
from diffseg.fileio import read_image
from diffseg.models.data_preprocessors.incontext_data_preprocessor import \
    InContextDataPreProcessor
from diffseg.registry import DATASETS

H, W = 12, 16

# ---------------------------------------------------------------------------
# PASCAL VOC fixture: stem -> [(class, y0, y1, x0, x1)]; the border is 255
VOC_LABELS = {
    'a': [(1, 2, 6, 2, 7), (15, 6, 11, 8, 15)],
    'b': [(1, 1, 5, 8, 15), (15, 7, 11, 1, 6)],
    'c': [(1, 3, 10, 3, 13)],
    'd': [(15, 2, 7, 2, 8), (7, 7, 11, 9, 15)],
    'e': [(7, 2, 6, 2, 7), (3, 7, 11, 9, 15)],  # class 3: only here
}
USABLE = {'a': {1, 15}, 'b': {1, 15}, 'c': {1}, 'd': {7, 15}, 'e': {7}}


def _voc_label(blocks, shape=(H, W)):
    label = np.zeros(shape, np.uint8)
    for cls, y0, y1, x0, x1 in blocks:
        label[y0:y1, x0:x1] = cls
    label[0, :] = label[-1, :] = label[:, 0] = label[:, -1] = 255
    return label


def _write_palette_png(path, label):
    img = Image.frombytes('P', (label.shape[1], label.shape[0]),
                          label.tobytes())
    palette = np.random.default_rng(0).integers(0, 256, 768, np.uint8)
    img.putpalette(palette.tolist())
    img.save(path)


def _write_jpeg(path, seed, shape=(H, W)):
    rng = np.random.default_rng(seed)
    cv2.imwrite(str(path), rng.integers(0, 256, shape + (3, ), np.uint8))


@pytest.fixture
def voc_root(tmp_path):
    root = tmp_path / 'VOC2012'
    for sub in ('JPEGImages', 'SegmentationClassAug', 'ImageSets/Segmentation'):
        (root / sub).mkdir(parents=True)
    for i, (stem, blocks) in enumerate(VOC_LABELS.items()):
        _write_jpeg(root / 'JPEGImages' / f'{stem}.jpg', i)
        _write_palette_png(root / 'SegmentationClassAug' / f'{stem}.png',
                           _voc_label(blocks))
    (root / 'ImageSets/Segmentation/val.txt').write_text(
        '\n'.join(VOC_LABELS) + '\n')
    return str(root)


def voc(root, **kwargs):
    kwargs.setdefault('split_file', 'ImageSets/Segmentation/val.txt')
    return PascalVOCInContextDataset(data_root=root, **kwargs)


def _stem(path):
    return path.rsplit('/', 1)[-1].split('.')[0]


def _check_episode(ds, episode, query_idx):
    """Class present in the query, gt = label == cls (255 kept), prompts are
    other images of the class with their (non-empty) masks."""
    info = ds.data_list[query_idx]
    cls = episode['cls_id']
    assert cls in info['classes']
    label = ds.load_label(info)
    expected = (label == cls).astype(np.uint8)
    expected[label == 255] = 255
    np.testing.assert_array_equal(episode['gt_seg_map'], expected)
    images = [read_image(d['img_path']) for d in ds.data_list]
    used = set()
    for img, mask, p_cls in zip(episode['prompt_imgs'],
                                episode['prompt_masks'],
                                episode['prompt_cls_ids']):
        (j, ) = [j for j, x in enumerate(images) if np.array_equal(x, img)]
        assert j != query_idx and j not in used
        used.add(j)
        assert p_cls in ds.data_list[j]['classes'] and mask.any()
        np.testing.assert_array_equal(
            mask, ds.load_label(ds.data_list[j]) == p_cls)


def test_voc_index_and_registry(voc_root):
    ds = DATASETS.build(dict(type='PascalVOCInContextDataset',
                             data_root=voc_root,
                             split_file='ImageSets/Segmentation/val.txt'))
    assert {_stem(d['img_path']): set(d['classes']) for d in ds.data_list} \
        == {s: {c for c, *_ in b} for s, b in VOC_LABELS.items()}
    assert ds.metainfo['classes'][15] == 'person'
    # palette indices are read, not colours
    assert ds.load_label(ds.data_list[0])[3, 3] == 1
    # class_ids restrict; images without any of them are left out
    ds = voc(voc_root, class_ids=[7])
    assert [_stem(d['img_path']) for d in ds.data_list] == ['d', 'e']
    assert voc(voc_root, min_pixels=21).data_list[2]['classes'] == [1]


def test_voc_train_episodes(voc_root):
    ds = voc(voc_root)
    for _ in range(3):
        for idx in range(len(ds)):
            episode = ds.prepare_data(idx)
            assert episode['cls_id'] in USABLE[
                _stem(ds.data_list[idx]['img_path'])]
            _check_episode(ds, episode, idx)


def test_voc_fixed_test_episodes(voc_root):
    a, b = voc(voc_root, test_mode=True), voc(voc_root, test_mode=True)
    assert len(a) == 5 and a.episodes == b.episodes
    for i in range(len(a)):
        ea, eb = a[i], b[i]
        _check_episode(a, ea, a.episodes[i][0])
        assert ea['cls_id'] == eb['cls_id']
        for x, y in zip(ea['prompt_imgs'], eb['prompt_imgs']):
            np.testing.assert_array_equal(x, y)
    assert voc(voc_root, test_mode=True, seed=1).episodes != a.episodes
    every = voc(voc_root, test_mode=True, episodes_per_image='all')
    assert len(every) == sum(len(c) for c in USABLE.values())


def test_voc_swap_and_two_prompts(voc_root):
    same = voc(voc_root, test_mode=True)
    swap = voc(voc_root, test_mode=True, prompt_mode='swap')
    two_classes = [e for e in same.episodes
                   if len(USABLE[_stem(same.data_list[e[0]]['img_path'])]) > 1]
    assert swap.episodes == two_classes
    assert {_stem(swap.data_list[e[0]]['img_path'])
            for e in swap.episodes} == {'a', 'b', 'd'}
    for i in range(len(swap)):
        episode = swap[i]
        assert episode['prompt_cls_ids'][0] != episode['cls_id']
        _check_episode(swap, episode, swap.episodes[i][0])
    # class 7 has only one other image: keep to classes with two
    two = voc(voc_root, test_mode=True, num_prompts=2, class_ids=(1, 15))
    for i in range(len(two)):
        episode = two[i]
        assert len(episode['prompt_imgs']) == 2
        _check_episode(two, episode, two.episodes[i][0])


def test_voc_errors(voc_root, tmp_path):
    with pytest.raises(FileNotFoundError, match='PASCAL VOC root .*nowhere'):
        voc(str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match='train_aug.txt'):
        voc(voc_root, split_file='ImageSets/Segmentation/train_aug.txt')
    with pytest.raises(ValueError, match='class_ids'):
        voc(voc_root, class_ids=[21])
    _write_palette_png(f'{voc_root}/SegmentationClassAug/a.png',
                       _voc_label(VOC_LABELS['a'], shape=(H, W + 2)))
    ds = voc(voc_root)
    with pytest.raises(ValueError, match=r'a\.jpg.*\(12, 18\).*\(12, 16\)'):
        ds.build_episode(0, 1, np.random.default_rng(0))


def test_voc_test_pipeline_keeps_gt_size(voc_root):
    ds = voc(voc_root, test_mode=True, pipeline=[
        dict(type='ResizeEpisode', scale=(32, 24), resize_gt=False),
        dict(type='PackInContextInputs')])
    packed = ds[0]
    assert tuple(packed['inputs'].shape) == (3, 24, 32)
    sample = packed['data_samples']
    assert tuple(sample.gt_sem_seg.shape) == (H, W)
    assert sample.ori_shape == (H, W) and sample.img_shape == (24, 32)
    out = InContextDataPreProcessor()(dict(inputs=[packed['inputs']],
                                           data_samples=[sample]))
    assert tuple(out['inputs']['query'].shape) == (1, 3, 24, 32)
    assert tuple(out['inputs']['prompts'].shape) == (1, 1, 4, 24, 32)
    assert tuple(out['data_samples'][0].gt_sem_seg.shape) == (H, W)


# ---------------------------------------------------------------------------
# COCO fixture: the 80 real category ids, 4 images, contiguous classes 1, 2
# and 5 (fold 0 holds 1 and 5, fold 1 holds 2)
COCO_CAT_IDS = (list(range(1, 12)) + list(range(13, 26)) + [27, 28] +
                list(range(31, 45)) + list(range(46, 66)) + [67, 70] +
                list(range(72, 83)) + list(range(84, 91)))
CAT = {c + 1: cat for c, cat in enumerate(COCO_CAT_IDS)}  # contiguous -> id


def _rect(x0, y0, x1, y1):
    """A polygon covering the pixels [y0, y1) x [x0, x1)."""
    return [[x0, y0, x1, y0, x1, y1, x0, y1]]


def _rle_mask():
    mask = np.zeros((H, W), np.uint8)
    mask[2:9, 3:7] = 1
    mask[4:6, 7:12] = 1
    return mask


def _coco_json(path, categories=COCO_CAT_IDS):
    rle = mask_utils.encode(np.asfortranarray(_rle_mask()))
    rle['counts'] = rle['counts'].decode()
    crowd = np.zeros((H, W), np.uint8)
    crowd[5:11, 5:10] = 1
    crowd_rle = mask_utils.encode(np.asfortranarray(crowd))
    crowd_rle['counts'] = crowd_rle['counts'].decode()
    anns = [  # (image, contiguous class, segmentation, iscrowd)
        (1, 1, _rect(2, 2, 8, 8), 0), (1, 2, _rect(9, 3, 14, 10), 0),
        (1, 1, crowd_rle, 1),
        (2, 1, rle, 0), (2, 2, _rect(10, 1, 15, 8), 0),
        (3, 2, _rect(1, 1, 6, 6), 0), (3, 5, _rect(7, 5, 14, 11), 0),
        (4, 5, _rect(3, 3, 9, 9), 0), (4, 1, _rect(10, 2, 15, 10), 0),
    ]
    data = dict(
        images=[dict(id=i, file_name=f'{i:012d}.jpg', height=H, width=W)
                for i in range(1, 5)],
        categories=[dict(id=c, name=f'cat{c}') for c in categories],
        annotations=[dict(id=n + 1, image_id=img, category_id=CAT[cls],
                          segmentation=seg, iscrowd=crowd, area=1,
                          bbox=[0, 0, 1, 1])
                     for n, (img, cls, seg, crowd) in enumerate(anns)])
    path.write_text(json.dumps(data))


@pytest.fixture
def coco_root(tmp_path):
    root = tmp_path / 'coco'
    (root / 'annotations').mkdir(parents=True)
    (root / 'train2014').mkdir()
    for i in range(1, 5):
        _write_jpeg(root / 'train2014' / f'{i:012d}.jpg', i)
    _coco_json(root / 'annotations' / 'instances.json')
    return str(root)


def coco(root, **kwargs):
    return COCOInContextDataset(data_root=root,
                                ann_file='annotations/instances.json',
                                img_dir='train2014', **kwargs)


def test_coco_index_and_labels(coco_root):
    ds = DATASETS.build(dict(type='COCOInContextDataset', data_root=coco_root,
                             ann_file='annotations/instances.json',
                             img_dir='train2014'))
    assert [d['classes'] for d in ds.data_list] == [[1, 2], [1, 2], [2, 5],
                                                    [1, 5]]
    assert ds.metainfo['classes'][0] == 'background'
    assert ds.metainfo['classes'][12] == 'cat13'  # id 12 is not in COCO
    # image 1: polygons, then a crowd RLE over them (ignore)
    expected = np.zeros((H, W), np.uint8)
    expected[2:8, 2:8] = 1
    expected[3:10, 9:14] = 2
    expected[5:11, 5:10] = 255
    np.testing.assert_array_equal(ds.load_label(ds.data_list[0]), expected)
    # image 2: a compressed RLE, then a polygon drawn over it
    rle = mask_utils.encode(np.asfortranarray(_rle_mask()))
    expected = mask_utils.decode(rle).astype(np.uint8)
    expected[1:8, 10:15] = 2
    np.testing.assert_array_equal(ds.load_label(ds.data_list[1]), expected)


def test_coco_episodes(coco_root):
    ds = coco(coco_root, test_mode=True, episodes_per_image='all')
    assert len(ds) == 8
    for i in range(len(ds)):
        _check_episode(ds, ds[i], ds.episodes[i][0])
    other = coco(coco_root, test_mode=True, episodes_per_image='all')
    assert other.episodes == ds.episodes


def test_coco20i_folds(coco_root):
    assert coco20i_fold_classes(0) == list(range(1, 81, 4))
    assert coco20i_fold_classes(3) == list(range(4, 81, 4))
    test = coco(coco_root, fold=0, fold_mode='test')
    assert test.class_ids == tuple(range(1, 81, 4))
    train = coco(coco_root, fold=0, fold_mode='train')
    assert len(train.class_ids) == 60
    assert set(train.class_ids) | set(test.class_ids) == set(range(1, 81))
    assert [d['classes'] for d in train.data_list] == [[2], [2], [2]]
    for _ in range(3):
        for idx in range(len(train)):
            assert train.prepare_data(idx)['cls_id'] == 2
    assert [d['classes'] for d in test.data_list] == [[1], [1], [5], [1, 5]]


def test_coco_errors(coco_root, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.json'):
        COCOInContextDataset(data_root=coco_root, ann_file='missing.json',
                             img_dir='train2014')
    with pytest.raises(FileNotFoundError, match='val2014'):
        COCOInContextDataset(data_root=coco_root,
                             ann_file='annotations/instances.json',
                             img_dir='val2014')
    with pytest.raises(ValueError, match='not both'):
        coco(coco_root, fold=0, class_ids=[2])
    with pytest.raises(ValueError, match='fold'):
        coco(coco_root, fold=4)
    _coco_json(tmp_path / 'few.json', categories=COCO_CAT_IDS[:5])
    with pytest.raises(ValueError, match='80 COCO categories'):
        COCOInContextDataset(data_root=coco_root,
                             ann_file=str(tmp_path / 'few.json'),
                             img_dir='train2014', fold=0)


# ---------------------------------------------------------------------------
# serialized data lists and storage backends
def _assert_same_episodes(a, b):
    assert len(a) == len(b)
    for i in range(len(a)):
        ea, eb = a[i], b[i]
        assert ea['cls_id'] == eb['cls_id']
        assert ea['img_path'] == eb['img_path']
        np.testing.assert_array_equal(ea['gt_seg_map'], eb['gt_seg_map'])
        for x, y in zip(ea['prompt_imgs'] + ea['prompt_masks'],
                        eb['prompt_imgs'] + eb['prompt_masks']):
            np.testing.assert_array_equal(x, y)


def test_serialized_data_list_gives_the_same_episodes(voc_root, coco_root):
    for build, root in ((voc, voc_root), (coco, coco_root)):
        plain = build(root, test_mode=True, episodes_per_image='all')
        packed = build(root, test_mode=True, episodes_per_image='all',
                       serialize_data=True)
        assert packed.data_list == [] and len(packed.data_bytes) > 0
        assert packed.episodes == plain.episodes
        _assert_same_episodes(plain, packed)
        # training draws read the serialized list too
        train = build(root, serialize_data=True)
        assert len(train) == len(plain.data_list)
        _check_episode(plain, train.prepare_data(0), 0)


class RecordingBackend(LocalBackend):
    """The local disk, remembering every path read."""
    paths = []

    def get(self, filepath):
        self.paths.append(str(filepath))
        return super().get(filepath)

    def get_text(self, filepath, encoding='utf-8'):
        self.paths.append(str(filepath))
        return super().get_text(filepath, encoding)


register_backend('diffseg_test_recording', RecordingBackend, force=True)


def test_files_are_read_through_the_backend(voc_root):
    RecordingBackend.paths.clear()
    ds = voc(voc_root, test_mode=True,
             backend_args=dict(backend='diffseg_test_recording'))
    read = set(RecordingBackend.paths)
    assert f'{voc_root}/ImageSets/Segmentation/val.txt' in read
    assert {f'{voc_root}/SegmentationClassAug/{s}.png'
            for s in VOC_LABELS} <= read
    RecordingBackend.paths.clear()
    episode = ds[0]
    assert episode['img_path'] in RecordingBackend.paths
    assert len(RecordingBackend.paths) >= 4  # query and prompt: jpg + png
