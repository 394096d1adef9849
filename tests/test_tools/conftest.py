"""A tiny LDIS-1 run shared by the tool tests: 2 iterations, then resumed."""
import pytest

from _helpers.configs import write_tiny_ldis1_config
from _helpers.tools import run_tool


@pytest.fixture(scope='package')
def tiny_run(tmp_path_factory):
    """Train the tiny demo config to iter 2, then ``--resume`` it to iter 4.

    Returns dict(config, work_dir, first=stdout of the first run,
    resumed=stdout of the resumed run).
    """
    root = tmp_path_factory.mktemp('tiny_run')
    config = write_tiny_ldis1_config(str(root / 'tiny_ldis1.py'))
    work_dir = root / 'work_dir'
    first = run_tool('train.py', config, '--work-dir', work_dir,
                     '--cfg-options', 'train_cfg.max_iters=2')
    resumed = run_tool('train.py', config, '--work-dir', work_dir, '--resume')
    return dict(config=config, work_dir=work_dir, first=first.stdout,
                resumed=resumed.stdout)
