import re

import pytest

from _helpers.tools import run_tool


def test_guidance_table():
    proc = run_tool('analysis_tools/benchmark.py', 'guidance', '--steps', '1',
                    '--repeats', '1', '--width', '16', '--latent', '8',
                    '--tiny-latent', '8', '--tokens', '4')
    assert 'device: cpu' in proc.stdout and 'threads' in proc.stdout
    for model in ('tiny', 'sd15-shaped w=16'):
        row = re.search(rf'^{model} +8x8 +([\d.]+) +([\d.]+) +([\d.]+)x ',
                        proc.stdout, re.M)
        assert row, f'no row for {model}:\n{proc.stdout}'
        batched, sequential, ratio = map(float, row.groups())
        assert batched > 0 and sequential > 0 and ratio > 0


def load_benchmark(monkeypatch):
    """tools/analysis_tools/benchmark.py as a module (it imports its
    sibling ldis_benchmarks.py)."""
    import importlib.util
    import os.path as osp

    from _helpers.paths import REPO_ROOT
    folder = osp.join(REPO_ROOT, 'tools', 'analysis_tools')
    monkeypatch.syspath_prepend(folder)
    spec = importlib.util.spec_from_file_location(
        'benchmark_tool', osp.join(folder, 'benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row_strings(out: str, columns: int) -> list:
    """The fields of the row under the dashes of a printed table."""
    lines = out.splitlines()
    return lines[[i for i, line in enumerate(lines)
                  if set(line) == {'-'}][-1] + 1].split()[:columns]


def table_row(out: str, columns: int) -> list:
    """The numbers of the row under the dashes of a printed table."""
    return [float(v) for v in row_strings(out, columns)]


@pytest.mark.parametrize('command,args', [
    ('runner', ['--batch', '1']),
    ('inference', ['--batch', '1']),
    ('video', ['--size', '32']),
    ('pipeline', ['--batch', '1']),
])
def test_ldis_tables(monkeypatch, capsys, command, args):
    """Each LDIS sub-command prints its two figures and their ratio."""
    load_benchmark(monkeypatch).main(
        [command, '--model', 'tiny', '--repeats', '1', *args])
    out = capsys.readouterr().out
    assert 'tiny LDIS-1' in out and 'threads' in out
    first, second, ratio = table_row(out, 3)
    assert first > 0 and second > 0
    # the ratio of the unrounded figures, each printed with 4 decimals (1
    # for episodes per second): within what the rounding allows
    half = {c: 0.5 * 10**-len(str(v).split('.')[1]) if '.' in str(v) else
            0.5 for c, v in zip('fs', row_strings(out, 2))}
    low = (first - half['f']) / (second + half['s'])
    high = (first + half['f']) / max(second - half['s'], 1e-12)
    assert low * 0.999 <= ratio <= high * 1.001
    if command == 'inference':
        nets = [float(v) for v in re.findall(r' ([\d.]+) s\b',
                                             out.split('networks:')[1]
                                             .splitlines()[0])]
        assert len(nets) == 4 and second == pytest.approx(sum(nets),
                                                          abs=3e-4)
