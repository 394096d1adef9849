"""The layout of configs/ (configs/README.md): the names follow the
convention, no config inherits more than three levels deep, the LDIS model
bases build on the shared parts without deleting them, and the semantic
benchmarks share one test loader."""
import ast
import glob
import os.path as osp
import re

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs')
ALL = sorted(glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True))
LEAVES = [p for p in ALL if '_base_' not in p.split(osp.sep)]

# {method}[-{variant}]_{backbone}[_{K}shot]_[{schedule}_]{dataset}_{size}
NAME = re.compile(
    r'^(?P<method>[a-z0-9]+(?:-[a-z0-9]+)*)'
    r'_(?P<backbone>[a-z0-9]+(?:-[a-z0-9]+)*)'
    r'(?:_(?P<shots>\d+shot))?'
    r'(?:_(?P<schedule>\d+(?:k|it)))?'
    r'_(?P<dataset>[a-z0-9]+(?:-[a-z0-9]+)*)'
    r'_(?P<size>\d+(?:x\d+)?)$')
# training-free methods have no schedule
TRAINING_FREE = ('maskdiffusion', 'baseline')
MAX_DEPTH = 3


def _bases(path):
    """The files ``path`` lists in ``_base_``, as absolute paths."""
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], 'id', None) == '_base_'):
            value = ast.literal_eval(node.value)
            names = [value] if isinstance(value, str) else list(value)
            return [osp.normpath(osp.join(osp.dirname(path), n))
                    for n in names]
    return []


def _depth(path, seen=()):
    """The longest chain of ``_base_`` files above ``path``."""
    assert path not in seen, f'inheritance cycle through {path}'
    return max((1 + _depth(b, seen + (path, )) for b in _bases(path)),
               default=0)


def _rel(path):
    return osp.relpath(path, CONFIGS)


@pytest.mark.parametrize('path', LEAVES, ids=_rel)
def test_name_follows_convention(path):
    stem = osp.splitext(osp.basename(path))[0]
    match = NAME.match(stem)
    assert match, f'{stem} does not follow configs/README.md'
    method = match['method'].split('-')[0]
    if method.startswith(TRAINING_FREE):
        assert match['schedule'] is None, stem
    else:
        assert match['schedule'], f'{stem} names no schedule'
    if match['shots']:
        assert method.startswith('ldis'), stem


@pytest.mark.parametrize('path', ALL, ids=_rel)
def test_inheritance_depth(path):
    for base in _bases(path):
        assert osp.isfile(base), f'{_rel(path)}: missing base {base}'
    assert _depth(path) <= MAX_DEPTH, _rel(path)


@pytest.mark.parametrize(
    'path', sorted(glob.glob(osp.join(CONFIGS, '_base_', 'models',
                                      'ldis*.py'))), ids=_rel)
def test_ldis_model_bases_build_on_shared_parts(path):
    text = open(path).read()
    assert '_delete_' not in text
    assert '{{_base_.model' not in text
    name = osp.basename(path)
    if name.startswith(('ldis1_', 'ldisn_')):
        shared = 'ldis_sd15.py' if 'sd15' in name else 'ldis_tiny.py'
        chain, bases = [], _bases(path)
        while bases:
            chain += [osp.basename(b) for b in bases]
            bases = [b for base in bases for b in _bases(base)]
        assert shared in chain, name


def test_semantic_benchmarks_share_the_test_loader():
    shared = osp.join(CONFIGS, '_base_', 'datasets', 'semantic_test_512.py')
    semantic = [
        p for p in glob.glob(osp.join(CONFIGS, '_base_', 'datasets', '*.py'))
        if "'mmseg.PackSegInputs'" in open(p).read() or
        ('mmseg.' in open(p).read() and 'class_names' in open(p).read())
    ]
    users = [p for p in semantic if shared in _bases(p)]
    assert len(users) >= 6
    for path in semantic:
        if path == shared or path in users:
            continue
        # the other semantic sets are not 512 px benchmarks
        assert not re.search(r'_512(x\d+)?\.py$', path), path
    for path in users:
        assert 'DefaultSampler' not in open(path).read(), path
