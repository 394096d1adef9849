"""requirements/runtime.txt declares what diffseg imports, and only that."""
import ast
import glob
import importlib.metadata
import os.path as osp
import re
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# declared without an import in diffseg/, and why
INDIRECT = {
    'setuptools': 'mmengine imports pkg_resources',
    'ftfy': "transformers' CLIPTokenizer cleans text with it when present",
}


def normalise(name: str) -> str:
    return re.sub(r'[-_.]+', '-', name).lower()


def declared() -> set:
    with open(osp.join(ROOT, 'requirements', 'runtime.txt')) as f:
        lines = [line.split('#')[0].strip() for line in f]
    return {normalise(re.split(r'[<>=!~\[;\s]', line)[0])
            for line in lines if line}


def imported_distributions() -> dict:
    """distribution -> a file of diffseg/ that imports it."""
    modules = importlib.metadata.packages_distributions()
    found = {}
    for path in glob.glob(osp.join(ROOT, 'diffseg', '**', '*.py'),
                          recursive=True):
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split('.')[0]
                if top == 'diffseg' or top in sys.stdlib_module_names:
                    continue
                for dist in modules.get(top, [top]):
                    found.setdefault(normalise(dist),
                                     osp.relpath(path, ROOT))
    return found


def test_runtime_requirements_match_imports():
    imported, listed = imported_distributions(), declared()
    undeclared = {d: p for d, p in imported.items() if d not in listed}
    assert not undeclared, f'imported but not in runtime.txt: {undeclared}'
    unused = listed - set(imported) - set(INDIRECT)
    assert not unused, f'in runtime.txt but never imported: {unused}'


def test_python_requires_allows_the_syntax_used():
    """``X | None`` annotations are evaluated at import: Python >= 3.10."""
    with open(osp.join(ROOT, 'setup.py')) as f:
        assert "python_requires='>=3.10'" in f.read()
