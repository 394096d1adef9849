"""tools/infer.py video: the masks equal what tools/test.py predicts for the
same frames with the first-frame protocol (DAVIS: one object; VSPW: several,
Eq. 7), in the DAVIS results layout, with an overlay video."""
import os.path as osp
import pickle

import cv2
import numpy as np
import pytest
from PIL import Image

from _helpers.configs import write_tiny_ldis1_config
from _helpers.synthetic import DAVIS_SPLIT, write_davis_tree, write_vspw_tree
from _helpers.tools import run_tool_in_process
from diffseg.fileio import read_label_map, write_image


def first_frame_config(path, dataset, evaluator) -> str:
    """The tiny LDIS-1 config testing ``dataset`` with the first-frame
    protocol, two frames a batch."""
    return write_tiny_ldis1_config(
        path,
        test_dataloader=dict(
            _delete_=True, batch_size=2, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(dataset, test_mode=True, first_frame_prompt=True,
                         frame_step=1,
                         pipeline=[dict(type='PackInContextInputs')])),
        test_evaluator=[evaluator], test_cfg=dict(type='TestLoop'))


def predictions_of_test_tool(tiny_run, config, tmp_path) -> dict:
    """tools/test.py's predictions: (video, frame stem) -> (H, W) label
    ids."""
    out = tmp_path / 'preds.pkl'
    run_tool_in_process('test.py', config, tiny_run['work_dir'] / 'iter_4.pth',
                        '--work-dir', tmp_path / 'test', '--out', out,
                        '--cfg-options',
                        f'experiment_name=infer_video_{tmp_path.name}')
    with open(out, 'rb') as f:
        return {(r['video'], osp.splitext(osp.basename(r['img_path']))[0]):
                r['pred_sem_seg']['data'][0].numpy()
                for r in pickle.load(f)}


def run_video(tiny_run, config, frames, first_mask, out_dir, *args):
    run_tool_in_process('infer.py', 'video', config,
                        tiny_run['work_dir'] / 'iter_4.pth', '--video',
                        frames, '--first-mask', first_mask, '--out-dir',
                        out_dir, *args)


def check_outputs(out_dir, name, video, stems, first_ids, tested):
    """The palette PNGs of ``name`` hold ``first_ids`` on frame 0 and
    tools/test.py's predictions for ``video`` on the others; the overlay
    has every frame."""
    names = sorted(p.name for p in (out_dir / name).iterdir())
    assert names == [f'{stem}.png' for stem in stems]
    for i, stem in enumerate(stems):
        path = out_dir / name / f'{stem}.png'
        assert Image.open(path).mode == 'P'
        labels = read_label_map(str(path))
        expected = first_ids if i == 0 else tested[video, stem]
        np.testing.assert_array_equal(labels, expected)
    capture = cv2.VideoCapture(str(out_dir / f'{name}_overlay.mp4'))
    count = 0
    while capture.read()[0]:
        count += 1
    assert count == len(stems)
    assert not [p for p in out_dir.iterdir() if p.name.startswith('.')]


def test_davis_video_equals_test_tool(tiny_run, tmp_path):
    root = write_davis_tree(str(tmp_path / 'davis'))
    config = first_frame_config(
        str(tmp_path / 'davis_cfg.py'),
        # every later frame is a query, the last one included
        dict(type='DAVIS16InContextDataset', data_root=root,
             split_file=DAVIS_SPLIT, drop_last_frame=False),
        dict(type='VideoJF'))
    tested = predictions_of_test_tool(tiny_run, config, tmp_path)
    out_dir = tmp_path / 'out'
    first_mask = osp.join(root, 'Annotations/480p/bear/00000.png')
    run_video(tiny_run, config, osp.join(root, 'JPEGImages/480p/bear'),
              first_mask, out_dir, '--batch-size', '2')
    # the 0/255 DAVIS-2016 mask is object 1
    first_ids = (read_label_map(first_mask) == 255).astype(np.uint8)
    check_outputs(out_dir, 'bear', 'bear', [f'{i:05d}' for i in range(5)],
                  first_ids, tested)


def test_vspw_objects_equal_test_tool(tiny_run, tmp_path):
    root = write_vspw_tree(str(tmp_path / 'vspw'))
    with open(osp.join(root, 'v2.txt'), 'w') as f:
        f.write('v2\n')
    config = first_frame_config(
        str(tmp_path / 'vspw_cfg.py'),
        dict(type='VSPWInContextDataset', data_root=root,
             split_file='v2.txt'), dict(type='VSPWIoU', num_classes=125))
    tested = predictions_of_test_tool(tiny_run, config, tmp_path)
    out_dir = tmp_path / 'out'
    first_mask = osp.join(root, 'data/v2/mask/00000000.png')
    run_video(tiny_run, config, osp.join(root, 'data/v2/origin'), first_mask,
              out_dir, '--batch-size', '2')
    # objects 3 and 7 of the palette mask; 255 (unlabelled) is no object
    first = read_label_map(first_mask)
    assert set(np.unique(first).tolist()) == {0, 3, 7, 255}
    check_outputs(out_dir, 'origin', 'v2', [f'{i:08d}' for i in range(6)],
                  np.where(first == 255, 0, first), tested)


def test_bad_late_frame_leaves_nothing(tiny_run, tmp_path):
    """A frame of another size fails after earlier frames were segmented;
    neither their masks nor the overlay video are left behind."""
    frames = tmp_path / 'clip'
    for i in range(4):
        size = (20, 24) if i == 3 else (16, 16)
        write_image(str(frames / f'f{i}.png'), np.zeros(size + (3, ),
                                                        np.uint8))
    mask = np.zeros((16, 16), np.uint8)
    mask[4:9, 4:9] = 255
    write_image(str(tmp_path / 'mask.png'), mask)
    out_dir = tmp_path / 'out'
    with pytest.raises(ValueError, match=r"frame '.*f3\.png' is 20x24 but the "
                       r"first frame of video 'clip' is 16x16"):
        run_video(tiny_run, tiny_run['config'], frames,
                  tmp_path / 'mask.png', out_dir)
    assert list(out_dir.iterdir()) == []
