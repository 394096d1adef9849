"""DAVIS-16 test episodes prompted by the first frame of each video."""
import numpy as np
import pytest

from diffseg.datasets.davis_incontext import DAVIS16InContextDataset
from diffseg.fileio import read_label_map
from _helpers.synthetic import (DAVIS_SPLIT, DAVIS_VIDEOS, EMPTY_FRAME,
                                write_davis_tree)


@pytest.fixture
def davis_root(tmp_path):
    return write_davis_tree(str(tmp_path))


def davis(root, **kwargs):
    return DAVIS16InContextDataset(data_root=root, split_file=DAVIS_SPLIT,
                                   **kwargs)


def first_frame_davis(root, **kwargs):
    return davis(root, test_mode=True, first_frame_prompt=True, **kwargs)


@pytest.mark.parametrize('drop_last_frame', [True, False])
def test_first_frame_episodes_in_order(davis_root, drop_last_frame):
    """Frames 1 .. T-2 of each video (the official davis2017-evaluation
    protocol, the default), or 1 .. T-1."""
    ds = first_frame_davis(davis_root, drop_last_frame=drop_last_frame)
    last = int(drop_last_frame)
    expected = [(video, i) for video, n in DAVIS_VIDEOS.items()
                for i in range(1, n - last)]
    assert len(ds) == len(expected)
    if drop_last_frame:
        assert len(first_frame_davis(davis_root)) == len(expected)
    for idx, (video, i) in enumerate(expected):
        ep = ds.prepare_data(idx)
        stem = f'{i:05d}'
        first = f'{davis_root}/JPEGImages/480p/{video}/00000.jpg'
        assert ep['img_path'].endswith(f'{video}/{stem}.jpg')
        assert ep['video'] == video and ep['prompt_key'] == first
        assert ep['episode_idx'] == idx and ep['cls_id'] == 1
        assert len(ep['prompt_imgs']) == len(ep['prompt_masks']) == 1
        assert ep['prompt_cls_ids'] == [1]
        # the prompt is frame 0 of the same video with its annotation
        first_mask = read_label_map(
            f'{davis_root}/Annotations/480p/{video}/00000.png') != 0
        np.testing.assert_array_equal(ep['prompt_masks'][0], first_mask)
        v = list(DAVIS_VIDEOS).index(video)
        assert abs(int(ep['prompt_imgs'][0].mean()) - 40 * v) <= 2
        assert abs(int(ep['img'].mean()) - (40 * v + 10 * i)) <= 2
        gt = read_label_map(
            f'{davis_root}/Annotations/480p/{video}/{stem}.png') != 0
        np.testing.assert_array_equal(ep['gt_seg_map'], gt)
        if (video, i) == EMPTY_FRAME:  # still a query, all background
            assert not ep['gt_seg_map'].any()


def test_first_frame_metainfo_packed(davis_root):
    ds = first_frame_davis(
        davis_root, frame_step=2, drop_last_frame=False,
        pipeline=[dict(type='PackInContextInputs')])
    # bear keeps 00000, 00002, 00004; car keeps 00000, 00002
    assert len(ds) == 3
    metas = [ds[i]['data_samples'].metainfo for i in range(len(ds))]
    assert [m['video'] for m in metas] == ['bear', 'bear', 'car']
    assert [m['img_path'][-9:] for m in metas] == ['00002.jpg', '00004.jpg',
                                                   '00002.jpg']
    assert metas[0]['prompt_key'] == metas[1]['prompt_key'] != metas[2][
        'prompt_key']
    assert metas[2]['prompt_key'].endswith('car/00000.jpg')


def test_first_frame_needs_one_prompt(davis_root):
    for k in (2, (1, 2)):
        with pytest.raises(ValueError, match='num_prompts must be 1'):
            first_frame_davis(davis_root, num_prompts=k)


def test_first_frame_flag_off_keeps_drawn_episodes(davis_root):
    plain = davis(davis_root, test_mode=True)
    assert plain.episodes == davis(davis_root, test_mode=True,
                                   first_frame_prompt=False).episodes
    assert 'video' not in plain.prepare_data(0)


def test_serialized_data_list_gives_the_same_episodes(davis_root):
    plain = first_frame_davis(davis_root)
    packed = first_frame_davis(davis_root, serialize_data=True)
    assert packed.data_list == [] and len(packed) == len(plain)
    assert packed.video_frames('car') == plain.video_frames('car')
    for i in range(len(plain)):
        a, b = plain[i], packed[i]
        assert a['prompt_key'] == b['prompt_key']
        np.testing.assert_array_equal(a['img'], b['img'])
        np.testing.assert_array_equal(a['prompt_masks'][0],
                                      b['prompt_masks'][0])
