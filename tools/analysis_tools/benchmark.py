"""Time diffseg components on random weights.

Sub-commands:
    guidance  N guided denoising steps (``DualGuidance``, Eq. 10) with the
              three branches in one 3B-batch UNet call vs three B-batch calls,
              for a tiny UNet and an SD 1.5-shaped one (``--width 320`` is
              the real SD 1.5 size; the default 64 runs in seconds on a CPU).

    maskdiffusion
              one image segmented by MaskDiffusion with a few and with many
              class names (ADE20K's), side by side, for each way prompts
              beyond the first get attention maps ('queries': one UNet pass;
              'batch': one UNet copy per prompt); text embeddings are cached
              (encoded once per vocabulary), as over a dataset.

    runner, inference, video, pipeline
              the demo-sized LDIS-1: Runner vs bare training step, test_step
              vs its networks' forward passes, video frames with the prompt
              encoded once vs every frame, data pipeline vs training
              throughput (ldis_benchmarks.py).

Example::

    python tools/analysis_tools/benchmark.py guidance --steps 5 --repeats 3
    python tools/analysis_tools/benchmark.py maskdiffusion \
        --model sd15-shaped --width 320 --size 512
    python tools/analysis_tools/benchmark.py runner --repeats 10
"""
import argparse
import math
import statistics
import time

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import torch
from mmengine.config import Config
from mmseg.datasets import ADE20KDataset
from mmseg.structures import SegDataSample

from diffseg.models.denoisers import DiffusersUNet
from diffseg.models.samplers import DiffusionSampler
from diffseg.models.segmentors.maskdiffusion import prompt_name
from diffseg.registry import MODELS
from ldis_benchmarks import REPO_ROOT, add_ldis_commands  # analysis_tools/

# the tiny MaskDiffusion (random 8/16-wide networks) and the SD 1.5 one
TINY_MASKDIFFUSION = Config.fromfile(
    f'{REPO_ROOT}/configs/_base_/models/maskdiffusion_tiny.py').model
SD15_MASKDIFFUSION = Config.fromfile(
    f'{REPO_ROOT}/configs/_base_/models/maskdiffusion_sd15.py').model


def sd15_shaped_unet_config(width: int, cross_attention_dim: int = 768,
                            in_channels: int = 4) -> dict:
    """SD 1.5's UNet layout (block and module names) with block widths
    (w, 2w, 4w, 4w); ``width=320`` is SD 1.5 itself (a multiple of 8: SD
    1.5 has 8 attention heads)."""
    return dict(
        in_channels=in_channels, out_channels=4, layers_per_block=2,
        block_out_channels=(width, 2 * width, 4 * width, 4 * width),
        down_block_types=('CrossAttnDownBlock2D', ) * 3 + ('DownBlock2D', ),
        up_block_types=('UpBlock2D', ) + ('CrossAttnUpBlock2D', ) * 3,
        cross_attention_dim=cross_attention_dim, attention_head_dim=8,
        norm_num_groups=math.gcd(32, width))


