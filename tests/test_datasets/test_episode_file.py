"""Fixed test episodes stored in a file: every K scores the same episodes."""
import json

import numpy as np
import pytest

from diffseg.datasets import COCOInContextDataset
from diffseg.datasets.episode_file import save_episode_file
from _helpers.coco_fixture import write_coco_tree
from _helpers.tools import run_tool_in_process

SETTINGS = dict(episodes_per_image='all', num_episodes=8, seed=3)


@pytest.fixture(scope='module')
def coco_root(tmp_path_factory):
    return write_coco_tree(str(tmp_path_factory.mktemp('coco')),
                           split='val2014')


def coco(root, **kwargs):
    return COCOInContextDataset(
        data_root=root, ann_file='annotations/instances_val2014.json',
        img_dir='val2014', test_mode=True,
        pipeline=[dict(type='PackInContextInputs')], **SETTINGS, **kwargs)


@pytest.fixture(scope='module')
def episode_file(coco_root, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('episodes') / 'val_3.json')
    assert save_episode_file(coco(coco_root), path, num_prompts=3) == 8
    return path


def test_file_episodes_equal_the_seeded_draws_for_every_k(coco_root,
                                                          episode_file):
    with open(episode_file) as f:
        stored = json.load(f)
    assert stored['seed'] == 3 and stored['num_prompts'] == 3
    assert stored['episodes'][0]['query'].startswith('val2014/')
    previous = None
    for k in (1, 2, 3):
        from_file = coco(coco_root, num_prompts=k, episode_file=episode_file)
        drawn = coco(coco_root, num_prompts=k)
        assert len(from_file) == len(drawn) == 8
        assert [e[:2] for e in from_file.episodes] == [
            e[:2] for e in drawn.episodes]
        if previous is not None:  # the first K prompts of the same list
            assert all(e[2][:k - 1] == p[2]
                       for e, p in zip(from_file.episodes, previous))
        previous = from_file.episodes
        for i in range(len(drawn)):
            a = from_file[i]['data_samples']
            b = drawn[i]['data_samples']
            assert a.cls_id == b.cls_id and len(a.prompt_imgs) == k
            np.testing.assert_array_equal(a.prompt_imgs, b.prompt_imgs)
            np.testing.assert_array_equal(a.prompt_masks, b.prompt_masks)


def test_episode_file_errors(coco_root, episode_file, tmp_path):
    with pytest.raises(FileNotFoundError, match='build_incontext_episodes'):
        coco(coco_root, episode_file=str(tmp_path / 'none.json'))
    with pytest.raises(ValueError, match='holds 3 prompts'):
        coco(coco_root, num_prompts=4, episode_file=episode_file)
    with pytest.raises(ValueError, match="'seed': 3.*'seed': 4"):
        COCOInContextDataset(
            data_root=coco_root, ann_file='annotations/instances_val2014.json',
            img_dir='val2014', test_mode=True,
            **dict(SETTINGS, seed=4), episode_file=episode_file)
    with pytest.raises(ValueError, match="prompt_mode='same'"):
        coco(coco_root, prompt_mode='swap', episode_file=episode_file)
    with open(episode_file) as f:
        stored = json.load(f)
    stored['episodes'][2]['prompts'][0] = 'val2014/elsewhere.jpg'
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(stored))
    with pytest.raises(ValueError, match='episode 2 .*elsewhere.jpg'):
        coco(coco_root, episode_file=str(bad))
    bad.write_text('{"episodes": []}')
    with pytest.raises(ValueError, match='not an episode file'):
        coco(coco_root, episode_file=str(bad))


def test_tool_writes_the_configs_episode_file(coco_root, tmp_path):
    out = tmp_path / 'episodes' / 'val.json'
    config = tmp_path / 'cfg.py'
    config.write_text(
        'test_dataloader = dict(dataset=dict(\n'
        "    type='COCOInContextDataset', data_root=%r,\n"
        "    ann_file='annotations/instances_val2014.json',\n"
        "    img_dir='val2014', test_mode=True, num_prompts=2,\n"
        "    episodes_per_image='all', num_episodes=8, seed=3,\n"
        '    episode_file=%r))\n' % (coco_root, str(out)))
    run_tool_in_process('dataset_converters/build_incontext_episodes.py',
                        str(config), '--num-prompts', '3')
    with open(out) as f:
        stored = json.load(f)
    assert len(stored['episodes']) == 8 and stored['num_prompts'] == 3
    assert all(len(e['prompts']) == 3 for e in stored['episodes'])
    direct = tmp_path / 'direct.json'
    save_episode_file(coco(coco_root), str(direct), num_prompts=3)
    assert json.loads(direct.read_text()) == stored


def test_serialized_data_list_writes_and_reads_the_same_file(
        coco_root, episode_file, tmp_path):
    """With serialize_data=True (an empty data_list) the file is written
    and read through get_data_info: same file, same episodes."""
    packed_path = tmp_path / 'packed.json'
    save_episode_file(coco(coco_root, serialize_data=True), str(packed_path),
                      num_prompts=3)
    with open(episode_file) as f:
        assert json.loads(packed_path.read_text()) == json.load(f)
    plain = coco(coco_root, num_prompts=2, episode_file=episode_file)
    packed = coco(coco_root, num_prompts=2, episode_file=episode_file,
                  serialize_data=True)
    assert packed.data_list == [] and packed.episodes == plain.episodes
    a, b = plain[0]['data_samples'], packed[0]['data_samples']
    np.testing.assert_array_equal(a.prompt_imgs, b.prompt_imgs)
