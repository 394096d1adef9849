import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import diffseg  # noqa: F401  (installs the shim)
from diffseg.engine.checkpoint_loader import load_from_local
from diffseg.utils import compat
from diffseg.utils.compat import point_sample


def test_mmseg_imports_in_fresh_process():
    code = ('import diffseg\n'
            'import mmseg.datasets, mmseg.models, mmseg.visualization\n'
            'import mmcv.ops\n'
            'print(getattr(mmcv.ops, "__diffseg_shim__", False))\n')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] in ('True', 'False')


def _bilinear_by_hand(img, x, y):
    """img (C, H, W); (x, y) continuous pixel coords, pixel centres at i+0.5
    (align_corners=False), zero outside."""
    c, h, w = img.shape
    px, py = x - 0.5, y - 0.5
    x0, y0 = int(np.floor(px)), int(np.floor(py))
    out = torch.zeros(c, dtype=torch.float64)
    for dy in (0, 1):
        for dx in (0, 1):
            xi, yi = x0 + dx, y0 + dy
            wx = 1 - abs(px - xi)
            wy = 1 - abs(py - yi)
            if 0 <= xi < w and 0 <= yi < h:
                out += wx * wy * img[:, yi, xi].double()
    return out


def test_point_sample_matches_hand_bilinear():
    torch.manual_seed(0)
    img = torch.randn(2, 3, 5, 7)
    # points in [0, 1] (x, y) relative coordinates
    pts = torch.tensor([[[0.5, 0.5], [0.1, 0.9], [0.0, 0.0], [0.93, 0.27]],
                        [[0.33, 0.61], [1.0, 1.0], [0.72, 0.05],
                         [0.25, 0.4]]])
    out = point_sample(img, pts)
    assert out.shape == (2, 3, 4)
    for n in range(2):
        for p in range(4):
            x = pts[n, p, 0].item() * 7
            y = pts[n, p, 1].item() * 5
            ref = _bilinear_by_hand(img[n], x, y)
            torch.testing.assert_close(out[n, :, p].double(), ref, atol=1e-5,
                                       rtol=1e-5)


def test_point_sample_grid_points_and_align_corners():
    torch.manual_seed(1)
    img = torch.randn(1, 2, 4, 6)
    pts = torch.rand(1, 3, 5, 2)
    out = point_sample(img, pts)
    assert out.shape == (1, 2, 3, 5)
    ref = F.grid_sample(img, pts * 2 - 1, align_corners=False)
    torch.testing.assert_close(out, ref)
    # align_corners=True: (0, 0) and (1, 1) hit the corner pixels exactly
    corners = torch.tensor([[[0.0, 0.0], [1.0, 1.0]]])
    out = point_sample(img, corners, align_corners=True)
    torch.testing.assert_close(out[0, :, 0], img[0, :, 0, 0])
    torch.testing.assert_close(out[0, :, 1], img[0, :, -1, -1])


def test_missing_op_mentions_full_mmcv():
    import mmcv.ops
    if not getattr(mmcv.ops, '__diffseg_shim__', False):
        pytest.skip('compiled mmcv ops are installed')
    with pytest.raises(ImportError, match='full mmcv'):
        mmcv.ops.nms
    with pytest.raises(ImportError, match='full mmcv'):
        from mmcv.ops import roi_align  # noqa: F401
    with pytest.raises(RuntimeError, match='full mmcv'):
        mmcv.ops.sigmoid_focal_loss(torch.zeros(1), torch.zeros(1))
    assert mmcv.ops.point_sample is point_sample


def test_install_shim_is_idempotent():
    import mmcv.ops
    first = mmcv.ops
    expected = getattr(first, '__diffseg_shim__', False)
    assert compat.install_mmcv_ops_shim() == expected
    import mmcv
    assert sys.modules['mmcv.ops'] is first and mmcv.ops is first


