"""index_file of the in-context datasets and
tools/dataset_converters/build_incontext_index.py."""
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from diffseg.datasets import PascalVOCInContextDataset
from _helpers.paths import REPO_ROOT
from _helpers.tools import run_tool

TOOL = 'dataset_converters/build_incontext_index.py'
SPLIT = 'ImageSets/Segmentation/val.txt'
# stem -> [(class, y0, y1, x0, x1)] on a 12 x 16 label map
VOC_LABELS = {
    'a': [(1, 2, 6, 2, 7), (15, 6, 11, 8, 15)],
    'b': [(1, 1, 5, 8, 15), (15, 7, 11, 1, 6)],
    'c': [(1, 3, 10, 3, 13)],
    'd': [(15, 2, 7, 2, 8), (7, 7, 11, 9, 15)],
    'e': [(7, 2, 6, 2, 7), (3, 7, 11, 9, 15)],
}


@pytest.fixture
def voc_root(tmp_path):
    """A 5-image VOC folder (palette label PNGs, random JPEGs)."""
    root = tmp_path / 'VOC2012'
    for sub in ('JPEGImages', 'SegmentationClassAug',
                'ImageSets/Segmentation'):
        (root / sub).mkdir(parents=True)
    for i, (stem, blocks) in enumerate(VOC_LABELS.items()):
        label = np.zeros((12, 16), np.uint8)
        for cls, y0, y1, x0, x1 in blocks:
            label[y0:y1, x0:x1] = cls
        png = Image.frombytes('P', (16, 12), label.tobytes())
        png.putpalette(list(range(256)) * 3)
        png.save(root / 'SegmentationClassAug' / f'{stem}.png')
        img = np.random.default_rng(i).integers(0, 256, (12, 16, 3), np.uint8)
        cv2.imwrite(str(root / 'JPEGImages' / f'{stem}.jpg'), img)
    (root / SPLIT).write_text('\n'.join(VOC_LABELS) + '\n')
    return str(root)


def voc(root, **kwargs):
    return PascalVOCInContextDataset(data_root=root, split_file=SPLIT,
                                     **kwargs)


def test_index_matches_scan(voc_root, tmp_path):
    scanned = voc(voc_root, test_mode=True, class_ids=(1, 15))
    index = str(tmp_path / 'index' / 'voc_val.json')
    scanned.save_index(scanned.load_data_list(), index)
    with open(index) as f:
        stored = json.load(f)
    assert stored[0]['img_path'] == osp.join('JPEGImages', 'a.jpg')
    indexed = voc(voc_root, test_mode=True, class_ids=(1, 15),
                  index_file=index)
    assert indexed.data_list == scanned.data_list
    assert indexed.episodes == scanned.episodes
    a, b = scanned[1], indexed[1]
    assert a['cls_id'] == b['cls_id']
    np.testing.assert_array_equal(a['prompt_imgs'][0], b['prompt_imgs'][0])


def test_index_errors(voc_root, tmp_path):
    missing = str(tmp_path / 'missing.json')
    with pytest.raises(FileNotFoundError,
                       match=r'missing\.json.*build_incontext_index\.py'):
        voc(voc_root, index_file=missing)
    bad = tmp_path / 'bad.json'
    for content, match in [('{"img_path": "a.jpg"}', 'holds a dict'),
                           ('[{"img_path": "a.jpg"}]', 'entry 0'),
                           ('[{', 'not valid JSON')]:
        bad.write_text(content)
        with pytest.raises(ValueError, match=f'bad.json.*{match}.*JSON list'):
            voc(voc_root, index_file=str(bad))


def test_tool(voc_root, tmp_path):
    """A ConcatDataset config in a subprocess: one index per sub-dataset."""
    outs = [str(tmp_path / 'all.json'), str(tmp_path / 'seven.json')]
    datasets = [dict(type='PascalVOCInContextDataset', data_root=voc_root,
                     split_file=SPLIT, index_file=outs[0]),
                dict(type='PascalVOCInContextDataset', data_root=voc_root,
                     split_file=SPLIT, class_ids=[7], index_file=outs[1])]
    config = tmp_path / 'voc_index.py'
    config.write_text('test_dataloader = ' + repr(dict(dataset=dict(
        type='ConcatDataset', datasets=datasets))) + '\n')
    proc = run_tool(TOOL, config, '--split', 'test')
    assert 'wrote' in proc.stdout and '5 images, 4 classes' in proc.stdout
    assert '2 images, 1 classes' in proc.stdout
    for out, kwargs in zip(outs, [{}, dict(class_ids=[7])]):
        assert voc(voc_root, index_file=out, **kwargs).data_list == \
            voc(voc_root, **kwargs).data_list


def test_tool_needs_an_output(voc_root, tmp_path):
    spec = importlib.util.spec_from_file_location(
        'build_incontext_index', osp.join(REPO_ROOT, 'tools', TOOL))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    config = tmp_path / 'voc.py'
    config.write_text('val_dataloader = ' + repr(dict(dataset=dict(
        type='PascalVOCInContextDataset', data_root=voc_root,
        split_file=SPLIT))) + '\n')
    with pytest.raises(SystemExit, match='no index_file.*--out'):
        tool.main([str(config), '--split', 'val'])
    out = str(tmp_path / 'out.json')
    tool.main([str(config), '--split', 'val', '--out', out])
    assert voc(voc_root, index_file=out).data_list == voc(voc_root).data_list
