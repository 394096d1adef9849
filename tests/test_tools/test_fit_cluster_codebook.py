import json

import pytest
import torch

from _helpers.paths import REPO_ROOT
from _helpers.tools import run_tool, tool_env

CFG = ('configs/maskdiffusion/'
       'baseline-kmeans-codebook_pixels_captioned-shapes_64.py')


def test_fit_then_score_with_shared_ids(tmp_path):
    codebook = tmp_path / 'pixels.pth'
    run_tool('analysis_tools/fit_cluster_codebook.py', CFG,
             '--num-clusters', '10', '--num-images', '6', '--out', codebook,
             '--cfg-options', 'test_dataloader.dataset.split=train',
             'test_dataloader.num_workers=0',
             'test_dataloader.persistent_workers=False')
    centres = torch.load(codebook)
    assert centres.shape == (10, 3)
    assert centres.min() >= -1 and centres.max() <= 1  # mean colours
    run_tool('test.py', CFG, '--work-dir', tmp_path / 'test',
             '--cfg-options', f'model.head.codebook={codebook}',
             'test_dataloader.dataset.num_images=4',
             'test_dataloader.num_workers=0',
             'test_dataloader.persistent_workers=False')
    metrics = json.loads(
        (tmp_path / 'test' / 'test_summary.json').read_text())['metrics']
    assert 0 < metrics['dataset/mIoU'] <= metrics['per_image/mIoU'] <= 100


@pytest.mark.parametrize('args, message', [
    (['--num-clusters', '0', '--out', 'x.pth'], 'num-clusters'),
    (['--num-clusters', '3', '--out', 'x.npy'], '.pth'),
])
def test_bad_arguments(args, message, tmp_path):
    import subprocess
    import sys
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/fit_cluster_codebook.py',
         CFG, *args], capture_output=True, text=True, cwd=REPO_ROOT,
        env=tool_env())
    assert proc.returncode != 0 and message in proc.stderr
