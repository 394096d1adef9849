"""The episode logic shared by the on-disk in-context datasets."""
import cv2
import numpy as np
import pytest

from diffseg.datasets.incontext_seg_dataset import InContextSegDataset
from diffseg.datasets.transforms import ResizeEpisode

# image name -> label map (class ids, 255 ignore)
LABELS = {
    'a': [[1, 1, 0, 2], [1, 1, 0, 2], [0, 0, 0, 255]],
    'b': [[0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]],
    'c': [[2, 2, 0, 0], [2, 2, 0, 0], [0, 0, 3, 3]],
    'd': [[0, 0, 0, 0], [0, 3, 3, 0], [0, 0, 0, 0]],
    'e': [[1, 0, 0, 2], [0, 0, 0, 2], [0, 0, 0, 0]],
}


class ToyDataset(InContextSegDataset):
    """Label maps from LABELS; images written to ``data_root``."""

    def load_data_list(self):
        infos = []
        for name, label in LABELS.items():
            label = np.array(label, np.uint8)
            path = f'{self.data_root}/{name}.png'
            rgb = np.full(label.shape + (3, ), 40 * (len(infos) + 1),
                          np.uint8)
            cv2.imwrite(path, rgb)
            classes = sorted({int(c) for c in np.unique(label)} - {0, 255})
            infos.append(dict(img_path=path, classes=classes, name=name))
        return infos

    def load_label(self, info):
        return np.array(LABELS[info['name']], np.uint8)


def make(tmp_path, **kwargs):
    return ToyDataset(data_root=str(tmp_path), **kwargs)


def test_test_episodes_are_fixed_and_seeded(tmp_path):
    first = make(tmp_path, test_mode=True, episodes_per_image='all')
    again = make(tmp_path, test_mode=True, episodes_per_image='all')
    other = make(tmp_path, test_mode=True, episodes_per_image='all', seed=1)
    # every (image, class) whose class appears in another image
    pairs = {(LABELS_KEY[e[0]], e[1]) for e in first.episodes}
    assert pairs == {('a', 1), ('a', 2), ('b', 1), ('c', 2), ('c', 3),
                     ('d', 3), ('e', 1), ('e', 2)}
    assert first.episodes == again.episodes
    assert first.episodes != other.episodes
    for i in range(len(first)):
        e1, e2 = first.prepare_data(i), again.prepare_data(i)
        assert e1['cls_id'] == e2['cls_id']
        assert all((p1 == p2).all() for p1, p2 in zip(e1['prompt_imgs'],
                                                     e2['prompt_imgs']))


LABELS_KEY = list(LABELS)


def test_episode_content(tmp_path):
    ds = make(tmp_path, test_mode=True, episodes_per_image='all')
    for i, (query, cls, _) in enumerate(ds.episodes):
        ep = ds.prepare_data(i)
        label = np.array(LABELS[LABELS_KEY[query]])
        expected = (label == cls).astype(np.uint8)
        expected[label == 255] = 255
        assert (ep['gt_seg_map'] == expected).all()
        objects = np.isin(label, (1, 2, 3)).astype(np.uint8)
        objects[label == 255] = 255
        assert (ep['gt_objects'] == objects).all()
        (mask, ) = ep['prompt_masks']
        assert mask.any() and set(np.unique(mask)) <= {0, 1}
        # the prompt is another image that shows the class
        prompt_rgb = ep['prompt_imgs'][0]
        assert not (prompt_rgb == ep['img']).all()


def test_swap_mode_keeps_episodes_with_a_second_class(tmp_path):
    same = make(tmp_path, test_mode=True)
    swap = make(tmp_path, test_mode=True, prompt_mode='swap')
    multi = {i for i, info in enumerate(same.data_list)
             if len(same._usable_classes(i)) > 1}
    assert [e for e in same.episodes if e[0] in multi] == swap.episodes
    for i, (_, cls, _) in enumerate(swap.episodes):
        ep = swap.prepare_data(i)
        assert ep['prompt_cls_ids'][0] != cls and ep['cls_id'] == cls


def test_training_draws_and_k_range(tmp_path):
    ds = make(tmp_path, num_prompts=(1, 2))
    assert len(ds) == len(LABELS)
    seen_k = set()
    for _ in range(30):
        ep = ds.prepare_data(0)  # image 'a': classes 1 and 2
        assert ep['cls_id'] in (1, 2)
        seen_k.add(len(ep['prompt_imgs']))
    assert seen_k == {1, 2}
    # 'd' shows class 3, which only 'c' can prompt: K = 2 is impossible, and
    # training returns None so that mmengine draws another image
    fixed = make(tmp_path, num_prompts=2)
    assert fixed.prepare_data(LABELS_KEY.index('d')) is None
    with pytest.raises(ValueError, match='num_prompts'):
        make(tmp_path, num_prompts=(2, 1))
    with pytest.raises(ValueError, match='prompt_mode'):
        make(tmp_path, prompt_mode='other')


def test_label_of_another_size_is_named(tmp_path):
    class Broken(ToyDataset):
        def load_label(self, info):
            return np.zeros((5, 5), np.uint8)

    ds = Broken(data_root=str(tmp_path), test_mode=True)
    with pytest.raises(ValueError, match=r'annotation of .*\(5, 5\)'):
        ds.prepare_data(0)


def test_resize_episode_keeps_test_gt_at_original_size():
    rng = np.random.default_rng(0)
    results = dict(img=rng.integers(0, 255, (30, 40, 3), dtype=np.uint8),
                   gt_seg_map=np.ones((30, 40), np.uint8),
                   prompt_imgs=[np.zeros((10, 20, 3), np.uint8)],
                   prompt_masks=[np.eye(10, 20, dtype=np.uint8)])
    out = ResizeEpisode(scale=(20, 15), resize_gt=False)(dict(results))
    assert out['img'].shape == (15, 20, 3) and out['img_shape'] == (15, 20)
    assert out['ori_shape'] == (30, 40)
    assert out['gt_seg_map'].shape == (30, 40)
    assert out['prompt_imgs'][0].shape == (10, 20, 3)  # fits already
    train = ResizeEpisode(scale=(8, 6), keep_ratio=False)(dict(results))
    assert train['img'].shape == (8, 6, 3)
    assert train['gt_seg_map'].shape == (8, 6)
    assert set(np.unique(train['prompt_masks'][0])) <= {0, 1}


def test_episode_cap_draws_without_replacement_then_repeats(tmp_path):
    full = make(tmp_path, test_mode=True, episodes_per_image='all')
    pairs = [(q, c) for q, c, _ in full.episodes]  # 8 (image, class) pairs
    five = make(tmp_path, test_mode=True, episodes_per_image='all',
                num_episodes=5)
    assert len(five) == 5
    drawn = [(q, c) for q, c, _ in five.episodes]
    assert len(set(drawn)) == 5 and set(drawn) <= set(pairs)
    assert five.episodes == make(tmp_path, test_mode=True,
                                 episodes_per_image='all',
                                 num_episodes=5).episodes
    # 20 = two full passes over the 8 pairs, then 4 of them
    twenty = make(tmp_path, test_mode=True, episodes_per_image='all',
                  num_episodes=20)
    counts = {p: [(q, c) for q, c, _ in twenty.episodes].count(p)
              for p in pairs}
    assert sorted(counts.values()) == [2] * 4 + [3] * 4
    seeds = [s for _, _, s in twenty.episodes]
    assert len(set(seeds)) == 20  # repeats draw fresh prompts
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match='num_episodes'):
            make(tmp_path, test_mode=True, num_episodes=bad)
