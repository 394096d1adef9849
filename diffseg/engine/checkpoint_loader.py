"""mmengine's local checkpoint loader, with errors that say what is wrong.

torch's safe loader (``weights_only=True``, the default since torch 2.6)
reports a corrupt or truncated file as a "weights only load failed" error
that suggests turning the safety off. diffseg replaces mmengine's loader of
local paths (every ``load_from``, ``--resume`` and ``init_model``) by one
that keeps the safe loader, allows the globals of mmengine checkpoints for
that load only (``torch.serialization.safe_globals``; other libraries' loads
are not affected) and tells the two cases apart: a refused object is named,
an unreadable file is called unreadable.
"""
import os.path as osp
import pickle
import re

import torch
from mmengine.runner import CheckpointLoader

from diffseg.utils.compat import mmengine_checkpoint_globals

_REFUSED = re.compile(r'Unsupported global: GLOBAL ([\w.]+)')


def load_from_local(filename: str, map_location=None):
    """``torch.load`` (weights_only) of a local file, with clear errors for
    missing, unreadable and refused checkpoints."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename!r} does not exist')
    try:
        with torch.serialization.safe_globals(mmengine_checkpoint_globals()):
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
    except Exception as error:  # the unpickler fails in many ways on junk
        refused = _REFUSED.search(str(error))
        if isinstance(error, pickle.UnpicklingError) and refused:
            raise pickle.UnpicklingError(
                f'checkpoint {filename!r} holds `{refused.group(1)}`, which '
                "torch's safe loader (weights_only) refuses; diffseg allows "
                'only the objects of mmengine checkpoints. If you trust the '
                'file, allow it with torch.serialization.add_safe_globals'
            ) from error
        raise ValueError(f'checkpoint {filename!r} is not a readable torch '
                         'checkpoint (empty, truncated or corrupt file?)'
                         ) from error


# named like mmengine's loader: its log line reads "by local backend"
CheckpointLoader.register_scheme(prefixes='', force=True)(load_from_local)
