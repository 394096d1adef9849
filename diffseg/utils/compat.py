"""Compatibility fixes for the pinned OpenMMLab stack.

mmcv-lite ships no compiled ops, and mmseg 1.2.2 imports ``mmcv.ops`` without a
guard (``mmseg/utils/mask_classification.py``), which makes ``mmseg.models``,
``mmseg.datasets`` and ``mmseg.visualization`` unimportable. When the compiled
ops are missing, importing diffseg installs a stand-in ``mmcv.ops`` module:
``point_sample`` is pure PyTorch, every other name raises an error saying that
the compiled op is needed.

:func:`mmengine_checkpoint_globals` lists the non-tensor globals of mmengine
0.10.7 checkpoints (message hub history, numpy scalars); diffseg's checkpoint
loader (``diffseg/engine/checkpoint_loader.py``) allows them for its own
``weights_only`` loads only, inside ``torch.serialization.safe_globals``:
importing diffseg leaves torch's process-wide allow-list unchanged.
"""
import importlib
import pickle
import sys
import types

import torch
import torch.nn.functional as F

MMCV_FULL_HINT = ('it needs the compiled ops of full mmcv: install it with '
                  '`pip install --no-build-isolation mmcv==2.1.0` (a CUDA '
                  'toolchain is needed to compile it)')


def point_sample(input, points, align_corners=False, **kwargs):
    """Sample ``input`` (N, C, H, W) at ``points`` (N, P, 2) in [0, 1] coords.

    Returns (N, C, P); with points (N, Hp, Wp, 2) returns (N, C, Hp, Wp).
    Pure-PyTorch equivalent of ``mmcv.ops.point_sample``.
    """
    add_dim = points.dim() == 3
    if add_dim:
        points = points.unsqueeze(2)
    output = F.grid_sample(
        input, 2.0 * points - 1.0, align_corners=align_corners, **kwargs)
    return output.squeeze(3) if add_dim else output


class _MissingOp:
    """Placeholder for a compiled mmcv op: any use raises a clear error."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f'mmcv.ops.{self.name} is not available: '
                           f'{MMCV_FULL_HINT}.')


def _ops_getattr(name):
    if name.startswith('__'):
        raise AttributeError(name)
    # ModuleNotFoundError lets mmseg's guarded `try: from mmcv.ops import X`
    # imports fall back exactly as they do without mmcv.
    raise ModuleNotFoundError(
        f'mmcv.ops.{name} is not available in mmcv-lite: {MMCV_FULL_HINT}.')


def install_mmcv_ops_shim():
    """Install the ``mmcv.ops`` stand-in when the compiled ops are missing.

    Returns True when the stand-in was installed, False when the real ops load.
    """
    existing = sys.modules.get('mmcv.ops')
    if existing is not None:
        return getattr(existing, '__diffseg_shim__', False)
    try:
        importlib.import_module('mmcv.ops')
        return False
    except (ImportError, OSError):
        sys.modules.pop('mmcv.ops', None)
    shim = types.ModuleType('mmcv.ops')
    shim.__diffseg_shim__ = True
    shim.point_sample = point_sample
    shim.sigmoid_focal_loss = _MissingOp('sigmoid_focal_loss')
    shim.__getattr__ = _ops_getattr
    sys.modules['mmcv.ops'] = shim
    import mmcv
    mmcv.ops = shim
    return True


def _history_buffer_getattr(obj, name):
    """Stand-in for ``getattr`` when loading checkpoints with weights_only.

    ``HistoryBuffer.__getstate__`` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'mean')``; only such lookups (public functions
    defined on HistoryBuffer) are resolved, anything else is refused.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    if (obj is HistoryBuffer and isinstance(name, str)
            and not name.startswith('_')
            and isinstance(vars(HistoryBuffer).get(name), types.FunctionType)):
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'refusing getattr({obj!r}, {name!r}) in a weights_only checkpoint')


def mmengine_checkpoint_globals() -> list:
    """The non-tensor globals of mmengine checkpoints, for
    ``torch.serialization.safe_globals`` around a ``weights_only`` load.

    The ``(function, name)`` entry needs torch >= 2.6 (the floor of
    requirements/runtime.txt).
    """
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer
    np_core = getattr(np, '_core', None) or np.core
    allowed = [
        HistoryBuffer,
        np.dtype,
        np.ndarray,
        np_core.multiarray._reconstruct,
        np_core.multiarray.scalar,
        # HistoryBuffer pickles its statistics methods through getattr
        (_history_buffer_getattr, 'builtins.getattr'),
    ]
    # numpy >= 1.25 pickles dtypes as instances of their per-type classes
    dtypes_module = getattr(np, 'dtypes', None)
    if dtypes_module is not None:
        allowed += [
            getattr(dtypes_module, name) for name in dir(dtypes_module)
            if name.endswith('DType')
        ]
    return allowed


install_mmcv_ops_shim()
