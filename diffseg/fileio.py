"""Reading and writing images, label maps, panoptic PNGs, JSON files and
videos.

Image readers go through :mod:`mmengine.fileio` (``backend_args`` picks the
storage backend, as in mmseg's datasets); videos are local files OpenCV
decodes. Writers are local and atomic: a file (or folder) is written under
a temporary name in its folder and moved over the target, so a reader
never sees a half-written file.
"""
import io
import json
import os
import os.path as osp
import shutil
import uuid
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional, Tuple

import cv2
import numpy as np
from mmcv.video import VideoReader
from mmengine import fileio
from PIL import Image

MAX_PANOPTIC_ID = 256**3 - 1
IMREAD_FLAGS = dict(color=cv2.IMREAD_COLOR, unchanged=cv2.IMREAD_UNCHANGED)


def read_bytes(path: str, what: str = 'file',
               backend_args: Optional[dict] = None) -> bytes:
    """The content of ``path``; a missing file names ``what`` and the
    path."""
    try:
        return fileio.get(path, backend_args=backend_args)
    except (FileNotFoundError, IsADirectoryError) as e:
        raise FileNotFoundError(f'{what} {path!r} does not exist') from e


def read_json(path: str, what: str = 'JSON file', fix: str = '',
              backend_args: Optional[dict] = None):
    """The content of the JSON file ``path``; a missing file or invalid
    JSON is an error naming ``what`` (e.g. 'index file') and ``fix`` (how
    to write a good one)."""
    hint = f'; {fix}' if fix else ''
    try:
        text = fileio.get_text(path, backend_args=backend_args)
    except (FileNotFoundError, IsADirectoryError) as e:
        raise FileNotFoundError(f'{what} {path!r} is missing{hint}') from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f'{what} {path!r} is not valid JSON ({e}){hint}'
                         ) from e


def read_image(path: str, flag: str = 'color', what: str = 'image',
               backend_args: Optional[dict] = None) -> np.ndarray:
    """An image file -> uint8 (or 16-bit) array, colour channels in RGB(A)
    order.

    Args:
        flag: 'color' gives (H, W, 3) RGB whatever the file holds;
            'unchanged' the stored channels: (H, W) grey, (H, W, 3) RGB or
            (H, W, 4) RGBA.
        what: names the file in errors ('prompt image 0', 'depth PNG').
    """
    if flag not in IMREAD_FLAGS:
        raise ValueError(f'flag {flag!r} is unknown; expected one of '
                         f'{tuple(IMREAD_FLAGS)}')
    buf = np.frombuffer(read_bytes(path, what, backend_args), np.uint8)
    img = cv2.imdecode(buf, IMREAD_FLAGS[flag])
    if img is None:
        raise ValueError(f'{what} {path!r} could not be decoded as an image '
                         '(corrupt or unsupported file)')
    if img.ndim == 3 and img.shape[2] == 3:
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    if img.ndim == 3 and img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA)
    return img


def read_label_map(path: str, what: str = 'annotation',
                   backend_args: Optional[dict] = None) -> np.ndarray:
    """A label PNG -> array of its values: (H, W) for grey and palette PNGs
    (palette PNGs give their indices, not colours), (H, W, 3) for RGB."""
    data = read_bytes(path, what, backend_args)
    try:
        return np.asarray(Image.open(io.BytesIO(data)))
    except OSError as e:
        raise ValueError(f'{what} {path!r} could not be decoded as an image '
                         '(corrupt or unsupported file)') from e


