"""Draw the fixed test episodes of a config's in-context dataset into a file.

Builds ``{split}_dataloader.dataset`` of CONFIG in test mode without its
``episode_file``, draws its fixed episodes from its ``seed``
(``episodes_per_image``, ``num_episodes``) with ``--num-prompts`` prompts
each, and writes them to ``--out`` or the dataset's ``episode_file``. Every
config reading that file then scores the same episodes; a K-shot config
takes the first K prompts of each.
"""
import argparse
import copy
from collections import Counter

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config

from diffseg.datasets.episode_file import save_episode_file
from diffseg.datasets.incontext_seg_dataset import InContextSegDataset
from diffseg.registry import DATASETS
from diffseg.utils import register_all_modules


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the episode_file of an in-context test set')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--split', choices=['val', 'test'], default='test',
                        help='dataloader whose dataset to draw (default: '
                        'test)')
    parser.add_argument('--num-prompts', type=int, required=True,
                        help='prompts stored per episode: the largest K '
                        'the file will serve')
    parser.add_argument('--out', help='episode JSON to write (default: the '
                        "dataset's episode_file)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.num_prompts < 1:
        raise SystemExit(f'--num-prompts must be >= 1, got {args.num_prompts}')
    register_all_modules()
    cfg = Config.fromfile(args.config)
    key = f'{args.split}_dataloader'
    if not cfg.get(key) or 'dataset' not in cfg[key]:
        raise SystemExit(f'{args.config} has no {key}.dataset')
    dataset_cfg = copy.deepcopy(cfg[key]['dataset'].to_dict())
    out = args.out or dataset_cfg.get('episode_file')
    if not out:
        raise SystemExit(f'{dataset_cfg["type"]} of {key} has no '
                         'episode_file: set one in the config or pass --out')
    dataset_cfg.update(episode_file=None, test_mode=True, num_prompts=1,
                       progress=True)
    dataset = DATASETS.build(dataset_cfg)
    if not isinstance(dataset, InContextSegDataset):
        raise SystemExit(f'{dataset_cfg["type"]} is not an '
                         'InContextSegDataset: it has no episodes to draw')
    count = save_episode_file(dataset, out, args.num_prompts)
    classes = Counter(cls for _, cls, _ in dataset.episodes)
    print(f'wrote {out} ({dataset_cfg["type"]}): {count} episodes of '
          f'{args.num_prompts} prompts, {len(classes)} classes (seed '
          f'{dataset.seed})')


if __name__ == '__main__':
    main()
