"""Segment every frame of a video from the mask of its first frame (the
DAVIS / VSPW semi-supervised protocol)."""
import os
import os.path as osp
import re
import uuid
from itertools import islice
from typing import (Iterator, List, NamedTuple, Optional, Sequence, Tuple,
                    Union)

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from tqdm import tqdm

from diffseg.fileio import probe_video, read_image, read_label_map, read_video
from diffseg.structures import InContextDataSample
from .prepare import ImageLike, load_id_map, load_rgb, prepare_one

DEFAULT_PIPELINE = [dict(type='PackInContextInputs')]
FRAME_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
IGNORE_ID = 255  # a first-mask value that is no object (unlabelled)


class VideoFrames:
    """The frames of a video, read lazily: a folder of images (natural
    order of their file names), a video file OpenCV decodes (mp4, avi,
    ...), or a sequence of images (paths or (H, W, 3) uint8 RGB arrays).

    Iterating yields ``(stem, (H, W, 3) uint8 RGB, path or None)``: the
    file stem (the zero-padded index for a video file or a sequence) and
    the frame's file; a frame whose size differs from the first's raises
    ValueError naming it.

    Attributes:
        name: the folder name or the video file's stem ('video' for a
            sequence): the video's name in the outputs.
        fps: the frame rate a video file declares, else None.
    """

    def __init__(self, frames: Union[str, Sequence[ImageLike]]):
        self.source, self.fps = None, None
        if not isinstance(frames, str):
            self.name = 'video'
            self._items = [(f'{i:05d}', frame)
                           for i, frame in enumerate(frames)]
            self._count = len(self._items)
            if not self._items:
                raise ValueError('frames is an empty sequence of images')
            return
        self.source = frames
        name = osp.basename(osp.abspath(frames))
        if osp.isdir(frames):
            self.name = name
            self._items = self._list_folder(frames)
            self._count = len(self._items)
        elif osp.isfile(frames):
            self.name = osp.splitext(name)[0]
            self._items = None  # decoded while iterating
            self._count, self.fps = probe_video(frames)
        else:
            raise FileNotFoundError(
                f'video {frames!r} does not exist; expected a folder of '
                'frames or a video file')

    @staticmethod
    def _list_folder(folder: str) -> List[Tuple[str, str]]:
        names = [n for n in os.listdir(folder)
                 if n.lower().endswith(FRAME_SUFFIXES)
                 and osp.isfile(osp.join(folder, n))]
        if not names:
            raise FileNotFoundError(
                f'frame folder {folder!r} holds no image; expected frames '
                f'named in order with one of {FRAME_SUFFIXES}')
        names.sort(key=lambda n: [int(part) if part.isdigit() else part
                                  for part in re.split(r'(\d+)', n)])
        return [(osp.splitext(n)[0], osp.join(folder, n)) for n in names]

    def __len__(self) -> int:
        """The number of frames (a video file's declared count, 0 when it
        declares none)."""
        return self._count

    def _read(self) -> Iterator[Tuple[str, np.ndarray, Optional[str], str]]:
        """(stem, RGB frame, its file, its name in errors)."""
        if self._items is None:
            for i, frame in enumerate(read_video(self.source)):
                yield f'{i:05d}', frame, None, f'frame {i} of {self.source!r}'
            return
        for stem, item in self._items:
            if isinstance(item, str):
                yield stem, read_image(item, 'color', 'frame'), item, (
                    f'frame {item!r}')
            else:
                yield stem, load_rgb(item, f'frame {stem}'), None, (
                    f'frame {stem}')

    def __iter__(self) -> Iterator[Tuple[str, np.ndarray, Optional[str]]]:
        shape = None
        for stem, frame, path, what in self._read():
            if shape is None:
                shape = frame.shape
            elif frame.shape != shape:
                raise ValueError(
                    f'{what} is {frame.shape[0]}x{frame.shape[1]} but the '
                    f'first frame of video {self.name!r} is '
                    f'{shape[0]}x{shape[1]}; all frames must share one size')
            yield stem, frame, path
        if shape is None:
            raise ValueError(f'video {self.source!r} holds no frame OpenCV '
                             'can decode')


def load_first_mask(mask: ImageLike, shape: Tuple[int, int],
                    video: str = 'the video') -> Tuple[np.ndarray, List[int]]:
    """The first frame's objects -> (H, W) uint8 object ids, the ids.

    ``mask`` is a path (a binary, grey id or palette PNG, e.g. a DAVIS
    annotation) or an (H, W) integer array. Every nonzero value is an
    object id, except 255 (unlabelled, no object); a mask whose only
    nonzero value is 255 (a 0/255 binary mask) holds one object, id 1.
    """
    name = 'first-frame mask' + (f' {mask!r}' if isinstance(mask, str)
                                 else '')
    mask = load_id_map(
        mask, 'first-frame mask', shape, _read_first_mask,
        '(H, W) object ids: a binary, grey or palette PNG (not colours)',
        f'the first frame of {video}')
    values = set(np.unique(mask).tolist()) - {0}
    if values == {IGNORE_ID}:
        return (mask != 0).astype(np.uint8), [1]
    ids = sorted(values - {IGNORE_ID})
    if not ids:
        raise ValueError(f'{name} is empty: it must show at least one object '
                         '(a nonzero value other than 255)')
    if ids[-1] > 254:
        raise ValueError(f'{name} holds object id {ids[-1]}; object ids must '
                         'lie in 1..254 (255 = unlabelled)')
    labels = np.where(np.isin(mask, ids), mask, 0).astype(np.uint8)
    return labels, ids


