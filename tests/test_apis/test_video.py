"""inference_video: the first-frame protocol on a generated video of moving
shapes, checked against inference_incontext frame by frame."""
import shutil

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from _helpers.tiny_models import tiny_ldis1_cfg
from diffseg.apis import (VideoFrames, inference_incontext, inference_video,
                          init_model)
from diffseg.apis.video import load_first_mask
from diffseg.fileio import write_image, write_palette_png, write_video

SIZE = 32


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return init_model(Config(dict(model=tiny_ldis1_cfg(),
                                  default_scope='diffseg')))


def moving_shapes(count: int = 5):
    """``count`` frames (SIZE x SIZE RGB) of a red square moving right and a
    blue square moving down over noise, and the first frame's id map
    (square 1, blue square 2)."""
    rng = np.random.default_rng(0)
    background = rng.integers(0, 120, (SIZE, SIZE, 3), np.uint8)
    frames = []
    for t in range(count):
        frame = background.copy()
        frame[4:12, 2 + 3 * t:10 + 3 * t] = (230, 30, 30)
        frame[14 + 2 * t:22 + 2 * t, 20:28] = (30, 30, 230)
        frames.append(frame)
    ids = np.zeros((SIZE, SIZE), np.uint8)
    ids[4:12, 2:10] = 1
    ids[14:22, 20:28] = 2
    return frames, ids


def test_first_mask_ids():
    mask = np.zeros((4, 5), np.uint8)
    mask[0, :2] = 255
    labels, ids = load_first_mask(mask, (4, 5))  # a 0/255 binary mask
    assert ids == [1] and labels.sum() == 2 and labels.max() == 1
    mask[1, 1], mask[2, 2] = 7, 3  # with objects, 255 is unlabelled
    labels, ids = load_first_mask(mask, (4, 5))
    assert ids == [3, 7]
    np.testing.assert_array_equal(labels, np.where(mask == 255, 0, mask))



def test_first_mask_files(tmp_path):
    mask = np.zeros((4, 5), np.uint8)
    mask[1, 1], mask[2, 2], mask[3, 3] = 7, 3, 255
    write_palette_png(str(tmp_path / 'palette.png'), mask)
    write_image(str(tmp_path / 'grey_rgb.png'),
                np.repeat(mask[..., None], 3, 2))  # a grey mask as RGB
    for name in ('palette.png', 'grey_rgb.png'):
        labels, ids = load_first_mask(str(tmp_path / name), (4, 5))
        assert ids == [3, 7]
        np.testing.assert_array_equal(labels, np.where(mask == 255, 0, mask))
    colours = np.zeros((4, 5, 3), np.uint8)
    colours[1, 1] = (200, 0, 0)
    write_image(str(tmp_path / 'colours.png'), colours)
    with pytest.raises(ValueError, match=r"first-frame mask '.*colours\.png' "
                       r'has shape \(4, 5, 3\)'):
        load_first_mask(str(tmp_path / 'colours.png'), (4, 5))


@pytest.mark.parametrize('mask, shape, match', [
    (np.zeros((4, 5), np.uint8), (4, 5), 'is empty'),
    (np.zeros((4, 5), bool), (4, 5), 'is empty'),
    (np.ones((4, 5), np.uint8), (6, 5), r'is \(4, 5\) but the first frame '
     r"of video 'clip' is \(6, 5\)"),
    (np.full((4, 5), 300, np.int32), (4, 5), 'object id 300'),
    (np.ones((4, 5, 3), np.uint8), (4, 5), r'expected \(H, W\) object ids'),
])
def test_first_mask_errors(mask, shape, match):
    with pytest.raises(ValueError, match=match):
        load_first_mask(mask, shape, "video 'clip'")


def test_frame_folder_order_and_errors(tmp_path):
    folder = tmp_path / 'clip'
    for i in (10, 2, 1):
        write_image(str(folder / f'frame{i}.png'),
                    np.full((4, 6, 3), i, np.uint8))
    (folder / 'notes.txt').write_text('not a frame')
    frames = VideoFrames(str(folder))
    assert frames.name == 'clip' and len(frames) == 3 and frames.fps is None
    # the folder's whole name, also given with a trailing slash
    dotted = tmp_path / 'take.2'
    shutil.copytree(folder, dotted)
    assert VideoFrames(f'{dotted}/').name == 'take.2'
    stems, images, paths = zip(*frames)
    assert stems == ('frame1', 'frame2', 'frame10')  # natural order
    assert [int(img[0, 0, 0]) for img in images] == [1, 2, 10]
    assert paths[0] == str(folder / 'frame1.png')
    write_image(str(folder / 'frame11.png'), np.zeros((5, 6, 3), np.uint8))
    with pytest.raises(ValueError, match=r"frame '.*frame11\.png' is 5x6 "
                       r"but the first frame of video 'clip' is 4x6"):
        list(VideoFrames(str(folder)))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match="frame folder '.*empty' "
                       'holds no image'):
        VideoFrames(str(tmp_path / 'empty'))
    with pytest.raises(FileNotFoundError, match="video '.*none.mp4' does "
                       'not exist'):
        VideoFrames(str(tmp_path / 'none.mp4'))
    (tmp_path / 'bad.mp4').write_bytes(b'not a video')
    with pytest.raises(ValueError, match=r"video '.*bad\.mp4' could not be "
                       'opened'):
        list(VideoFrames(str(tmp_path / 'bad.mp4')))
    with pytest.raises(ValueError, match='empty sequence'):
        VideoFrames([])