def sd15_shaped_vae_config(width: int) -> dict:
    """SD's VAE layout with block widths (c, 2c, 4c, 4c), c = 2/5 of the
    UNet ``width`` (a multiple of 8); ``width=320`` is SD's VAE itself."""
    c = max(8, width * 2 // 5 // 8 * 8)
    return dict(in_channels=3, out_channels=3, latent_channels=4,
                block_out_channels=(c, 2 * c, 4 * c, 4 * c),
                down_block_types=('DownEncoderBlock2D', ) * 4,
                up_block_types=('UpDecoderBlock2D', ) * 4,
                layers_per_block=2, norm_num_groups=math.gcd(32, c))


def sd15_unet_config(width: int) -> dict:
    """SD 1.5's UNet layout with block widths (w, 2w, 4w, 4w), 8 inputs
    (LDIS-n) and 4 outputs; ``width=320`` is SD 1.5 itself."""
    return sd15_shaped_unet_config(width, in_channels=8)


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
    tiny_unet = TINY_MASKDIFFUSION.denoiser.config.to_dict()
    models = [('tiny', dict(tiny_unet, in_channels=8), args.tiny_latent),
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


def sd15_capture() -> dict:
    """The SD 1.5 configs' feature and attention capture (the blocks, with
    the extractor's defaults otherwise)."""
    sd15 = SD15_MASKDIFFUSION.feature_extractor
    keys = ('type', 'feature_blocks', 'feature_capture', 'attention_blocks')
    return {key: sd15[key] for key in keys}


def maskdiffusion_config(args) -> dict:
    """The tiny MaskDiffusion, or an SD 1.5-shaped one of ``args.width``
    (CLIP-L-wide text tokens, a 1-layer text encoder)."""
    tiny = TINY_MASKDIFFUSION.to_dict()
    if args.model == 'tiny':
        return tiny
    text = dict(tiny['text_encoder']['config'], hidden_size=768,
                intermediate_size=3072, num_attention_heads=12)
    return dict(
        tiny,
        autoencoder=dict(type='SDVAE',
                         config=sd15_shaped_vae_config(args.width)),
        denoiser=dict(type='DiffusersUNet',
                      config=sd15_shaped_unet_config(args.width)),
        text_encoder=dict(type='CLIPTextEncoder', config=text),
        feature_extractor=sd15_capture())


def bench_maskdiffusion(args):
    """Print a table: prompt mode, seconds an image with few and with many
    classes, their ratio, prompts used. The four cases are timed in turn,
    in a rotating order, so that a load drift hits them alike."""
    device = torch.device(args.device)
    names = [prompt_name(c) for c in ADE20KDataset.METAINFO['classes']]
    few, many = args.classes
    torch.manual_seed(0)
    model = MODELS.build(maskdiffusion_config(args)).eval().to(device)
    size = args.size
    image = (torch.rand(1, 3, size, size) * 2 - 1).to(device)
    name = 'tiny' if args.model == 'tiny' else f'sd15-shaped w={args.width}'
    print(f'device: {device}, torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads; {name}, one {size}x{size} '
          f'image, ADE20K class names, median of {args.repeats}; text '
          f'embeddings cached; {args.clock} time')
    header = (f'{"prompt mode":<12} {f"{few} classes s":>13} '
              f'{f"{many} classes s":>14} {f"{many}/{few}":>8} '
              f'{"prompts":>8}')
    print(header)
    print('-' * len(header))

    def run(count):
        sample = SegDataSample(metainfo=dict(img_shape=(size, size),
                                             ori_shape=(size, size)))
        return model.segment(image, [sample], class_names=names[:count])

    cases = [(mode, count) for mode in ('queries', 'batch')
             for count in (few, many)]
    times = {case: [] for case in cases}
    for i in range(args.repeats + 1):  # round 0 warms up (and encodes text)
        for mode, count in cases[i % 4:] + cases[:i % 4]:  # rotated order
            model.feature_extractor.prompt_mode = mode
            if args.clock == 'process':
                start = time.process_time()
                run(count)
                seconds = time.process_time() - start
            else:
                seconds = timed(lambda: run(count), device)[0]
            if i > 0:
                times[(mode, count)].append(seconds)
    prompts = '/'.join(str(model.encode_text(names[:c])[1].num_prompts)
                       for c in (few, many))
    for mode in ('queries', 'batch'):
        t_few, t_many = (statistics.median(times[(mode, c)])
                         for c in (few, many))
        print(f'{mode:<12} {t_few:>13.4f} {t_many:>14.4f} '
              f'{f"{t_many / t_few:.2f}x":>8} {prompts:>8}')


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
    maskdiffusion = commands.add_parser(
        'maskdiffusion', parents=[common],
        help='MaskDiffusion time an image, few vs many class names')
    maskdiffusion.add_argument('--model', choices=['tiny', 'sd15-shaped'],
                               default='tiny', help='networks (random)')
    maskdiffusion.add_argument('--width', type=int, default=64,
                               help='first block width of the SD-shaped '
                               'UNet (320 = SD 1.5)')
    maskdiffusion.add_argument('--size', type=int, default=64,
                               help='image side, pixels')
    maskdiffusion.add_argument('--classes', type=int, nargs=2,
                               default=(5, 150), metavar=('FEW', 'MANY'),
                               help='class counts compared (at most 150)')
    maskdiffusion.add_argument(
        '--clock', choices=['wall', 'process'], default='wall',
        help="'process': CPU time of this process, steadier than wall time "
        'on a shared machine (CPU only)')
    maskdiffusion.set_defaults(func=bench_maskdiffusion)
    add_ldis_commands(commands, common)
    args = parser.parse_args(argv)
    for name in ('repeats', 'steps', 'batch', 'latent', 'tiny_latent',
                 'tokens'):
        if getattr(args, name, 1) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if not all(1 <= c <= 150 for c in getattr(args, 'classes', [1])):
        parser.error(f'--classes must be in [1, 150]; got {args.classes}')
    if getattr(args, 'clock', 'wall') == 'process' and args.device != 'cpu':
        parser.error('--clock process measures CPU time: use it on a CPU')
    if getattr(args, 'size', 1) < 1:
        parser.error('--size must be >= 1')
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
