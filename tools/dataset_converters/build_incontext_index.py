"""Scan the label maps of a config's in-context dataset once into a JSON index.

Builds ``{split}_dataloader.dataset`` of CONFIG (each sub-dataset of a
``ConcatDataset`` in turn) without its ``index_file``, runs its
``load_data_list`` scan with a progress bar and writes the data list to
``--out`` or the dataset's ``index_file``. Set ``index_file`` in the config
afterwards and the dataset starts without scanning.
"""
import argparse
import copy
from collections import Counter

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
from mmengine.config import Config

from diffseg.datasets.incontext_seg_dataset import InContextSegDataset
from diffseg.registry import DATASETS
from diffseg.utils import register_all_modules


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the index_file of an in-context dataset config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--split', choices=['train', 'val', 'test'],
                        default='train', help='dataloader whose dataset to '
                        'index (default: train)')
    parser.add_argument('--out', help='index JSON to write (default: the '
                        "dataset's index_file)")
    return parser.parse_args(argv)


def leaf_datasets(cfg: dict) -> list:
    """The dataset configs of ``cfg``, a ConcatDataset expanded."""
    if cfg.get('type') == 'ConcatDataset':
        return [leaf for sub in cfg['datasets'] for leaf in leaf_datasets(sub)]
    return [cfg]


def summary(data_list: list, class_names) -> str:
    """Images, classes and the images-per-class histogram in a few lines."""
    counts = Counter(c for info in data_list for c in info['classes'])
    lines = [f'{len(data_list)} images, {len(counts)} classes']
    if counts:
        per_class = sorted(counts.values())
        lines.append(f'images per class: min {per_class[0]}, median '
                     f'{per_class[len(per_class) // 2]}, max {per_class[-1]}')

        def name(c):
            return (f'{c} ({class_names[c]})'
                    if class_names and 0 <= c < len(class_names) else str(c))

        lines.append('most frequent: ' + ', '.join(
            f'{name(c)}: {n}' for c, n in counts.most_common(5)))
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    key = f'{args.split}_dataloader'
    if not cfg.get(key) or 'dataset' not in cfg[key]:
        raise SystemExit(f'{args.config} has no {key}.dataset')
    leaves = leaf_datasets(cfg[key]['dataset'].to_dict())
    if args.out and len(leaves) > 1:
        raise SystemExit(f'{key}.dataset holds {len(leaves)} datasets; '
                         '--out names one file: set index_file in each '
                         'sub-dataset instead')
    for leaf in leaves:
        leaf = copy.deepcopy(leaf)
        out = args.out or leaf.get('index_file')
        if not out:
            raise SystemExit(f'{leaf["type"]} of {key} has no index_file: '
                             'set one in the config or pass --out')
        leaf.update(index_file=None, progress=True, lazy_init=True)
        dataset = DATASETS.build(leaf)
        if not isinstance(dataset, InContextSegDataset):
            raise SystemExit(f'{leaf["type"]} is not an InContextSegDataset: '
                             'it has no label scan to index')
        data_list = dataset.load_data_list()
        dataset.save_index(data_list, out)
        print(f'wrote {out} ({leaf["type"]}):\n'
              f'{summary(data_list, dataset.metainfo.get("classes"))}')


if __name__ == '__main__':
    main()
