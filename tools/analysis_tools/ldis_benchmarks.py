"""LDIS benchmarks of benchmark.py, on the demo-sized LDIS-1 (random weights).

Each prints two figures measured side by side in one run (alternating
order, medians) and their ratio:
    runner     a training step through mmengine's Runner (hooks, logging,
               data loader, optim wrapper) vs a bare PyTorch loop on the
               same model and batch: the framework's overhead;
    inference  LDIS-1 ``test_step`` (preprocessing, networks, mask decoding,
               resizing) vs the sum of its networks' bare forward passes;
    video      a DAVIS frame prompted by its video's first frame (the tree of
               tools/dataset_converters/make_synthetic_videos.py), the prompt
               encoded once per video (``prompt_key`` cache) vs encoded for
               every frame as for a single-image query;
    pipeline   episodes per second of the demo's data pipeline vs episodes
               per second a training step consumes.
"""
import copy
import importlib.util
import os.path as osp
import statistics
import tempfile
import time

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.hooks import Hook
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from diffseg.engine.robustness import ROBUSTNESS_HOOKS
from diffseg.registry import DATASETS, MODELS
from diffseg.utils import register_all_modules

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'ldis',
                       'ldis1_tiny_1shot_1500it_shapes_64.py')
VAE_CONFIG = osp.join(REPO_ROOT, 'configs', 'vae',
                      'vae_tiny_300it_shapes_64.py')
TINY_MODEL = osp.join(REPO_ROOT, 'configs', '_base_', 'models',
                      'ldis1_tiny32.py')


def bench_config(model: str) -> Config:
    """The config of ``model``: 'demo' is the demo config with its VAE built
    from the architecture of configs/vae/ (random weights: nothing
    to train first), 'tiny' the demo config with the 32 px model of the
    tests (configs/_base_/models/ldis1_tiny32.py), loading data in the
    main process. diffseg becomes the default scope."""
    register_all_modules()
    demo = Config.fromfile(DEMO_CONFIG)
    if model == 'tiny':
        demo.model = Config.fromfile(TINY_MODEL).model
        demo.train_dataloader.update(num_workers=0, persistent_workers=False)
        demo.train_dataloader.dataset.img_size = 32
        return demo
    vae = Config.fromfile(VAE_CONFIG).model.autoencoder
    demo.model.autoencoder = dict(type='SDVAE', config=vae.config)
    return demo


def load_converter(name: str):
    """tools/dataset_converters/``name`` imported as a module."""
    path = osp.join(REPO_ROOT, 'tools', 'dataset_converters', name)
    spec = importlib.util.spec_from_file_location(osp.splitext(name)[0],
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_model(cfg: Config, device: torch.device):
    torch.manual_seed(0)
    return MODELS.build(cfg.model).to(device)


class Clock:
    """Seconds on ``device``: wall time, or with ``cpu`` the CPU time of
    this process, steadier on a shared machine (use one thread: other
    threads' waiting counts too; not for GPUs, whose time it misses)."""

    def __init__(self, device: torch.device, cpu: bool = False):
        if cpu and device.type != 'cpu':
            raise ValueError(f'--clock cpu misses the time of {device}; '
                             'use the wall clock')
        self.device = device
        self.read = time.process_time if cpu else time.perf_counter

    def now(self) -> float:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
        return self.read()

    def time(self, fn) -> float:
        start = self.now()
        fn()
        return self.now() - start


def make_clock(args) -> Clock:
    return Clock(torch.device(args.device), args.clock == 'cpu')


def interleaved_medians(fns: dict, repeats: int, clock: Clock) -> dict:
    """Median seconds of each callable of ``fns`` over ``repeats`` rounds,
    after one warm-up call each; the order reverses every round."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    names = list(fns)
    for i in range(repeats):
        for name in (names if i % 2 == 0 else names[::-1]):
            times[name].append(clock.time(fns[name]))
    return {name: statistics.median(t) for name, t in times.items()}


def episodes(cfg: Config, split: str, count: int) -> list:
    """``count`` packed episodes of the demo dataset's ``split``."""
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, split=split,
                                  num_episodes=count))
    return [dataset[i] for i in range(count)]


def bare_train_step(model, cfg: Config, batch: dict):
    """One plain PyTorch training step on ``batch``: preprocessing, forward,
    backward, gradient clipping and the config's optimizer, no mmengine."""
    opt_cfg = dict(cfg.optim_wrapper.optimizer)
    optimizer = getattr(torch.optim, opt_cfg.pop('type'))(
        [p for p in model.parameters() if p.requires_grad], **opt_cfg)
    clip = (cfg.optim_wrapper.get('clip_grad') or {}).get('max_norm')

    def step():
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        optimizer.zero_grad()

    model.train()
    return step


