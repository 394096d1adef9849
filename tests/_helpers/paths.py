"""Where the repository's configs and tools are, seen from the tests."""
import importlib.util
import os.path as osp
import sys

from mmengine.config import Config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'ldis',
                       'ldis1_tiny_1shot_1500it_shapes_64.py')


def repo_config(relpath: str) -> Config:
    """The config ``configs/<relpath>`` of the repository."""
    return Config.fromfile(osp.join(REPO_ROOT, 'configs', relpath))


def load_tool(relpath: str):
    """``tools/<relpath>`` imported as a module (its folder is on
    ``sys.path`` while it imports, for scripts that import siblings)."""
    path = osp.join(REPO_ROOT, 'tools', relpath)
    name = 'tool_' + osp.splitext(relpath)[0].replace('/', '_')
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, osp.dirname(path))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(osp.dirname(path))
    sys.modules[name] = module
    return module
