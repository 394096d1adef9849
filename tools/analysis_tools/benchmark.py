"""Time diffseg components on random weights.

Sub-commands:
    guidance  N guided denoising steps (``DualGuidance``, Eq. 10) with the
              three branches in one 3B-batch UNet call vs three B-batch calls,
              for a tiny UNet and an SD 1.5-shaped one (``--width 320`` is
              the real SD 1.5 size; the default 64 runs in seconds on a CPU).

Example::

    python tools/analysis_tools/benchmark.py guidance --steps 5 --repeats 3
"""
import argparse
import math
import statistics
import time

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import torch

from diffseg.models.denoisers import DiffusersUNet
from diffseg.models.samplers import DiffusionSampler
from diffseg.testing.tiny_models import TINY_UNET


def sd15_unet_config(width: int) -> dict:
    """SD 1.5's UNet layout with block widths (w, 2w, 4w, 4w), 8 inputs
    (LDIS-n) and 4 outputs; ``width=320`` is SD 1.5 itself (a multiple of
    8: SD 1.5 has 8 attention heads)."""
    return dict(
        in_channels=8, out_channels=4, layers_per_block=2,
        block_out_channels=(width, 2 * width, 4 * width, 4 * width),
        down_block_types=('CrossAttnDownBlock2D', ) * 3 + ('DownBlock2D', ),
        up_block_types=('UpBlock2D', ) + ('CrossAttnUpBlock2D', ) * 3,
        cross_attention_dim=768, attention_head_dim=8,
        norm_num_groups=math.gcd(32, width))


def timed(fn, device: torch.device) -> tuple:
    """Run ``fn()``; return (seconds, its result)."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    out = fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return time.perf_counter() - start, out


def bench_guidance_model(denoiser, latent: int, args) -> dict:
    """Median seconds of ``args.steps`` guided steps, batched and sequential,
    measured alternately (ABBA order) after a warm-up of each."""
    device = torch.device(args.device)
    g = torch.Generator().manual_seed(0)
    b, length = args.batch, args.tokens
    z_q = torch.randn(b, 4, latent, latent, generator=g).to(device)
    tokens, null_tokens = torch.randn(2, b, length,
                                      denoiser.cross_attention_dim,
                                      generator=g).to(device)
    mask = torch.zeros(b, length, device=device)
    mask[:, :max(1, length // 2)] = 1  # a post-mask keeps part of the tokens
    samplers = {
        batched: DiffusionSampler(
            dict(type='DDIMScheduler'), args.steps,
            dict(type='DualGuidance', batched=batched), seed=0)
        for batched in (True, False)
    }

    def run(batched):
        return samplers[batched](denoiser, z_q, tokens, mask, null_tokens)

    for batched in (True, False):
        run(batched)
    times, outs = {True: [], False: []}, {}
    for i in range(args.repeats):
        for batched in ((True, False) if i % 2 == 0 else (False, True)):
            seconds, outs[batched] = timed(lambda: run(batched), device)
            times[batched].append(seconds)
    return dict(batched=statistics.median(times[True]),
                sequential=statistics.median(times[False]),
                max_diff=(outs[True] - outs[False]).abs().max().item())


def bench_guidance(args):
    """Print a table: model, latent, batched and sequential seconds, ratio."""
    device = torch.device(args.device)
    models = [('tiny', dict(TINY_UNET, in_channels=8), args.tiny_latent),
              (f'sd15-shaped w={args.width}', sd15_unet_config(args.width),
               args.latent)]
    print(f'device: {device}, torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads; batch {args.batch}, '
          f'{args.tokens} prompt tokens (half masked), {args.steps} DDIM '
          f'steps, median of {args.repeats}')
    header = (f'{"model":<22} {"latent":>7} {"batched s":>10} '
              f'{"sequential s":>13} {"seq/batched":>12} {"max |diff|":>11}')
    print(header)
    print('-' * len(header))
    for name, config, latent in models:
        torch.manual_seed(0)
        denoiser = DiffusersUNet(config=config).eval().to(device)
        result = bench_guidance_model(denoiser, latent, args)
        ratio = result['sequential'] / result['batched']
        print(f'{name:<22} {f"{latent}x{latent}":>7} '
              f'{result["batched"]:>10.4f} {result["sequential"]:>13.4f} '
              f'{f"{ratio:.2f}x":>12} {result["max_diff"]:>11.1e}')


def parse_args(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--device', default='cpu', help='torch device')
    common.add_argument('--threads', type=int,
                        help='torch CPU threads (default: torch decides)')
    common.add_argument('--repeats', type=int, default=3,
                        help='timed runs per measurement (median reported)')
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    guidance = commands.add_parser(
        'guidance', parents=[common],
        help='batched vs sequential classifier-free guidance branches')
    guidance.add_argument('--steps', type=int, default=5,
                          help='guided denoising steps per timed run')
    guidance.add_argument('--batch', type=int, default=1,
                          help='queries per batch (B; batched runs 3B)')
    guidance.add_argument('--width', type=int, default=64,
                          help='first block width of the SD-shaped UNet '
                          '(320 = SD 1.5)')
    guidance.add_argument('--latent', type=int, default=32,
                          help='latent side of the SD-shaped UNet')
    guidance.add_argument('--tiny-latent', type=int, default=16,
                          help='latent side of the tiny UNet')
    guidance.add_argument('--tokens', type=int, default=64,
                          help='prompt tokens (L)')
    guidance.set_defaults(func=bench_guidance)
    args = parser.parse_args(argv)
    for name in ('repeats', 'steps', 'batch', 'latent', 'tiny_latent',
                 'tokens'):
        if getattr(args, name, 1) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if getattr(args, 'width', 8) % 8:
        parser.error(f'--width must be a multiple of 8 (SD 1.5 has 8 '
                     f'attention heads); got {args.width}')
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    with torch.inference_mode():
        args.func(args)


if __name__ == '__main__':
    main()