class AlternateWithBareSteps(Hook):
    """Times the Runner's iterations, and between them one bare step each.

    First at every ``before_train_iter``: the Runner's period from the end
    of this hook to its next call is one full iteration (data loading, the
    other hooks, the train step); the bare step runs outside those periods.
    """

    priority = 'HIGHEST'

    def __init__(self, bare_step, warmup: int, clock: Clock):
        self.bare_step, self.warmup, self.clock = bare_step, warmup, clock
        self.runner_times, self.bare_times, self.mark = [], [], None

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        now = self.clock.now()
        if self.mark is not None and runner.iter > self.warmup:
            self.runner_times.append(now - self.mark)
        seconds = self.clock.time(self.bare_step)
        if runner.iter >= self.warmup:
            self.bare_times.append(seconds)
        self.mark = self.clock.now()


def header(args, device, what: str) -> None:
    print(f'device: {device}, torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads; {args.model} LDIS-1 (random '
          f'weights), {what}, median of {args.repeats}, {args.clock} clock')


def table(columns, row) -> None:
    line = ' '.join(f'{c:>{max(len(c), 10)}}' for c in columns)
    print(line)
    print('-' * len(line))
    print(' '.join(f'{v:>{max(len(c), 10)}}' for c, v in zip(columns, row)))


def with_grad(bench):
    """Run ``bench`` with autograd (benchmark.py's main disables it)."""

    def run(args):
        with torch.inference_mode(False):
            return bench(args)

    run.__doc__ = bench.__doc__
    return run


@with_grad
def bench_runner(args):
    """Runner iteration vs bare PyTorch step, same model and batch."""
    clock = make_clock(args)
    device = clock.device
    cfg = bench_config(args.model)
    train = episodes(cfg, 'train', args.batch)
    batch = pseudo_collate(train)
    model = build_model(cfg, device)
    timer = AlternateWithBareSteps(
        bare_train_step(copy.deepcopy(model), cfg, batch), 2, clock)
    # the Runner collates the same episodes at every iteration
    loader = DataLoader(train * (args.repeats + 4), batch_size=args.batch,
                        collate_fn=pseudo_collate)
    header(args, device, f'batch {args.batch}; Runner with the config\'s '
           "hooks and diffseg's robustness hooks")
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner(
            model=model, work_dir=work_dir, train_dataloader=loader,
            optim_wrapper=cfg.optim_wrapper,
            param_scheduler=cfg.param_scheduler,
            train_cfg=dict(by_epoch=False, max_iters=args.repeats + 3),
            default_hooks=cfg.default_hooks,
            custom_hooks=[timer] + [dict(type=n) for n in ROBUSTNESS_HOOKS],
            visualizer=cfg.visualizer, log_processor=cfg.log_processor,
            env_cfg=cfg.env_cfg, randomness=cfg.randomness,
            default_scope='diffseg', log_level='ERROR')
        runner.train()
    t_runner = statistics.median(timer.runner_times)
    t_bare = statistics.median(timer.bare_times)
    table(['runner s/step', 'bare s/step', 'runner/bare', 'goal'],
          [f'{t_runner:.4f}', f'{t_bare:.4f}', f'{t_runner / t_bare:.3f}',
           '<= 1.05'])


def bench_inference(args):
    """LDIS-1 test_step vs the sum of its networks' bare forward passes."""
    clock = make_clock(args)
    device = clock.device
    cfg = bench_config(args.model)
    batch = pseudo_collate(episodes(cfg, 'val', args.batch))
    model = build_model(cfg, device).eval()
    data = model.data_preprocessor(batch, False)['inputs']
    query, prompts = data['query'], data['prompts']
    tokens, token_mask = model.prompt_encoder(prompts)
    latent = model.autoencoder.encode(query)
    t = torch.full((query.shape[0], ), model.input_timestep, device=device)
    out = model.denoiser(latent, t, tokens, token_mask)
    nets = dict(
        prompt_encoder=lambda: model.prompt_encoder(prompts),
        vae_encode=lambda: model.autoencoder.encode(query),
        unet=lambda: model.denoiser(latent, t, tokens, token_mask),
        vae_decode=lambda: model.autoencoder.decode(out))
    times = interleaved_medians(
        dict(test_step=lambda: model.test_step(batch), **nets),
        args.repeats, clock)
    header(args, device, f'batch {args.batch}')
    total = sum(times[name] for name in nets)
    print('networks: ' + ', '.join(f'{name} {times[name]:.4f} s'
                                   for name in nets))
    table(['test_step s', 'networks s', 'step/networks', 'goal'],
          [f'{times["test_step"]:.4f}', f'{total:.4f}',
           f'{times["test_step"] / total:.3f}', '<= 1.10'])


