import importlib.util
import json
import os.path as osp
import sys

import cv2
import numpy as np
import pytest

from _helpers.paths import REPO_ROOT
from _helpers.synthetic import write_semantic_tree
from _helpers.tools import run_tool

TINY = 'configs/maskdiffusion/maskdiffusion_tiny_synthetic_64.py'
TINY_SPECTRAL = ('configs/maskdiffusion/'
                 'maskdiffusion-spectral_tiny_synthetic_64.py')


def test_infer_writes_labels_and_overlay_with_legend(tmp_path):
    root = write_semantic_tree(str(tmp_path / 'data'), num_images=2)
    image = osp.join(root, 'images', '0001.png')  # 64 x 72
    out_dir = tmp_path / 'out'
    proc = run_tool('infer.py', 'open-vocab', TINY, '--image', image,
                    '--classes', 'sky', 'grass', 'traffic light', '--out-dir',
                    out_dir)
    labels_path, overlay_path = (out_dir / '0001_labels.png',
                                 out_dir / '0001_overlay.png')
    assert str(labels_path) in proc.stdout and str(overlay_path) in proc.stdout
    labels = cv2.imread(str(labels_path), cv2.IMREAD_UNCHANGED)
    assert labels.shape == (64, 72) and labels.dtype == np.uint8
    assert set(np.unique(labels).tolist()) <= {0, 1, 2}
    overlay = cv2.imread(str(overlay_path))
    # enlarged 4x to 256 px, a legend strip on the right
    assert overlay.shape[0] == 256 and overlay.shape[1] > 4 * 72


def load_infer_module():
    spec = importlib.util.spec_from_file_location(
        'infer_tool', osp.join(REPO_ROOT, 'tools', 'infer.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('argv,message', [
    (['open-vocab', TINY, '--classes', 'a'], 'required: --image'),
    (['open-vocab', TINY, '--image', 'x.png', '--classes', 'a',
      '--num-segments', '2'], 'not allowed with argument --classes'),
    (['open-vocab', TINY, '--image', 'x.png', '--query', 'q.png'],
     'unrecognized arguments: --query'),
    (['incontext', TINY, '--query', 'q.png', '--prompt', 'p.png', 'm.png'],
     'required: checkpoint'),
    (['panoptic', TINY, 'ckpt.pth', '--classes', 'a'],
     'required: --image'),
    ([TINY], 'invalid choice'),
])
def test_infer_modes_are_checked(monkeypatch, capsys, argv, message):
    infer = load_infer_module()
    monkeypatch.setattr(sys, 'argv', ['infer.py'] + argv + ['--out-dir', 'o'])
    with pytest.raises(SystemExit):
        infer.parse_args()
    assert message in capsys.readouterr().err


def test_test_tool_runs_a_training_free_config(tmp_path):
    """tools/test.py without a checkpoint: unsupervised tiny MaskDiffusion on
    an mmseg dataset, scored by HungarianIoU."""
    root = write_semantic_tree(str(tmp_path / 'data'), num_images=2)
    work = tmp_path / 'work'
    proc = run_tool('test.py', TINY_SPECTRAL, '--work-dir', work,
                    '--cfg-options',
                    f'test_dataloader.dataset.data_root={root}')
    assert 'Hungarian-matched IoU (per_image)' in proc.stdout
    summary = json.loads((work / 'test_summary.json').read_text())
    assert set(summary['metrics']) == {'mIoU', 'aAcc'}
    assert 0 <= summary['metrics']['mIoU'] <= 100


def test_test_tool_still_needs_a_checkpoint_for_trained_models():
    spec = importlib.util.spec_from_file_location(
        'test_tool', osp.join(REPO_ROOT, 'tools', 'test.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = module.argparse.Namespace(
        config=osp.join(REPO_ROOT,
                        'configs/ldis/ldis1_tiny_1shot_1500it_shapes_64.py'),
        checkpoint=None, launcher='none', cfg_options=None, work_dir=None,
        show=False, show_dir=None, out=None)
    with pytest.raises(SystemExit, match='give the checkpoint'):
        module.build_cfg(args)
