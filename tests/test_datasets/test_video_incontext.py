import os
import os.path as osp

import numpy as np
import pytest

from diffseg.datasets import incontext_seg_dataset
from diffseg.datasets.davis_incontext import DAVIS16InContextDataset
from diffseg.datasets.vspw_incontext import VSPWInContextDataset
from diffseg.registry import DATASETS
from _helpers.synthetic import (DAVIS_SPLIT, DAVIS_VIDEOS, EMPTY_FRAME, STUFF,
                                VSPW_FRAMES, VSPW_VIDEOS, write_davis_tree,
                                write_vspw_tree)

@pytest.fixture
def davis_root(tmp_path):
    return write_davis_tree(str(tmp_path))


@pytest.fixture
def vspw_root(tmp_path):
    return write_vspw_tree(str(tmp_path))


def davis(root, **kwargs):
    return DAVIS16InContextDataset(data_root=root, split_file=DAVIS_SPLIT,
                                   **kwargs)


def vspw(root, **kwargs):
    kwargs.setdefault('frame_step', 1)
    kwargs.setdefault('stuff_classes', (STUFF, ))
    kwargs.setdefault('split_file', 'train.txt')
    return VSPWInContextDataset(data_root=root, **kwargs)


@pytest.fixture
def read_paths(monkeypatch):
    """The image paths read by the episodes: the query first, then prompts."""
    paths = []
    read_image = incontext_seg_dataset.read_image

    def recording(path, **kwargs):
        paths.append(path)
        return read_image(path, **kwargs)

    monkeypatch.setattr(incontext_seg_dataset, 'read_image', recording)
    return paths


def _episode_paths(ds, idx, read_paths):
    read_paths.clear()
    episode = ds[idx]
    return episode, read_paths[0], read_paths[1:]


# DAVIS ---------------------------------------------------------------------
def test_davis_frames_order_step_and_classes(davis_root):
    ds = davis(davis_root)
    assert len(ds.data_list) == sum(DAVIS_VIDEOS.values())
    frames = ds.video_frames('bear')
    assert [f['frame'] for f in frames] == [f'{i:05d}' for i in range(5)]
    assert [f['classes'] for f in frames] == [[1], [1], [], [1], [1]]
    assert all(f['group'] == 'bear' for f in frames)
    stepped = davis(davis_root, frame_step=2)
    assert [f['frame'] for f in stepped.video_frames('bear')
            ] == ['00000', '00002', '00004']
    assert [f['frame']
            for f in stepped.video_frames('car')] == ['00000', '00002']
    with pytest.raises(KeyError, match='ghost'):
        ds.video_frames('ghost')


def test_davis_label_and_registry(davis_root):
    ds = DATASETS.build(
        dict(type='DAVIS16InContextDataset',
             data_root=davis_root,
             split_file='ImageSets/2016/train.txt'))
    label = ds.load_label(ds.video_frames('car')[1])
    assert label.dtype == np.uint8 and set(np.unique(label)) == {0, 1}
    assert ds.metainfo['classes'] == ('background', 'object')


def test_davis_prompts_from_same_video(davis_root, read_paths):
    ds = davis(davis_root, num_prompts=2)
    empty = ds.video_frames('bear')[EMPTY_FRAME[1]]['img_path']
    for _ in range(3):
        for idx, info in enumerate(ds.data_list):
            if info['img_path'] == empty:
                assert ds.build_episode(idx, None, np.random.default_rng()) \
                    is None  # never a query
                continue
            episode, query, prompts = _episode_paths(ds, idx, read_paths)
            assert query == info['img_path'] and len(prompts) == 2
            assert episode['gt_seg_map'].max() == 1
            for path in prompts:
                assert osp.dirname(path) == osp.dirname(query)
                assert path not in (query, empty)


def test_davis_test_episodes_fixed_and_seeded(davis_root, read_paths):
    a, b = davis(davis_root, test_mode=True), davis(davis_root, test_mode=True)
    assert a.episodes == b.episodes and len(a) == len(a.data_list) - 1
    empty = a.video_frames('bear')[EMPTY_FRAME[1]]['img_path']
    for idx in range(len(a)):
        ep_a, query, prompts = _episode_paths(a, idx, read_paths)
        ep_b, query_b, prompts_b = _episode_paths(b, idx, read_paths)
        assert (query, prompts) == (query_b, prompts_b)
        assert empty not in [query] + prompts
        np.testing.assert_array_equal(ep_a['prompt_masks'][0],
                                      ep_b['prompt_masks'][0])
    other = davis(davis_root, test_mode=True, seed=1)
    assert other.episodes != a.episodes


