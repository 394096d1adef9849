"""VSPW test episodes: every later frame prompted by the first frame, one
prompt per class shown there."""
import numpy as np
import pytest

from diffseg.datasets.vspw_incontext import VSPWInContextDataset
from diffseg.fileio import read_label_map
from _helpers.synthetic import STUFF, VSPW_FRAMES, write_vspw_tree

# v0's first frame shows only 'others' and stuff: it cannot prompt
VIDEOS = {'v0': (0, STUFF), 'v1': (3, STUFF), 'v2': (3, 7)}


@pytest.fixture
def root(tmp_path):
    return write_vspw_tree(str(tmp_path), videos=VIDEOS, split_file='val.txt')


def first_frame_vspw(root, **kwargs):
    return VSPWInContextDataset(
        data_root=root, split_file='val.txt', frame_step=1,
        stuff_classes=(STUFF, ), test_mode=True, first_frame_prompt=True,
        **kwargs)


def test_episodes_per_video_in_order(root):
    ds = first_frame_vspw(root)
    expected = [(v, i) for v in ('v1', 'v2') for i in range(1, VSPW_FRAMES)]
    assert len(ds) == len(expected)
    for idx, (video, i) in enumerate(expected):
        ep = ds.prepare_data(idx)
        classes = [3] if video == 'v1' else [3, 7]
        assert ep['video'] == video and ep['multi_category'] is True
        assert ep['img_path'].endswith(f'{video}/origin/{i:08d}.jpg')
        assert ep['prompt_key'].endswith(f'{video}/origin/00000000.jpg')
        assert ep['prompt_cls_ids'] == classes
        first = read_label_map(f'{root}/data/{video}/mask/00000000.png')
        for cls, mask in zip(classes, ep['prompt_masks']):
            np.testing.assert_array_equal(mask, first == cls)
        v = list(VIDEOS).index(video)
        for img in ep['prompt_imgs']:
            assert abs(int(img.mean()) - 40 * v) <= 2
        # gt: the frame's class ids, stuff as background, 255 kept
        label = read_label_map(f'{root}/data/{video}/mask/{i:08d}.png').copy()
        label[label == STUFF] = 0
        np.testing.assert_array_equal(ep['gt_seg_map'], label)
        assert (ep['gt_objects'] == np.where(
            label == 255, 255, (label != 0) & (label != 255))).all()


def test_packed_metainfo(root):
    ds = first_frame_vspw(root, pipeline=[dict(type='PackInContextInputs')])
    sample = ds[VSPW_FRAMES - 1]['data_samples']  # v2, frame 1
    assert sample.metainfo['multi_category'] is True
    assert sample.metainfo['prompt_cls_ids'] == [3, 7]
    assert tuple(sample.prompt_imgs.shape[:2]) == (2, 3)
    assert set(np.unique(sample.gt_sem_seg.data.numpy())) == {0, 3, 7, 255}


def test_needs_one_prompt_and_a_promptable_video(root, tmp_path):
    with pytest.raises(ValueError, match='num_prompts must be 1'):
        first_frame_vspw(root, num_prompts=2)
    only_stuff = write_vspw_tree(str(tmp_path / 'stuff'),
                                 videos={'v0': (0, STUFF)},
                                 split_file='val.txt')
    with pytest.raises(ValueError, match='no episode'):
        len(first_frame_vspw(only_stuff))
