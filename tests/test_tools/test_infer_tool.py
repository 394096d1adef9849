import cv2
import numpy as np

from diffseg.datasets import ShapesInContextDataset
from _helpers.tools import run_tool


def write_episode(folder):
    """Query (32 x 24, cropped), one prompt image and mask of a shapes
    episode as PNG files; returns their paths."""
    dataset = ShapesInContextDataset(split='val', num_episodes=1,
                                     img_size=32, lazy_init=True)
    episode = dataset.generate_episode(0)
    paths = dict(query=folder / 'query.png', image=folder / 'prompt.png',
                 mask=folder / 'prompt_mask.png')
    for key, img in (('query', episode['img'][:, :24]),
                     ('image', episode['prompt_imgs'][0])):
        assert cv2.imwrite(str(paths[key]), img[..., ::-1])
    # any nonzero value but 255 (ignore) is foreground
    assert cv2.imwrite(str(paths['mask']), episode['prompt_masks'][0] * 128)
    return paths


def test_infer_writes_mask_and_overlay(tiny_run, tmp_path):
    paths = write_episode(tmp_path)
    out_dir = tmp_path / 'out'
    proc = run_tool('infer.py', 'incontext', tiny_run['config'],
                    tiny_run['work_dir'] / 'iter_4.pth', '--query',
                    paths['query'], '--prompt', paths['image'], paths['mask'],
                    '--prompt', paths['image'], paths['mask'], '--out-dir',
                    out_dir, '--device', 'cpu')
    mask_path, overlay_path = out_dir / 'query_mask.png', (
        out_dir / 'query_overlay.png')
    assert str(mask_path) in proc.stdout and str(overlay_path) in proc.stdout
    mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
    assert mask.shape == (32, 24) and mask.dtype == np.uint8
    assert set(np.unique(mask).tolist()) <= {0, 255}
    overlay = cv2.imread(str(overlay_path), cv2.IMREAD_UNCHANGED)
    # two prompt tiles and the prediction tile, at least 128 px high
    assert overlay.ndim == 3 and overlay.shape[0] >= 128
    assert overlay.shape[1] > 2 * overlay.shape[0]
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith('.')]