def test_torch_load_weights_only_mmengine_globals(tmp_path):
    from mmengine.logging.history_buffer import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(1.5)
    buf.update(np.float64(2.5))
    state = dict(
        message_hub=dict(log_scalars={'train/loss': buf}),
        np_scalars=[np.float64(3.25), np.int64(7), np.float32(0.5)],
        np_array=np.arange(6, dtype=np.float32).reshape(2, 3),
        np_int_array=np.array([1, 2, 3], dtype=np.int64),
        weight=torch.ones(2))
    path = tmp_path / 'ckpt.pth'
    torch.save(state, path)
    loaded = load_from_local(path)  # weights_only=True
    hb = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(hb, HistoryBuffer)
    assert hb.current() == pytest.approx(2.5)
    assert hb.mean() == pytest.approx(2.0)
    assert loaded['np_scalars'][0] == np.float64(3.25)
    assert loaded['np_scalars'][1] == 7
    assert loaded['np_array'].dtype == np.float32
    np.testing.assert_array_equal(loaded['np_array'], state['np_array'])
    np.testing.assert_array_equal(loaded['np_int_array'], [1, 2, 3])
    torch.testing.assert_close(loaded['weight'], torch.ones(2))


def test_torch_load_message_hub_state(tmp_path):
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('diffseg_test_compat_hub')
    hub.update_scalar('train/loss', 0.5)
    hub.update_scalar('train/loss', 1.5)
    hub.update_info('iter', 3)
    path = tmp_path / 'hub.pth'
    torch.save(dict(message_hub=hub.state_dict(), meta=dict(epoch=1)), path)
    loaded = load_from_local(path)
    buf = loaded['message_hub']['log_scalars']['train/loss']
    assert buf.mean() == pytest.approx(1.0)
    assert buf.statistics('current') == pytest.approx(1.5)
    assert loaded['message_hub']['runtime_info']['iter'] == 3


class _Evil:
    """Pickles as getattr(HistoryBuffer, '__init__'): must be refused."""

    def __reduce__(self):
        from mmengine.logging.history_buffer import HistoryBuffer
        return getattr, (HistoryBuffer, '__init__')


def test_weights_only_getattr_is_restricted(tmp_path):
    from mmengine.logging.history_buffer import HistoryBuffer
    path = tmp_path / 'evil.pth'
    torch.save(dict(x=_Evil()), path)
    with pytest.raises(Exception, match='refusing getattr'):
        with torch.serialization.safe_globals(
                compat.mmengine_checkpoint_globals()):
            torch.load(path, weights_only=True)
    with pytest.raises(Exception, match='refusing getattr'):
        compat._history_buffer_getattr(HistoryBuffer, '_statistics_methods')
    with pytest.raises(Exception, match='refusing getattr'):
        compat._history_buffer_getattr(torch, 'load')
    assert compat._history_buffer_getattr(HistoryBuffer,
                                          'mean') is HistoryBuffer.mean


def test_allow_list_contents():
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = compat.mmengine_checkpoint_globals()
    assert HistoryBuffer in allowed and np.ndarray in allowed


def test_import_leaves_torch_safe_globals_unchanged(tmp_path):
    """The allow-list holds for diffseg's own checkpoint loads only: other
    libraries' weights_only loads still refuse mmengine's globals. (torch
    registers its own classes, e.g. DTensor, when its submodules load.)"""
    from mmengine.logging.history_buffer import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(np.float64(1.5))
    path = tmp_path / 'hub.pth'
    torch.save(dict(buf=buf), path)
    code = ('import pickle, sys, torch\n'
            'before = list(torch.serialization.get_safe_globals())\n'
            'import diffseg, diffseg.engine\n'
            'from diffseg.utils.setup_env import register_all_modules\n'
            'register_all_modules()\n'
            'from diffseg.engine.checkpoint_loader import load_from_local\n'
            'load_from_local(sys.argv[1])\n'
            'added = [g for g in torch.serialization.get_safe_globals()\n'
            '         if g not in before]\n'
            'assert all(getattr(g, "__module__", "").startswith("torch.")\n'
            '           for g in added), added\n'
            'try:\n'
            '    torch.load(sys.argv[1], weights_only=True)\n'
            'except pickle.UnpicklingError:\n'
            '    print("refused")\n')
    proc = subprocess.run([sys.executable, '-c', code, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == 'refused'
