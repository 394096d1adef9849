"""DAVIS-16 in-context episodes: prompts are other frames of the video."""
import os.path as osp
from typing import List

import numpy as np
from tqdm import tqdm

from diffseg.fileio import read_label_map
from diffseg.registry import DATASETS
from .video_incontext import (VideoInContextDataset, read_video_list,
                              video_frame_stems)


@DATASETS.register_module()
class DAVIS16InContextDataset(VideoInContextDataset):
    """DAVIS-16 frames as in-context episodes, one video per group.

    Foreground is any nonzero annotation value (255 in DAVIS-16) and becomes
    class 1; frames without foreground are never queries nor prompts.

    ``first_frame_prompt=True`` is the DAVIS semi-supervised protocol (see
    :class:`VideoInContextDataset`); frames without foreground are queries
    too (gt all background), as DAVIS scores every frame, and are scored by
    :class:`~diffseg.evaluation.VideoJF`. By default the last frame of each
    video is left out as well (``drop_last_frame=True``), as the official
    davis2017-evaluation does; False scores it.

    Args:
        data_root: the DAVIS folder.
        split_file: video list relative to ``data_root``, e.g.
            'ImageSets/2016/train.txt'.
        img_dir / ann_dir: frame and annotation folders under ``data_root``
            (``<dir>/<video>/<frame>.jpg`` / ``.png``).
        **kwargs: see :class:`VideoInContextDataset`
            (``split_file``, ``frame_step``, ``first_frame_prompt``,
            ``drop_last_frame``) and
            :class:`InContextSegDataset`.
    """

    METAINFO = dict(classes=('background', 'object'))

    def __init__(self,
                 data_root: str,
                 img_dir: str = 'JPEGImages/480p',
                 ann_dir: str = 'Annotations/480p',
                 drop_last_frame: bool = True,
                 **kwargs):
        self.img_dir = img_dir
        self.ann_dir = ann_dir
        super().__init__(data_root=data_root, drop_last_frame=drop_last_frame,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        videos = read_video_list(self.data_root, self.split_file,
                                 self.backend_args)
        for video in tqdm(videos, desc='scanning DAVIS videos',
                          disable=not self.progress):
            img_dir = osp.join(self.data_root, self.img_dir, video)
            for stem in video_frame_stems(img_dir, '.jpg', self.frame_step,
                                          self.backend_args):
                info = dict(img_path=osp.join(img_dir, stem + '.jpg'),
                            ann_path=osp.join(self.data_root, self.ann_dir,
                                              video, stem + '.png'),
                            group=video,
                            frame=stem)
                info['classes'] = [1] if self.load_label(info).any() else []
                data_list.append(info)
        return data_list

    def load_label(self, info: dict) -> np.ndarray:
        mask = read_label_map(info['ann_path'], 'annotation',
                              self.backend_args)
        if mask.ndim == 3:  # an RGB annotation: any colour is foreground
            mask = mask.any(axis=2)
        return (mask != 0).astype(np.uint8)

    def first_frame_episode(self, info: dict, first: dict) -> dict:
        img, gt = self.read_frame(info)  # {0, 1}: may be all background
        prompt_img, prompt_mask = self.read_frame(first)
        return dict(img=img, gt_seg_map=gt, gt_objects=gt.copy(), cls_id=1,
                    prompt_imgs=[prompt_img], prompt_masks=[prompt_mask],
                    prompt_cls_ids=[1], img_shape=img.shape[:2],
                    ori_shape=img.shape[:2])