def test_davis_errors(davis_root, tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere'):
        davis(str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match='val.txt'):
        DAVIS16InContextDataset(data_root=davis_root, split_file='val.txt')
    split = osp.join(davis_root, 'ImageSets/2016/train.txt')
    with open(split, 'a') as f:
        f.write('ghost\n')
    with pytest.raises(FileNotFoundError, match='ghost'):
        davis(davis_root)
    with open(split, 'w') as f:
        f.write('car\n')
    os.remove(osp.join(davis_root, 'Annotations/480p/car/00001.png'))
    with pytest.raises(FileNotFoundError, match='car/00001.png'):
        davis(davis_root)
    with pytest.raises(ValueError, match='frame_step'):
        davis(davis_root, frame_step=0)


# VSPW ----------------------------------------------------------------------
def test_vspw_frames_and_classes(vspw_root):
    ds = vspw(vspw_root)
    assert len(ds.data_list) == 2 * VSPW_FRAMES
    assert [i['classes'] for i in ds.data_list] == \
        [[3]] * VSPW_FRAMES + [[3, 7]] * VSPW_FRAMES
    stepped = VSPWInContextDataset(data_root=vspw_root, split_file='train.txt')
    assert [(i['group'], i['frame']) for i in stepped.data_list
            ] == [(v, f'{f:08d}') for v in VSPW_VIDEOS for f in (0, 4)]
    label = ds.load_label(ds.data_list[0])
    assert set(np.unique(label)) == {0, 3, 255}  # stuff 12 -> background
    assert ds.metainfo['classes'][0] == 'others'
    assert len(ds.metainfo['classes']) == 125


def test_vspw_episodes(vspw_root, read_paths):
    ds = vspw(vspw_root, num_prompts=2)
    seen = set()
    for _ in range(4):
        for idx, info in enumerate(ds.data_list):
            episode, query, prompts = _episode_paths(ds, idx, read_paths)
            cls = episode['cls_id']
            seen.add((info['group'], cls))
            assert cls in info['classes'] and cls != STUFF
            gt = episode['gt_seg_map']
            assert (gt[0] == 255).all() and set(np.unique(gt[1:])) == {0, 1}
            for path, mask in zip(prompts, episode['prompt_masks']):
                assert osp.dirname(path) == osp.dirname(query)
                assert path != query and mask.any()
    assert ('v2', 7) in seen and ('v2', 3) in seen


def test_vspw_test_episodes_fixed_and_errors(vspw_root, tmp_path):
    a = vspw(vspw_root, test_mode=True, episodes_per_image='all')
    b = vspw(vspw_root, test_mode=True, episodes_per_image='all')
    assert a.episodes == b.episodes
    assert sorted(c for _, c, _ in a.episodes) == [3] * 12 + [7] * 6
    with pytest.raises(ValueError, match='stuff_classes'):
        vspw(vspw_root, stuff_classes=(0, ))
    with pytest.raises(FileNotFoundError, match='nowhere'):
        vspw(str(tmp_path / 'nowhere'))
    os.remove(osp.join(vspw_root, 'data/v2/mask/00000003.png'))
    with pytest.raises(FileNotFoundError, match='v2/mask/00000003.png'):
        vspw(vspw_root)
    (tmp_path / 'train.txt').write_text('v3\n')
    with pytest.raises(FileNotFoundError, match='v3/origin'):
        vspw(vspw_root)


def test_vspw_category_and_video_subsets(tmp_path):
    """The paper's subset lists are not published: a category file, or
    seeded draws of the categories and videos, the same in every split."""
    videos = {'v1': (3, STUFF), 'v2': (3, 7), 'v3': (5, 7), 'v4': (9, 3)}
    root = write_vspw_tree(str(tmp_path / 'vspw'), videos=videos)
    write_vspw_tree(root, videos=videos, split_file='val.txt')
    (tmp_path / 'classes.txt').write_text('3\nPlayground_slide\n')  # id 7
    ds = vspw(root, stuff_classes=(), class_file=str(tmp_path / 'classes.txt'))
    assert ds.kept_classes == (3, 7)
    assert {i['group']: i['classes'] for i in ds.data_list} == {
        'v1': [3], 'v2': [3, 7], 'v3': [7], 'v4': [3]}
    label = ds.load_label(ds.data_list[0])
    assert set(np.unique(label)) == {0, 3, 255}  # 12: not kept
    # 2 of the 124 categories, 2 of the 4 videos, drawn from subset_seed
    a = vspw(root, stuff_classes=(), num_classes=2, num_videos=2)
    b = vspw(root, stuff_classes=(), num_classes=2, num_videos=2,
             split_file='val.txt')
    assert a.kept_classes == b.kept_classes and len(a.kept_classes) == 2
    assert all(c in a.kept_classes for i in a.data_list for c in i['classes'])
    groups = list(dict.fromkeys(i['group'] for i in a.data_list))
    assert len(groups) == 2 and groups == sorted(groups)
    others = [vspw(root, stuff_classes=(), num_classes=2, num_videos=2,
                   subset_seed=s) for s in range(1, 6)]
    assert any(o.kept_classes != a.kept_classes for o in others)
    assert any([i['group'] for i in o.data_list] !=
               [i['group'] for i in a.data_list] for o in others)
    with pytest.raises(ValueError, match='not both'):
        vspw(root, class_file=str(tmp_path / 'classes.txt'), num_classes=2)
    with pytest.raises(ValueError, match='lists 4'):
        vspw(root, num_videos=5)
    (tmp_path / 'bad.txt').write_text('3\nunicorn\n')
    with pytest.raises(ValueError, match="'unicorn' is neither"):
        vspw(root, class_file=str(tmp_path / 'bad.txt'))