def test_checks_before_segmenting(model):
    frames, ids = moving_shapes(2)
    with pytest.raises(ValueError, match='is empty'):
        inference_video(model, frames, np.zeros_like(ids))
    with pytest.raises(ValueError, match='has one frame'):
        inference_video(model, frames[:1], ids)
    with pytest.raises(ValueError, match='batch_size is 0'):
        inference_video(model, frames, ids, batch_size=0)


def test_one_object_is_the_incontext_episode(model):
    frames, ids = moving_shapes()
    mask = (ids == 1).astype(np.uint8) * 255  # a binary mask: object 1
    results = list(inference_video(model, frames, mask, batch_size=1))
    assert [r.stem for r in results] == [f'{i:05d}' for i in range(5)]
    assert results[0].sample is None
    np.testing.assert_array_equal(results[0].labels, ids == 1)
    for frame, result in zip(frames[1:], results[1:]):
        sample = inference_incontext(model, frame, [(frames[0], mask)])
        np.testing.assert_array_equal(result.labels,
                                      sample.pred_sem_seg.data[0].numpy())
        assert result.sample.metainfo['prompt_cls_ids'] == [1]


def test_objects_take_the_most_probable_class(model):
    """Eq. 7 with two objects: a pixel is object c when its p(fg) from the
    single-object episode of c is the largest and above 1/2."""
    frames, ids = moving_shapes()
    ids = ids * 3  # object ids 3 and 6
    results = list(inference_video(model, frames, ids, batch_size=2))
    assert all(r.sample.metainfo['multi_category'] for r in results[1:])
    checked = 0
    for frame, result in zip(frames[1:], results[1:]):
        probs = np.stack([
            inference_incontext(model, frame, [(frames[0], ids == c)])
            .seg_logits.data[0].numpy() for c in (3, 6)])
        expected = np.where(probs.max(0) > 0.5,
                            np.array([3, 6])[probs.argmax(0)], 0)
        # pixels where rounding may decide (batches of other sizes) are
        # left out
        clear = ((np.abs(probs.max(0) - 0.5) > 1e-4)
                 & (np.abs(probs[0] - probs[1]) > 1e-4))
        np.testing.assert_array_equal(result.labels[clear], expected[clear])
        checked += clear.sum()
    assert checked > 0.95 * 4 * SIZE * SIZE


def test_prompt_encoded_once_per_video(model):
    frames, ids = moving_shapes()
    calls = []
    handle = model.prompt_encoder.register_forward_hook(
        lambda *args: calls.append(1))
    try:
        by_two = list(inference_video(model, frames, ids, batch_size=2))
        assert len(calls) == 1  # two batches of two frames
        by_one = list(inference_video(model, frames, ids, batch_size=1))
        assert len(calls) == 2  # once more for the new video
    finally:
        handle.remove()
    for a, b in zip(by_one[1:], by_two[1:]):
        torch.testing.assert_close(a.sample.seg_logits.data,
                                   b.sample.seg_logits.data)


def test_video_file_is_read_with_its_fps(model, tmp_path):
    frames, ids = moving_shapes(3)
    path = str(tmp_path / 'clip.mp4')
    assert write_video(path, frames, fps=12) == 3
    capture = cv2.VideoCapture(path)
    decoded = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        decoded.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    video = VideoFrames(path)
    assert video.name == 'clip' and video.fps == 12 and len(video) == 3
    from_file = list(inference_video(model, video, ids))
    from_arrays = list(inference_video(model, decoded, ids))
    assert [r.stem for r in from_file] == ['00000', '00001', '00002']
    for a, b in zip(from_file, from_arrays):
        np.testing.assert_array_equal(a.image, b.image)
        np.testing.assert_array_equal(a.labels, b.labels)
