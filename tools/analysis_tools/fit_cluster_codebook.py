"""Fit the codebook of a CodebookHead: k-means centres of a model's pixel
features over images of a split other than the one it is tested on (no
labels are read), so that segment ids mean the same in every image.

Example (unsupervised MaskDiffusion on the tiny prior)::

    python tools/analysis_tools/fit_cluster_codebook.py \\
        configs/maskdiffusion/maskdiffusion-spectral_tiny-sd_captioned-shapes_64.py \\
        --num-clusters 10 --out work_dirs/codebooks/tiny-sd.pth \\
        --cfg-options test_dataloader.dataset.split=train
"""
import argparse

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import torch
from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmengine.utils import ProgressBar

from diffseg.apis import init_model
from diffseg.fileio import atomic_write
from diffseg.models.heads import fit_codebook
from diffseg.models.segmentors.maskdiffusion import MaskDiffusion


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='a config whose model has features() '
                        '(MaskDiffusion, PixelClustering)')
    parser.add_argument('--num-clusters', type=int, required=True,
                        help='codebook size K')
    parser.add_argument('--out', required=True, help='the .pth to write')
    parser.add_argument('--num-images', type=int, default=None,
                        help='images to use (default: the whole dataset)')
    parser.add_argument('--pixels-per-image', type=int, default=64)
    parser.add_argument('--normalize', action='store_true',
                        help='L2-normalise features (the head must too)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value')
    return parser.parse_args()


def feature_maps(model, dataloader, limit, device):
    """Yield (features (D, h, w), valid (h, w)) per image."""
    progress = ProgressBar(limit or len(dataloader.dataset))
    seen = 0
    for batch in dataloader:
        data = model.data_preprocessor(batch, False)
        inputs = data['inputs'].to(device)
        features = model.features(inputs)
        padded = model.pad(inputs).shape[-2:]
        valid = MaskDiffusion.valid_mask(data['data_samples'], padded,
                                         features.shape[-2:], device)
        for f, v in zip(features, valid):
            if limit is not None and seen >= limit:
                return
            yield f, v[0]
            seen += 1
            progress.update()


def main():
    args = parse_args()
    if args.num_clusters < 1:
        raise SystemExit(f'--num-clusters {args.num_clusters}: expected >= 1')
    if not args.out.endswith('.pth'):
        raise SystemExit(f'--out {args.out!r}: expected a .pth file')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    # the features do not depend on the head, and the config's head may be
    # the CodebookHead that needs the file this tool writes
    cfg.model.head = dict(type='KMeansHead')
    model = init_model(cfg, None, device=args.device)
    if not hasattr(model, 'features'):
        raise SystemExit(f'{type(model).__name__} has no features() to '
                         'cluster')
    dataloader = Runner.build_dataloader(cfg.test_dataloader)
    codebook = fit_codebook(
        feature_maps(model, dataloader, args.num_images, args.device),
        args.num_clusters, args.pixels_per_image, args.normalize,
        seed=args.seed)
    with atomic_write(args.out) as f:
        torch.save(codebook, f)
    print(f'\nwrote a codebook of {tuple(codebook.shape)} to {args.out}')


if __name__ == '__main__':
    main()