def _read_first_mask(path: str, what: str) -> np.ndarray:
    mask = read_label_map(path, what)
    if mask.ndim == 3 and (mask == mask[..., :1]).all():
        return mask[..., 0]  # a grey mask stored as RGB
    return mask


class VideoFrameResult(NamedTuple):
    """One frame of :func:`inference_video`: its ``stem``, ``image`` (H, W,
    3) RGB, ``labels`` (H, W) uint8 object ids (0 = background) and the
    model's ``sample`` (None for the first frame, whose labels are the
    given mask)."""
    stem: str
    image: np.ndarray
    labels: np.ndarray
    sample: Optional[InContextDataSample]


def inference_video(model: torch.nn.Module,
                    frames: Union[str, Sequence[ImageLike], VideoFrames],
                    first_mask: ImageLike,
                    batch_size: int = 1,
                    progress: bool = False) -> Iterator[VideoFrameResult]:
    """Segment the objects of ``first_mask`` in every frame of a video.

    Each frame t >= 1 is an episode prompted by the first frame, once per
    object (one mask each, ``prompt_cls_ids`` the object ids): with several
    objects it is scored per object and each pixel takes the object of
    highest probability (Eq. 7, ``multi_category=True``), as VSPW is tested;
    with one, it is a single-class episode, as DAVIS-2016 is. Episodes go
    through the config's test pipeline and ``model.test_step`` in batches
    of ``batch_size`` frames; they share the ``prompt_key`` metainfo, so the
    prompt encoder runs once for the batches of one size.

    The inputs are checked before this returns (the first frame and the
    mask); a later frame of another size raises while iterating.

    Args:
        model: an LDIS model (e.g. from :func:`init_model`).
        frames: a folder of frames, a video file, a sequence of images, or
            :class:`VideoFrames`.
        first_mask: the first frame's objects, see :func:`load_first_mask`.
        batch_size: frames per ``model.test_step``.
        progress: show a progress bar over the frames.

    Returns:
        An iterator of :class:`VideoFrameResult`, one per frame in order,
        the first frame included.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size is {batch_size}; expected >= 1')
    video = frames if isinstance(frames, VideoFrames) else VideoFrames(frames)
    if len(video) == 1:
        raise _one_frame(video)
    stream = iter(video)
    first_stem, first, _ = next(stream)
    labels, ids = load_first_mask(first_mask, first.shape[:2],
                                  f'video {video.name!r}')
    episode = dict(
        prompt_imgs=[first] * len(ids),
        prompt_masks=[(labels == i).astype(np.uint8) for i in ids],
        prompt_cls_ids=ids, video=video.name,
        prompt_key=f'{video.source or video.name}#{uuid.uuid4().hex}')
    if len(ids) > 1:
        episode['multi_category'] = True
    return _segment(model, video, stream,
                    VideoFrameResult(first_stem, first, labels, None),
                    episode, batch_size, progress)


def _episode(episode: dict, frame: np.ndarray, path: Optional[str]) -> dict:
    """What a dataset's first-frame episode gives the test pipeline."""
    return dict(episode, img=frame, img_path=path, img_shape=frame.shape[:2],
                ori_shape=frame.shape[:2],
                prompt_imgs=list(episode['prompt_imgs']),
                prompt_masks=list(episode['prompt_masks']))


def _segment(model, video: VideoFrames, stream, first: VideoFrameResult,
             episode: dict, batch_size: int,
             progress: bool) -> Iterator[VideoFrameResult]:
    """Yield ``first``, then the predictions of the frames of ``stream``."""
    ids = episode['prompt_cls_ids']
    with tqdm(total=len(video) or None, desc=video.name, unit='frame',
              disable=not progress) as bar:
        yield first
        bar.update(1)
        later = 0
        while True:
            chunk = list(islice(stream, batch_size))
            if not chunk:
                break
            packed = [prepare_one(model, _episode(episode, frame, path),
                                  DEFAULT_PIPELINE)
                      for _, frame, path in chunk]
            with torch.no_grad():
                samples = model.test_step(pseudo_collate(packed))
            for (stem, frame, _), sample in zip(chunk, samples):
                pred = sample.pred_sem_seg.data[0].cpu().numpy()
                if len(ids) == 1:  # a single-class episode predicts {0, 1}
                    pred = pred * ids[0]
                yield VideoFrameResult(stem, frame, pred.astype(np.uint8),
                                       sample)
            later += len(chunk)
            bar.update(len(chunk))
    if later == 0:
        raise _one_frame(video)


def _one_frame(video: VideoFrames) -> ValueError:
    return ValueError(f'video {video.name!r} has one frame; segmenting needs '
                      'later frames for the first to prompt')