def rgb_to_id(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB -> (H, W) int64 ids ``R + 256 G + 256^2 B``."""
    rgb = np.asarray(rgb).astype(np.int64)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f'a panoptic PNG must be (H, W, 3) RGB; got shape '
                         f'{rgb.shape}')
    return rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]


def id_to_rgb(ids: np.ndarray) -> np.ndarray:
    """(H, W) integer ids in [0, 256^3) -> (H, W, 3) uint8 RGB."""
    ids = np.asarray(ids).astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() > MAX_PANOPTIC_ID):
        raise ValueError(f'panoptic ids must lie in [0, {MAX_PANOPTIC_ID}]; '
                         f'got [{ids.min()}, {ids.max()}]')
    return np.stack([ids % 256, ids // 256 % 256, ids // 256**2],
                    -1).astype(np.uint8)


def read_panoptic_png(path: str,
                      backend_args: Optional[dict] = None) -> np.ndarray:
    """A COCO panoptic PNG -> (H, W) int64 ids."""
    return rgb_to_id(read_image(path, 'color', 'panoptic PNG', backend_args))


@contextmanager
def atomic_path(path: str):
    """A temporary path beside ``path`` (same extension) to write a file or
    a folder at; when the block ends without an error it replaces ``path``
    (an existing folder included), otherwise it is removed. Parent folders
    are created."""
    folder, name = osp.split(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stem, ext = osp.splitext(name)
    tmp = osp.join(folder, f'.{stem}.{uuid.uuid4().hex}.tmp{ext}')
    old = None
    try:
        yield tmp
        if osp.isdir(tmp) and osp.isdir(path):
            old = osp.join(folder, f'.{stem}.{uuid.uuid4().hex}.old')
            os.replace(path, old)  # os.replace refuses a non-empty folder
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, old):
            if leftover is not None and osp.isdir(leftover):
                shutil.rmtree(leftover)
            elif leftover is not None and osp.exists(leftover):
                os.remove(leftover)


@contextmanager
def atomic_write(path: str, mode: str = 'wb'):
    """Open a temporary file beside ``path`` for writing; when the block
    ends without an error it replaces ``path``, otherwise it is removed.
    Parent folders are created."""
    with atomic_path(path) as tmp, open(tmp, mode) as f:
        yield f


def write_image(path: str, img: np.ndarray) -> None:
    """Write (H, W, 3) RGB, (H, W, 4) RGBA or (H, W) grey ``img`` (uint8,
    or uint16 for PNG) to ``path``, encoded after its extension,
    atomically."""
    ext = osp.splitext(path)[1]
    if not ext:
        raise ValueError(f'{path} has no extension to pick an image format')
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA if img.shape[2] == 4
                           else cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(ext, img)
    if not ok:
        raise ValueError(f'could not encode the image as {ext} for {path}')
    with atomic_write(path) as f:
        f.write(buf.tobytes())


def write_palette_png(path: str, labels: np.ndarray,
                      palette: Optional[np.ndarray] = None) -> None:
    """Write (H, W) uint8 ``labels`` as the indices of a palette PNG (as
    VOC and VSPW store annotations), atomically.

    Args:
        palette: (N, 3) RGB colours of indices 0..N-1, N <= 256; default
            grey, colour i = (i, i, i).
    """
    labels = np.asarray(labels)
    if labels.ndim != 2 or labels.dtype != np.uint8:
        raise ValueError(f'labels have shape {labels.shape} and dtype '
                         f'{labels.dtype}; expected (H, W) uint8')
    if palette is None:
        palette = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, 1)
    palette = np.asarray(palette, np.uint8)
    if palette.ndim != 2 or palette.shape[1] != 3 or len(palette) > 256:
        raise ValueError(f'palette has shape {palette.shape}; expected '
                         '(N, 3) RGB with N <= 256')
    img = Image.frombytes('P', labels.shape[::-1], labels.tobytes())
    img.putpalette(palette.ravel().tolist())
    with atomic_write(path) as f:
        img.save(f, format='PNG')


def write_panoptic_png(path: str, ids: np.ndarray) -> None:
    """Write (H, W) ids to ``path`` as a COCO panoptic PNG, atomically."""
    write_image(path, id_to_rgb(ids))


def write_json(path: str, obj, **kwargs) -> None:
    """Dump ``obj`` as JSON to ``path`` atomically (``kwargs`` go to
    :func:`json.dump`, e.g. ``indent``)."""
    with atomic_write(path, 'w') as f:
        json.dump(obj, f, **kwargs)


VIDEO_CODECS = {'.mp4': 'mp4v', '.avi': 'MJPG'}  # fourcc by extension


def read_video(path: str, what: str = 'video') -> Iterator[np.ndarray]:
    """The frames of a video file OpenCV decodes (mp4, avi, ...), in order,
    as (H, W, 3) uint8 RGB; a file that is missing or that OpenCV cannot
    open names ``what`` and the path."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path!r} does not exist')
    reader = VideoReader(path)
    try:
        if not reader.opened:
            raise ValueError(f'{what} {path!r} could not be opened as a '
                             'video (corrupt file or a format OpenCV cannot '
                             'decode)')
        for frame in reader:
            yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        reader.vcap.release()


def probe_video(path: str) -> Tuple[int, Optional[float]]:
    """The frame count and frame rate a video file declares (0 / None when
    it declares none)."""
    reader = VideoReader(path)
    count, fps = max(reader.frame_cnt, 0), reader.fps
    reader.vcap.release()
    return count, (fps if fps > 0 else None)


def write_video(path: str, frames: Iterable[np.ndarray], fps: float) -> int:
    """Encode ``frames``, (H, W, 3) uint8 RGB of one size, as a video at
    ``path`` (.mp4: MPEG-4 'mp4v', .avi: Motion JPEG), atomically; odd sides
    are padded by one black pixel (the codecs crop them). Returns the number
    of frames."""
    ext = osp.splitext(path)[1].lower()
    if ext not in VIDEO_CODECS:
        raise ValueError(f'{path!r}: a video is written as one of '
                         f'{tuple(VIDEO_CODECS)}')
    if not fps > 0:
        raise ValueError(f'fps is {fps}; expected > 0')
    count, writer, size = 0, None, None
    with atomic_path(path) as tmp:
        try:
            for frame in frames:
                frame = np.asarray(frame)
                if size is None:
                    size = frame.shape
                    writer = cv2.VideoWriter(
                        tmp, cv2.VideoWriter_fourcc(*VIDEO_CODECS[ext]),
                        float(fps), (frame.shape[1] + frame.shape[1] % 2,
                                     frame.shape[0] + frame.shape[0] % 2))
                    if not writer.isOpened():
                        raise ValueError(f'OpenCV cannot write {ext} video '
                                         f'to {path!r}')
                if frame.shape != size or frame.dtype != np.uint8:
                    raise ValueError(
                        f'frame {count} of {path!r} has shape {frame.shape} '
                        f'and dtype {frame.dtype}; expected {size} uint8 '
                        'as the first frame')
                frame = np.pad(frame, ((0, size[0] % 2), (0, size[1] % 2),
                                       (0, 0)))
                writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
                count += 1
        finally:
            if writer is not None:
                writer.release()
        if count == 0:
            raise ValueError(f'no frame to write to {path!r}')
    return count
