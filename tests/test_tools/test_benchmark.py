import re

from diffseg.testing.tools import run_tool


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
