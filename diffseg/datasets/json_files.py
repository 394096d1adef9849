"""JSON files the datasets keep beside the data (indices, episode lists)."""
import json
import os
import os.path as osp
import tempfile


def read_json(path: str, what: str, fix: str):
    """The content of ``path``; a missing file or invalid JSON is an error
    naming ``what`` (e.g. 'index file') and ``fix`` (how to write it)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path!r} is missing; {fix}')
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{what} {path!r} is not valid JSON ({e}); {fix}'
                         ) from e


def write_json(path: str, content) -> None:
    """Write ``content`` to ``path`` atomically: a complete file or none."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix='.tmp')
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(content, f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
