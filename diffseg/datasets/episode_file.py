"""Fixed test episodes: capped draws, and files every run scores alike.

An episode file holds the test episodes of an :class:`InContextSegDataset`
drawn once from its ``seed`` (``episodes_per_image``, ``num_episodes``):
for each, the query image, the class and the prompt images in draw order,
paths relative to ``data_root``. A dataset with ``episode_file`` and
``num_prompts=K`` takes the first K prompts of each: the K-shot episodes
then share queries, classes and prompts with each other, and equal the
episodes the dataset draws itself from the same seed.
"""
from typing import List, Tuple

import numpy as np

from diffseg.fileio import read_json, write_json

EPISODE_TOOL = ('python tools/dataset_converters/build_incontext_episodes.py '
                'CONFIG --split test --num-prompts K')
FORMAT = 'diffseg in-context episodes'
# the dataset settings an episode file was drawn with, checked on reading
DRAW_KEYS = ('seed', 'episodes_per_image', 'num_episodes')


def capped_episodes(episodes: List[Tuple[int, int, int]], n: int,
                    rng: np.random.Generator) -> List[Tuple[int, int, int]]:
    """``n`` of ``episodes`` (query index, class, seed): whole repeats of the
    list, then a draw without replacement; repeats get fresh prompt seeds."""
    repeats, rest = divmod(n, len(episodes))
    picked = [episodes[i] for _ in range(repeats)
              for i in rng.permutation(len(episodes))]
    picked += [episodes[i] for i in
               rng.choice(len(episodes), size=rest, replace=False)]
    return [(idx, cls, int(rng.integers(2**31)))
            for idx, cls, _ in picked]


def draw_settings(dataset) -> dict:
    """The settings ``dataset`` draws its fixed episodes with."""
    return {key: getattr(dataset, key) for key in DRAW_KEYS}


def save_episode_file(dataset, path: str, num_prompts: int) -> int:
    """Draw the prompts of ``dataset``'s fixed test episodes (test mode, no
    ``episode_file``), ``num_prompts`` each, and write the episodes to
    ``path`` (atomically); returns their number."""
    if not dataset.test_mode or dataset.episode_file:
        raise ValueError('episodes are drawn by a test-mode dataset without '
                         'an episode_file')
    if dataset.prompt_mode != 'same':
        raise ValueError("an episode file stores prompts of the query class: "
                         f"prompt_mode must be 'same', not "
                         f'{dataset.prompt_mode!r}')
    paths = [dataset._relative(dataset.get_data_info(i)['img_path'])
             for i in range(dataset.num_images)]
    episodes = []
    for query_idx, cls, seed in dataset.episodes:
        prompts = dataset.draw_prompt_indices(query_idx, cls, num_prompts,
                                              np.random.default_rng(seed))
        episodes.append(dict(query=paths[query_idx], cls=int(cls),
                             prompts=[paths[i] for i in prompts]))
    content = dict(format=FORMAT, dataset=type(dataset).__name__,
                   num_prompts=num_prompts, **draw_settings(dataset),
                   episodes=episodes)
    write_json(path, content)
    return len(episodes)


def load_episode_file(dataset,
                      path: str) -> List[Tuple[int, int, Tuple[int, ...]]]:
    """(query index, class, the first K = ``num_prompts`` prompt indices) of
    every episode in ``path``, checked against ``dataset``."""
    low, k = dataset.k_range
    if low != k or dataset.prompt_mode != 'same':
        raise ValueError(
            'episode_file stores prompts of the query class: it needs '
            "prompt_mode='same' and a fixed num_prompts; got prompt_mode="
            f'{dataset.prompt_mode!r}, num_prompts={dataset.k_range}')
    content = read_json(path, f'episode file of {type(dataset).__name__}',
                        f'draw it once with `{EPISODE_TOOL}`',
                        dataset.backend_args)
    if not (isinstance(content, dict) and content.get('format') == FORMAT
            and isinstance(content.get('episodes'), list)):
        raise ValueError(f'{path!r} is not an episode file (expected a JSON '
                         f'object with "format": "{FORMAT}"); write one with '
                         f'`{EPISODE_TOOL}`')
    drawn = {key: content.get(key) for key in DRAW_KEYS}
    if drawn != draw_settings(dataset):
        raise ValueError(
            f'episode file {path!r} was drawn with {drawn}, but the dataset '
            f'config says {draw_settings(dataset)}; draw it again with '
            f'`{EPISODE_TOOL}` or fix the config')
    if content.get('num_prompts', 0) < k:
        raise ValueError(
            f'episode file {path!r} holds {content.get("num_prompts")} '
            f'prompts per episode; num_prompts={k} needs at least {k}: draw '
            f'it with `{EPISODE_TOOL}` and K >= {k}')
    infos = [dataset.get_data_info(i) for i in range(dataset.num_images)]
    index = {dataset._relative(info['img_path']): i
             for i, info in enumerate(infos)}
    episodes = []
    for n, episode in enumerate(content['episodes']):
        where = f'episode {n} of {path!r}'
        paths = [episode.get('query')] + list(episode.get('prompts', []))
        missing = [p for p in paths if p not in index]
        if missing:
            raise ValueError(f'{where} names {missing[0]!r}, which is not an '
                             f'image of this dataset (data_root '
                             f'{dataset.data_root!r})')
        query, prompts = index[paths[0]], [index[p] for p in paths[1:k + 1]]
        cls = episode.get('cls')
        shown = [i for i in [query] + prompts
                 if cls not in infos[i]['classes']]
        if shown or query in prompts or len(prompts) < k:
            raise ValueError(f'{where}: class {cls!r} must appear in the '
                             f'query and in each of {k} prompts, and the '
                             'query must not prompt itself')
        episodes.append((query, cls, tuple(prompts)))
    return episodes
