import re

from _helpers.tools import run_tool


def test_maskdiffusion_table():
    proc = run_tool('analysis_tools/benchmark.py', 'maskdiffusion',
                    '--repeats', '1', '--size', '32', '--classes', '2', '90',
                    '--clock', 'process')
    assert 'tiny, one 32x32 image' in proc.stdout
    assert 'process time' in proc.stdout
    assert re.search(r'^prompt mode +2 classes s +90 classes s +90/2 ',
                     proc.stdout, re.M)
    for mode in ('queries', 'batch'):
        row = re.search(
            rf'^{mode} +([\d.]+) +([\d.]+) +([\d.]+)x +(\d+)/(\d+)$',
            proc.stdout, re.M)
        assert row, f'no row for {mode}:\n{proc.stdout}'
        few, many, ratio = map(float, row.groups()[:3])
        assert few > 0 and many > 0
        # the ratio is the one of the printed figures (4 decimals each)
        assert abs(ratio - many / few) <= 0.01 + 1e-4 * (1 + ratio) / few
        # 2 names fit one prompt; 90 ADE20K names need several
        assert row.group(4) == '1' and int(row.group(5)) > 1
