"""In-context episodes over an annotated segmentation dataset on disk."""
import os
import os.path as osp
from abc import ABCMeta, abstractmethod
from collections import defaultdict
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from diffseg.fileio import read_image, read_json, write_json
from diffseg.utils.misc import check_choice
from .episode_file import capped_episodes, load_episode_file
from .prompt_count import draw_prompt_count, parse_prompt_range
from .visit_seeding import VisitSeeder, global_rngs_seeded

IGNORE_INDEX = 255
INDEX_TOOL = 'python tools/dataset_converters/build_incontext_index.py CONFIG'


class InContextSegDataset(BaseDataset, metaclass=ABCMeta):
    """Episodes built from images with semantic annotations.

    Subclasses implement ``load_data_list`` (one JSON-serialisable dict per
    image with ``img_path``, ``classes``: the class ids present, and
    optionally ``group``, e.g. the video, when prompts must come from the
    same group; its scan loop goes through ``tqdm(..., disable=not
    self.progress)``) and ``load_label(info) -> (H, W) uint8`` (class ids,
    255 = ignore), reading files through ``self.backend_args``. Image
    dicts are read with ``get_data_info``, so ``serialize_data=True``
    (mmengine's shared, pickled data list) works.

    An episode is a query image, a class present in it, K prompt images of
    that class (other images; same group when groups are set) with their
    masks, the query's mask of that class and ``gt_objects``, its mask of
    every annotated class (the prompt-agnostic baseline). Training draws a
    fresh class and prompts at every visit of an image, reproducibly
    (:class:`VisitSeeder`); test mode uses fixed episodes drawn once from
    ``seed`` ("fixed prompt-query pairs"), one per image, or per (image,
    class) with ``episodes_per_image='all'``, optionally capped to
    ``num_episodes`` of those (the 1000-episode few-shot protocols), or read
    from ``episode_file``. With ``prompt_mode='swap'`` the test episodes are
    the same draws, less those whose query shows no second class.

    Args:
        num_prompts: K, or a (min, max) pair drawn per episode.
        prompt_mode: 'same', or 'swap' (prompts of another class present in
            the query; the target stays: the prompt-following control).
        seed: seed of the fixed test episodes.
        episodes_per_image: 'one' or 'all' (test mode).
        num_episodes: test mode: this many episodes drawn from the seed
            without replacement from the list above (when it is shorter, it
            is repeated in full, each repeat with fresh prompts, and the rest
            drawn); None keeps the whole list.
        index_file: JSON data list written by ``save_index`` (see
            ``tools/dataset_converters/build_incontext_index.py``); when set,
            it replaces the scan of ``load_data_list``. ``*_path`` entries
            are stored relative to ``data_root``.
        episode_file: test episodes drawn once from the settings above and
            stored (:mod:`~diffseg.datasets.episode_file`); each takes the
            file's first ``num_prompts`` prompts.
        progress: show a progress bar while ``load_data_list`` scans.
        backend_args: storage backend of the images, annotations, index
            and episode files (``mmengine.fileio``, as in mmseg's datasets).
        serialize_data: keep the data list pickled in one buffer (mmengine's
            ``BaseDataset`` option).
    """

    def __init__(self,
                 num_prompts: Union[int, Sequence[int]] = 1,
                 prompt_mode: str = 'same',
                 seed: int = 0,
                 episodes_per_image: str = 'one',
                 num_episodes: Optional[int] = None,
                 index_file: Optional[str] = None,
                 episode_file: Optional[str] = None,
                 progress: bool = False,
                 backend_args: Optional[dict] = None,
                 serialize_data: bool = False,
                 **kwargs):
        check_choice('prompt_mode', prompt_mode, ('same', 'swap'))
        check_choice('episodes_per_image', episodes_per_image, ('one', 'all'))
        if num_episodes is not None and (isinstance(num_episodes, bool) or
                                         not isinstance(num_episodes, int)
                                         or num_episodes < 1):
            raise ValueError('num_episodes must be a positive int or None; '
                             f'got {num_episodes!r}')
        self.k_range = parse_prompt_range(num_prompts)
        self.num_episodes = num_episodes
        self.prompt_mode = prompt_mode
        self.seed = seed
        self.episodes_per_image = episodes_per_image
        self.index_file = index_file
        self.episode_file = episode_file
        self.progress = progress
        self.backend_args = backend_args
        self.visit_seeder = VisitSeeder()
        super().__init__(serialize_data=serialize_data, **kwargs)

    @abstractmethod
    def load_label(self, info: dict) -> np.ndarray:
        """The (H, W) uint8 label map of an image: class ids, 255 ignore."""

    # index ------------------------------------------------------------------
    def full_init(self) -> None:
        if self._fully_initialized:
            return
        # mmengine's full_init, with the index file in place of the scan
        self.data_list = (self.load_index() if self.index_file else
                          self.load_data_list())
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        self.images_of = defaultdict(list)  # (group, class) -> image indices
        for idx, info in enumerate(self.data_list):
            for cls in info['classes']:
                self.images_of[(info.get('group'), cls)].append(idx)
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True
        self.episodes = None
        if self.test_mode:
            self.episodes = (load_episode_file(self, self.episode_file)
                             if self.episode_file else self._fixed_episodes())

    @property
    def num_images(self) -> int:
        """Images (frames) in the data list."""
        self.full_init()
        return BaseDataset.__len__(self)

    def load_image(self, info: dict) -> np.ndarray:
        """The (H, W, 3) uint8 RGB image of ``info``."""
        return read_image(info['img_path'], backend_args=self.backend_args)

    def _map_paths(self, info: dict, fn: Callable[[str], str]) -> dict:
        """``info`` with ``fn`` applied to its ``*_path`` entries."""
        if not self.data_root:
            return dict(info)
        return {k: fn(v) if k.endswith('_path') else v
                for k, v in info.items()}

    def _relative(self, path: str) -> str:
        """``path`` relative to ``data_root``, or absolute outside it."""
        rel = osp.relpath(path, self.data_root)
        outside = rel == '..' or rel.startswith('..' + os.sep)
        return osp.abspath(path) if outside else rel

    def load_index(self) -> List[dict]:
        """The data list stored in ``index_file``, checked."""
        path = self.index_file
        expected = ('expected a JSON list of image dicts with "img_path" '
                    f'(a string) and "classes" (a list); rebuild it with '
                    f'`{INDEX_TOOL}`')
        data_list = read_json(path, f'index file of {type(self).__name__}',
                              expected, self.backend_args)
        if not isinstance(data_list, list):
            raise ValueError(f'index file {path!r} holds a '
                             f'{type(data_list).__name__}; {expected}')
        for i, info in enumerate(data_list):
            if not (isinstance(info, dict)
                    and isinstance(info.get('img_path'), str)
                    and isinstance(info.get('classes'), list)):
                raise ValueError(f'index file {path!r}: entry {i} is '
                                 f'{info!r:.200}; {expected}')
        return [self._map_paths(info, lambda p: osp.join(self.data_root, p))
                for info in data_list]

    def save_index(self, data_list: List[dict], path: str) -> None:
        """Write ``data_list`` (from ``load_data_list``) to ``path``
        atomically, for ``index_file``."""
        write_json(path, [self._map_paths(info, self._relative)
                          for info in data_list])

    def _usable_classes(self, idx: int) -> List[int]:
        """Classes of image ``idx`` that some other image can prompt."""
        info = self.get_data_info(idx)
        return [c for c in info['classes']
                if len(self.images_of[(info.get('group'), c)]) > 1]

    def _fixed_episodes(self) -> List[Tuple[int, int, int]]:
        """(query index, class, episode seed) for every test episode."""
        rng = np.random.default_rng(self.seed)
        episodes = []
        for idx in range(self.num_images):
            classes = self._usable_classes(idx)
            if not classes:
                continue
            if self.episodes_per_image == 'one':
                classes = [int(rng.choice(classes))]
            episodes += [(idx, c, int(rng.integers(2**31))) for c in classes]
        if self.prompt_mode == 'swap':
            episodes = [e for e in episodes
                        if len(self._usable_classes(e[0])) > 1]
        if not episodes:
            raise ValueError(f'{type(self).__name__} has no image whose class '
                             'appears in another image: no episode can be '
                             'built; check the annotations and split files')
        if self.num_episodes is None:
            return episodes
        return capped_episodes(episodes, self.num_episodes, rng)

    def __len__(self) -> int:
        self.full_init()
        return len(self.episodes) if self.test_mode else self.num_images

    # episodes ---------------------------------------------------------------
    def _rand_another(self) -> int:
        """The index mmengine tries after a rejected training episode, from
        the visit's generator (not numpy's global one)."""
        return int(self.visit_seeder.rng.integers(len(self)))

    def prepare_data(self, idx: int):
        prompts = None
        if self.test_mode:
            # the episode's seed, or its prompts read from the episode file
            query_idx, cls, draw = self.episodes[idx]
            prompts, rng = ((draw, None) if self.episode_file else
                            (None, np.random.default_rng(draw)))
        else:
            rng = self.visit_seeder.visit(idx)
            query_idx, cls = idx, None
        episode = self.build_episode(query_idx, cls, rng, prompts)
        if episode is None:
            return None  # mmengine draws another index in training
        episode['episode_idx'] = idx
        if self.test_mode:
            return self.pipeline(episode)
        # the mmcv / mmseg augmentations draw from the global generators
        with global_rngs_seeded(int(rng.integers(2**32))):
            return self.pipeline(episode)

    def build_episode(self, query_idx: int, cls, rng: np.random.Generator,
                      prompt_indices: Optional[Sequence[int]] = None):
        """The episode dict of ``query_idx`` (class ``cls`` or drawn), with
        the prompts of ``prompt_indices`` (images of ``cls``) or drawn."""
        info = self.get_data_info(query_idx)
        classes = self._usable_classes(query_idx)
        if cls is None:
            if not classes:
                return None
            cls = int(rng.choice(classes))
        prompt_cls = cls
        if self.prompt_mode == 'swap':
            others = [c for c in classes if c != cls]
            if not others:
                return None  # training only: test episodes always have one
            prompt_cls = int(rng.choice(others))
        img = self.load_image(info)
        label = self.checked_label(info, img)
        gt = (label == cls).astype(np.uint8)
        gt[label == IGNORE_INDEX] = IGNORE_INDEX
        if prompt_indices is None:
            k = draw_prompt_count(self.k_range, rng)
            prompts = self.draw_prompts(query_idx, prompt_cls, k, rng)
        else:
            k = len(prompt_indices)
            prompts = [self.read_prompt(i, prompt_cls) for i in prompt_indices]
        if prompts is None:
            return None
        objects = ((label != 0) & (label != IGNORE_INDEX)).astype(np.uint8)
        objects[label == IGNORE_INDEX] = IGNORE_INDEX
        return dict(img=img, gt_seg_map=gt, gt_objects=objects, cls_id=cls,
                    prompt_imgs=[p[0] for p in prompts],
                    prompt_masks=[p[1] for p in prompts],
                    prompt_cls_ids=[prompt_cls] * k,
                    img_path=info['img_path'], img_shape=img.shape[:2],
                    ori_shape=img.shape[:2])

    def draw_prompt_indices(self, query_idx: int, cls: int, k: int,
                            rng: np.random.Generator):
        """K other images showing ``cls`` (same group), in draw order, or
        None (training) when fewer exist."""
        query = self.get_data_info(query_idx)
        group = query.get('group')
        candidates = [i for i in self.images_of[(group, cls)]
                      if i != query_idx]
        rng.shuffle(candidates)
        picked = []
        for i in candidates:
            # an empty prompt mask is never used
            if (self.load_label(self.get_data_info(i)) == cls).any():
                picked.append(i)
            if len(picked) == k:
                return picked
        if self.test_mode:
            raise ValueError(
                f'class {cls} has {len(picked)} usable prompt images for '
                f'{query["img_path"]!r}; {k} are needed')
        return None

    def read_prompt(self, idx: int, cls: int):
        """(image, mask of ``cls``) of image ``idx``."""
        info = self.get_data_info(idx)
        img = self.load_image(info)
        return img, (self.checked_label(info, img) == cls).astype(np.uint8)

    def draw_prompts(self, query_idx: int, cls: int, k: int,
                     rng: np.random.Generator):
        """K (image, mask) pairs of ``cls`` from other images, or None."""
        indices = self.draw_prompt_indices(query_idx, cls, k, rng)
        return (None if indices is None else
                [self.read_prompt(i, cls) for i in indices])

    def checked_label(self, info: dict, img: np.ndarray) -> np.ndarray:
        label = self.load_label(info)
        if label.shape != img.shape[:2]:
            raise ValueError(
                f'annotation of {info["img_path"]!r} is {label.shape} but '
                f'the image is {img.shape[:2]}')
        return label
