"""Run the scripts of tools/ in a subprocess, as a user would."""
import os
import os.path as osp
import subprocess
import sys

from .paths import REPO_ROOT


def tool_env() -> dict:
    """The environment of a tool run: the repository root on PYTHONPATH
    (for ``projects.*`` imports), one torch thread (tests share a small
    machine), offline hubs, and torch's default ``weights_only`` loader."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1')
    env['PYTHONPATH'] = os.pathsep.join(
        [REPO_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    return env


def start_tool(script: str, *args: str, log_path: str) -> subprocess.Popen:
    """Start ``tools/<script>`` like :func:`run_tool` without waiting for it;
    its output (stderr merged) goes to ``log_path``."""
    with open(log_path, 'w') as log:
        return subprocess.Popen(
            [sys.executable, osp.join('tools', script), *map(str, args)],
            cwd=REPO_ROOT, env=tool_env(), stdout=log,
            stderr=subprocess.STDOUT)


def run_tool(script: str, *args: str,
             timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``tools/<script>`` from the repository root and check it succeeds.

    The environment is :func:`tool_env`'s. Returns the completed
    process with ``stdout`` (stderr merged in); a failure raises
    AssertionError with the script's output.
    """
    proc = subprocess.run(
        [sys.executable, osp.join('tools', script), *map(str, args)],
        cwd=REPO_ROOT, env=tool_env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f'tools/{script} {" ".join(map(str, args))} exited with '
        f'{proc.returncode}:\n{proc.stdout[-6000:]}')
    return proc


def run_tool_in_process(script: str, *args: str) -> None:
    """Run ``tools/<script>`` in this process, with one torch thread as
    :func:`run_tool` has, so that its numbers match a subprocess run's.

    Much faster than a subprocess (no imports); a failure raises as the
    script does. Runners of tools that build one should get a unique
    ``experiment_name`` (``--cfg-options``): mmengine shares its logger and
    message hub between runners of the same name.
    """
    import runpy

    import torch
    path = osp.join(REPO_ROOT, 'tools', script)
    argv, threads, sys_path = sys.argv, torch.get_num_threads(), sys.path
    sys.argv = [osp.join('tools', script), *map(str, args)]
    sys.path = [osp.dirname(path)] + sys.path  # as for `python SCRIPT`
    torch.set_num_threads(1)
    try:
        runpy.run_path(path, run_name='__main__')
    finally:
        sys.argv, sys.path = argv, sys_path
        torch.set_num_threads(threads)