def video_frames(root: str, size: int) -> list:
    """The fixture DAVIS videos' query frames, each a packed episode
    prompted by its video's first frame: a list of frame lists."""
    davis = load_converter('make_synthetic_videos.py')
    dataset = DATASETS.build(dict(
        type='DAVIS16InContextDataset', data_root=davis.write_davis_tree(root),
        split_file=davis.DAVIS_SPLIT, test_mode=True, first_frame_prompt=True,
        pipeline=[dict(type='ResizeEpisode', scale=(size, size),
                       resize_gt=False),
                  dict(type='PackInContextInputs')]))
    videos = {}
    for i in range(len(dataset)):
        episode = dataset[i]
        videos.setdefault(episode['data_samples'].video, []).append(episode)
    return list(videos.values())


def bench_video(args):
    """Per-frame seconds, prompt cached per video vs encoded every frame."""
    clock = make_clock(args)
    device = clock.device
    model = build_model(bench_config(args.model), device).eval()
    with tempfile.TemporaryDirectory() as root:
        cached = video_frames(root, args.size)
    single = copy.deepcopy(cached)
    for frames in single:
        for frame in frames:
            del frame['data_samples'].prompt_key

    def per_frame(videos) -> float:
        """Seconds a frame after each video's first query (which fills the
        cache when there is one); the later frames are run 4 times over, as
        in a longer video, to time enough frames."""
        seconds, count = 0.0, 0
        for frames in videos:
            model.test_step(pseudo_collate(frames[:1]))
            for frame in frames[1:] * 4:
                seconds += clock.time(
                    lambda: model.test_step(pseudo_collate([frame])))
                count += 1
        return seconds / count

    per_frame(cached)
    times = {'cached': [], 'single': []}
    for i in range(args.repeats):
        for mode in (('cached', 'single') if i % 2 == 0 else
                     ('single', 'cached')):
            times[mode].append(per_frame(cached if mode == 'cached' else
                                         single))
    t_cached, t_single = (statistics.median(times[m])
                          for m in ('cached', 'single'))
    header(args, device, f'DAVIS fixture videos at {args.size} px, one '
           'frame per step')
    table(['cached s/frame', 'single s/frame', 'cached/single'],
          [f'{t_cached:.4f}', f'{t_single:.4f}', f'{t_cached / t_single:.3f}'])


@with_grad
def bench_pipeline(args):
    """Episodes a second: data pipeline (one process) vs training step."""
    clock = make_clock(args)
    device = clock.device
    cfg = bench_config(args.model)
    size = args.batch
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    next_index = iter(range(len(dataset)))
    batch = pseudo_collate([dataset[i] for i in range(size)])
    step = bare_train_step(build_model(cfg, device), cfg, batch)
    times = interleaved_medians(
        dict(pipeline=lambda: pseudo_collate(
            [dataset[next(next_index)] for _ in range(size)]),
             train_step=step), args.repeats, clock)
    workers = cfg.train_dataloader.num_workers
    header(args, device, f'batch {size}; the config loads data with '
           f'{workers} worker process(es)')
    data_rate = size / times['pipeline']
    train_rate = size / times['train_step']
    # w workers load in parallel with training; without workers loading
    # adds to every step, so it should take a small part of it
    goal = f'>= {1 / workers:.2f}' if workers else '>= 10'
    table(['pipeline ep/s', 'training ep/s', 'pipeline/training', 'goal'],
          [f'{data_rate:.1f}', f'{train_rate:.1f}',
           f'{data_rate / train_rate:.2f}', goal])


def add_ldis_commands(commands, common) -> None:
    """Add the runner, inference, video and pipeline sub-commands."""
    demo_batch = Config.fromfile(DEMO_CONFIG).train_dataloader.batch_size
    for name, func, batch in (('runner', bench_runner, 8),
                              ('inference', bench_inference, 8),
                              ('pipeline', bench_pipeline, demo_batch),
                              ('video', bench_video, None)):
        parser = commands.add_parser(name, parents=[common],
                                     help=func.__doc__.split('\n')[0])
        parser.add_argument(
            '--model', choices=['demo', 'tiny'], default='demo',
            help="the demo's networks (64 px) or the tests' (32 px)")
        parser.add_argument(
            '--clock', choices=['wall', 'cpu'], default='wall',
            help='wall time, or CPU time of this process (steadier on a '
            'shared machine; use with --threads 1)')
        if batch is None:
            parser.add_argument('--size', type=int, default=64,
                                help='frame side after resizing, pixels')
        else:
            parser.add_argument('--batch', type=int, default=batch,
                                help=f'episodes per batch (default {batch})')
        parser.set_defaults(func=func)
