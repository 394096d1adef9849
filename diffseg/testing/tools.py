"""Run the scripts of tools/ in a subprocess, as a user would."""
import os
import os.path as osp
import subprocess
import sys

from .configs import REPO_ROOT


def run_tool(script: str, *args: str,
             timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``tools/<script>`` from the repository root and check it succeeds.

    The repository root is put on PYTHONPATH (for ``projects.*`` imports),
    torch uses one thread (tests share a small machine) and the checkpoint
    loader keeps torch's default ``weights_only``. Returns the completed
    process with ``stdout`` (stderr merged in); a failure raises
    AssertionError with the script's output.
    """
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1')
    env['PYTHONPATH'] = os.pathsep.join(
        [REPO_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    proc = subprocess.run(
        [sys.executable, osp.join('tools', script), *map(str, args)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f'tools/{script} {" ".join(map(str, args))} exited with '
        f'{proc.returncode}:\n{proc.stdout[-6000:]}')
    return proc
