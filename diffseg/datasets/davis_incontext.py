"""DAVIS-16 in-context episodes: prompts are other frames of the video."""
import os
import os.path as osp
from typing import List, Tuple

import numpy as np
from PIL import Image
from tqdm import tqdm

from diffseg.registry import DATASETS
from .incontext_seg_dataset import InContextSegDataset, read_rgb
from .prompt_count import parse_prompt_range


def read_video_list(data_root: str, split_file: str) -> List[str]:
    """The video names of a split file (one a line), with clear errors."""
    if not osp.isdir(data_root):
        raise FileNotFoundError(f'data_root {data_root!r} is not a folder')
    path = osp.join(data_root, split_file)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'split file {path!r} is missing; expected a text file listing '
            'video names, one a line')
    with open(path) as f:
        videos = [line.strip() for line in f if line.strip()]
    if not videos:
        raise ValueError(f'split file {path!r} lists no video')
    return videos


def video_frame_stems(img_dir: str, suffix: str, frame_step: int) -> List[str]:
    """Every ``frame_step``-th frame stem of a video folder, by file name."""
    if not osp.isdir(img_dir):
        raise FileNotFoundError(f'video folder {img_dir!r} is missing')
    stems = sorted(name[:-len(suffix)] for name in os.listdir(img_dir)
                   if name.endswith(suffix))
    if not stems:
        raise FileNotFoundError(f'video folder {img_dir!r} holds no '
                                f'{suffix} frame')
    return stems[::frame_step]


def read_mask(path: str) -> np.ndarray:
    """An annotation PNG -> (H, W) array of its values (palette indices)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'annotation {path!r} is missing')
    return np.asarray(Image.open(path))


@DATASETS.register_module()
class DAVIS16InContextDataset(InContextSegDataset):
    """DAVIS-16 frames as in-context episodes, one video per group.

    Foreground is any nonzero annotation value (255 in DAVIS-16) and becomes
    class 1; frames without foreground are never queries nor prompts.

    With ``first_frame_prompt=True`` in test mode (the DAVIS semi-supervised
    protocol), the episodes are every kept frame t >= 1 of each listed
    video, videos in split order and frames in order, each prompted by the
    video's first frame and its annotation (``num_prompts`` must be 1).
    Frames without foreground are queries too (gt all background), as DAVIS
    scores every frame. Episodes carry the metainfo ``video`` (for
    :class:`~diffseg.evaluation.VideoJF`) and ``prompt_key`` (the first
    frame's path: the model encodes the prompt once per video). Training
    ignores the flag.

    Args:
        data_root: the DAVIS folder.
        split_file: video list relative to ``data_root``, e.g.
            'ImageSets/2016/train.txt'.
        img_dir / ann_dir: frame and annotation folders under ``data_root``
            (``<dir>/<video>/<frame>.jpg`` / ``.png``).
        frame_step: keep every ``frame_step``-th frame of each video.
        first_frame_prompt: test episodes prompted by the first frame.
        **kwargs: see :class:`InContextSegDataset`.
    """

    METAINFO = dict(classes=('background', 'object'))

    def __init__(self,
                 data_root: str,
                 split_file: str,
                 img_dir: str = 'JPEGImages/480p',
                 ann_dir: str = 'Annotations/480p',
                 frame_step: int = 1,
                 first_frame_prompt: bool = False,
                 **kwargs):
        if frame_step < 1:
            raise ValueError(f'frame_step must be >= 1, got {frame_step}')
        num_prompts = kwargs.get('num_prompts', 1)
        if first_frame_prompt and parse_prompt_range(num_prompts) != (1, 1):
            raise ValueError(
                'first_frame_prompt=True prompts each frame with the first '
                'frame of its video only, so num_prompts must be 1; got '
                f'{num_prompts}')
        self.first_frame_prompt = first_frame_prompt
        self.split_file = split_file
        self.img_dir = img_dir
        self.ann_dir = ann_dir
        self.frame_step = frame_step
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        videos = read_video_list(self.data_root, self.split_file)
        for video in tqdm(videos, desc='scanning DAVIS videos',
                          disable=not self.progress):
            img_dir = osp.join(self.data_root, self.img_dir, video)
            for stem in video_frame_stems(img_dir, '.jpg', self.frame_step):
                info = dict(img_path=osp.join(img_dir, stem + '.jpg'),
                            ann_path=osp.join(self.data_root, self.ann_dir,
                                              video, stem + '.png'),
                            group=video,
                            frame=stem)
                info['classes'] = [1] if self.load_label(info).any() else []
                data_list.append(info)
        return data_list

    def load_label(self, info: dict) -> np.ndarray:
        mask = read_mask(info['ann_path'])
        if mask.ndim == 3:  # an RGB annotation: any colour is foreground
            mask = mask.any(axis=2)
        return (mask != 0).astype(np.uint8)

    def video_frames(self, video: str) -> List[dict]:
        """The info dicts of ``video``'s frames, in frame order."""
        self.full_init()
        frames = [info for info in self.data_list if info['group'] == video]
        if not frames:
            raise KeyError(f'video {video!r} is not in {self.split_file!r}')
        return frames

    # first-frame prompts (test mode) ---------------------------------------
    def _fixed_episodes(self) -> List[Tuple[int, int, int]]:
        if not self.first_frame_prompt:
            return super()._fixed_episodes()
        self.first_frame_of = {}  # video -> data_list index of its frame 0
        episodes = []
        for idx, info in enumerate(self.data_list):
            video = info['group']
            if video not in self.first_frame_of:
                self.first_frame_of[video] = idx
            else:
                episodes.append((idx, 1, 0))
        if not episodes:
            raise ValueError(f'{type(self).__name__}: no video of '
                             f'{self.split_file!r} has a frame after its '
                             'first one; no episode can be built')
        return episodes

    def build_episode(self, query_idx: int, cls, rng: np.random.Generator):
        if not (self.test_mode and self.first_frame_prompt):
            return super().build_episode(query_idx, cls, rng)
        info = self.data_list[query_idx]
        video = info['group']
        first = self.data_list[self.first_frame_of[video]]
        img = read_rgb(info['img_path'])
        gt = self.checked_label(info, img)  # {0, 1}: may be all background
        prompt_img = read_rgb(first['img_path'])
        prompt_mask = self.checked_label(first, prompt_img)
        if not prompt_mask.any():
            raise ValueError(
                f'the first frame {first["img_path"]!r} of video {video!r} '
                'has an empty annotation; it cannot prompt the video')
        return dict(img=img, gt_seg_map=gt, gt_objects=gt.copy(), cls_id=1,
                    prompt_imgs=[prompt_img], prompt_masks=[prompt_mask],
                    prompt_cls_ids=[1], img_path=info['img_path'],
                    img_shape=img.shape[:2], ori_shape=img.shape[:2],
                    video=video, prompt_key=first['img_path'])
