"""What the video in-context datasets share: split files, frame folders, and
the first-frame protocol (frame 0 and its annotation prompt every later
frame of its video)."""
import os.path as osp
from abc import abstractmethod
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine import fileio
from mmengine.logging import print_log

from .incontext_seg_dataset import InContextSegDataset
from .prompt_count import parse_prompt_range


def read_video_list(data_root: str, split_file: str,
                    backend_args: Optional[dict] = None) -> List[str]:
    """The video names of a split file (one a line), with clear errors."""
    if not fileio.isdir(data_root, backend_args=backend_args):
        raise FileNotFoundError(f'data_root {data_root!r} is not a folder')
    path = osp.join(data_root, split_file)
    if not fileio.isfile(path, backend_args=backend_args):
        raise FileNotFoundError(
            f'split file {path!r} is missing; expected a text file listing '
            'video names, one a line')
    text = fileio.get_text(path, backend_args=backend_args)
    videos = [line.strip() for line in text.splitlines() if line.strip()]
    if not videos:
        raise ValueError(f'split file {path!r} lists no video')
    return videos


def video_frame_stems(img_dir: str, suffix: str, frame_step: int,
                      backend_args: Optional[dict] = None) -> List[str]:
    """Every ``frame_step``-th frame stem of a video folder, by file name."""
    if not fileio.isdir(img_dir, backend_args=backend_args):
        raise FileNotFoundError(f'video folder {img_dir!r} is missing')
    names = fileio.list_dir_or_file(img_dir, list_dir=False, suffix=suffix,
                                    backend_args=backend_args)
    stems = sorted(name[:-len(suffix)] for name in names)
    if not stems:
        raise FileNotFoundError(f'video folder {img_dir!r} holds no '
                                f'{suffix} frame')
    return stems[::frame_step]


class VideoInContextDataset(InContextSegDataset):
    """Frames of videos (``group`` = the video) as in-context episodes.

    With ``first_frame_prompt=True`` in test mode, the episodes are every
    kept frame t >= 1 of each listed video, videos in split order and frames
    in order, each prompted by the video's first frame and its annotation
    (``num_prompts`` must be 1). Videos whose first frame shows no class
    cannot be prompted and are left out, with a warning. With
    ``drop_last_frame`` the last kept frame of each video is no query either
    (the official davis2017-evaluation protocol scores frames 1 .. T-2).
    Episodes carry the
    metainfo ``video`` (for per-video metrics) and ``prompt_key`` (the first
    frame's path: the model encodes the prompt once per video). Training
    ignores the flag.

    Subclasses implement ``load_data_list``, ``load_label`` and
    ``first_frame_episode``.

    Args:
        split_file: video list relative to ``data_root``.
        frame_step: keep every ``frame_step``-th frame of each video.
        first_frame_prompt: test episodes prompted by the first frame.
        drop_last_frame: with ``first_frame_prompt``, no episode for the
            last kept frame of each video.
        **kwargs: see :class:`InContextSegDataset`.
    """

    def __init__(self,
                 split_file: str,
                 frame_step: int = 1,
                 first_frame_prompt: bool = False,
                 drop_last_frame: bool = False,
                 **kwargs):
        if frame_step < 1:
            raise ValueError(f'frame_step must be >= 1, got {frame_step}')
        num_prompts = kwargs.get('num_prompts', 1)
        if first_frame_prompt and parse_prompt_range(num_prompts) != (1, 1):
            raise ValueError(
                'first_frame_prompt=True prompts each frame with the first '
                'frame of its video only, so num_prompts must be 1; got '
                f'{num_prompts}')
        if first_frame_prompt and kwargs.get('episode_file'):
            raise ValueError('first_frame_prompt=True builds its episodes '
                             'from the videos; give no episode_file')
        self.split_file = split_file
        self.frame_step = frame_step
        self.first_frame_prompt = first_frame_prompt
        self.drop_last_frame = drop_last_frame
        super().__init__(**kwargs)

    @abstractmethod
    def first_frame_episode(self, info: dict, first: dict) -> dict:
        """The episode of frame ``info`` prompted by ``first``, its video's
        first frame (the same keys as ``build_episode``'s)."""

    def video_frames(self, video: str) -> List[dict]:
        """The info dicts of ``video``'s frames, in frame order."""
        frames = [info for info in map(self.get_data_info,
                                       range(self.num_images))
                  if info['group'] == video]
        if not frames:
            raise KeyError(f'video {video!r} is not in {self.split_file!r}')
        return frames

    def _fixed_episodes(self) -> List[Tuple[int, int, int]]:
        if not self.first_frame_prompt:
            return super()._fixed_episodes()
        self.first_frame_of = {}  # video -> data_list index of its frame 0
        episodes, unprompted = [], []
        for idx in range(self.num_images):
            info = self.get_data_info(idx)
            video = info['group']
            if video not in self.first_frame_of:
                self.first_frame_of[video] = idx
                if not info['classes']:
                    unprompted.append(video)
            elif video not in unprompted:
                episodes.append((idx, None, 0))
        if self.drop_last_frame:  # episodes are in frame order per video
            last = {self.get_data_info(idx)['group']: n
                    for n, (idx, _, _) in enumerate(episodes)}
            drop = set(last.values())
            episodes = [e for n, e in enumerate(episodes) if n not in drop]
        if unprompted:
            print_log(f'{type(self).__name__}: {len(unprompted)} video(s) '
                      'left out, their first frame shows no class to prompt '
                      f'with: {unprompted[:10]}', logger='current')
        if not episodes:
            raise ValueError(f'{type(self).__name__}: no video of '
                             f'{self.split_file!r} has a frame after a '
                             'first frame showing a class; no episode can be '
                             'built')
        return episodes

    def build_episode(self, query_idx: int, cls: Optional[int],
                      rng: np.random.Generator,
                      prompt_indices: Optional[Sequence[int]] = None):
        if not (self.test_mode and self.first_frame_prompt):
            return super().build_episode(query_idx, cls, rng, prompt_indices)
        info = self.get_data_info(query_idx)
        first = self.get_data_info(self.first_frame_of[info['group']])
        episode = self.first_frame_episode(info, first)
        episode.update(video=info['group'], prompt_key=first['img_path'],
                       img_path=info['img_path'])
        return episode

    def read_frame(self, info: dict) -> Tuple[np.ndarray, np.ndarray]:
        """A frame's (H, W, 3) RGB image and its checked label map."""
        img = self.load_image(info)
        return img, self.checked_label(info, img)
