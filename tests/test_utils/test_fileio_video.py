"""Atomic folders and video files in diffseg.fileio."""
import os

import cv2
import numpy as np
import pytest

from diffseg.fileio import atomic_path, probe_video, read_video, write_video


def test_atomic_folder_replaces_only_on_success(tmp_path):
    target = tmp_path / 'masks'
    target.mkdir()
    (target / 'old.png').write_bytes(b'old')
    with pytest.raises(RuntimeError):
        with atomic_path(str(target)) as tmp:
            os.makedirs(tmp)
            open(os.path.join(tmp, 'new.png'), 'wb').close()
            raise RuntimeError('failed half way')
    assert sorted(os.listdir(tmp_path)) == ['masks']
    assert os.listdir(target) == ['old.png']
    with atomic_path(str(target)) as tmp:
        os.makedirs(tmp)
        open(os.path.join(tmp, 'new.png'), 'wb').close()
    assert sorted(os.listdir(tmp_path)) == ['masks']
    assert os.listdir(target) == ['new.png']


def test_video_round_trip_pads_odd_sides(tmp_path):
    # grey blocks of 8 x 8 (what the lossy codec keeps), odd sides
    frames = [np.kron(np.array([[40, 200], [120, 40 * t]], np.uint8),
                      np.ones((8, 8), np.uint8))[:13, :15, None].repeat(3, 2)
              for t in range(4)]
    path = str(tmp_path / 'clip.mp4')
    assert write_video(path, iter(frames), fps=8) == 4
    assert os.listdir(tmp_path) == ['clip.mp4']
    assert probe_video(path) == (4, 8.0)
    decoded = list(read_video(path))
    assert len(decoded) == 4
    for frame, back in zip(frames, decoded):
        assert back.shape == (14, 16, 3)  # one black row and column added
        # lossy codec: blocks of colour survive within a tolerance
        error = np.abs(back[:13, :15].astype(int) - frame).mean()
        assert error < 8, error
    # an independent decoder sees the same frames
    capture = cv2.VideoCapture(path)
    ok, first = capture.read()
    assert ok
    np.testing.assert_array_equal(first[..., ::-1], decoded[0])


def test_write_video_errors_leave_nothing(tmp_path):
    path = str(tmp_path / 'clip.mp4')
    frames = [np.zeros((8, 8, 3), np.uint8), np.zeros((8, 10, 3), np.uint8)]
    with pytest.raises(ValueError, match=r'frame 1 .* has shape \(8, 10, 3\)'):
        write_video(path, frames, fps=5)
    with pytest.raises(ValueError, match='no frame to write'):
        write_video(path, [], fps=5)
    with pytest.raises(ValueError, match=r"'.*clip\.gif': a video is written "
                       'as one of'):
        write_video(str(tmp_path / 'clip.gif'), frames[:1], fps=5)
    assert os.listdir(tmp_path) == []
