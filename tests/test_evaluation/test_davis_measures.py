import numpy as np
import pytest

from diffseg.evaluation.functional import (db_eval_boundary, db_eval_iou,
                                           seg2bmap)


def square(rows, cols, shape=(6, 6)):
    mask = np.zeros(shape, np.uint8)
    mask[rows[0]:rows[1] + 1, cols[0]:cols[1] + 1] = 1
    return mask


def from_pixels(pixels, shape=(6, 6)):
    mask = np.zeros(shape, bool)
    mask[tuple(np.array(pixels).T)] = True
    return mask


# 3x3 square at rows 1-3, cols 1-3 and the same shifted 1 px to the right
A = square((1, 3), (1, 3))
B = square((1, 3), (2, 4))
# boundary of A by hand: bg pixels whose E, S or SE neighbour is fg (row 0,
# col 0) and fg pixels whose E, S or SE neighbour is bg (row 3, col 3)
A_BOUNDARY = from_pixels([(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (2, 0),
                          (3, 0), (3, 1), (3, 2), (3, 3), (1, 3), (2, 3)])


def test_iou_offset_squares():
    # 4x4 squares offset by (2, 2): inter 2x2 = 4, union 16 + 16 - 4 = 28
    gt = square((0, 3), (0, 3), (8, 8))
    pred = square((2, 5), (2, 5), (8, 8))
    assert db_eval_iou(gt, pred) == pytest.approx(4 / 28)
    assert db_eval_iou(A, B) == pytest.approx(6 / 12)


def test_iou_void_and_empty():
    gt, pred = np.array([[1, 1, 0]]), np.array([[1, 0, 1]])
    assert db_eval_iou(gt, pred, np.array([[0, 1, 1]])) == 1.0
    empty = np.zeros((3, 3))
    assert db_eval_iou(empty, empty) == 1.0
    assert db_eval_iou(empty, square((0, 0), (0, 0), (3, 3))) == 0.0


def test_seg2bmap_hand_written():
    seg = square((1, 2), (1, 2), (4, 4))
    expected = np.array([[1, 1, 1, 0],
                         [1, 0, 1, 0],
                         [1, 1, 1, 0],
                         [0, 0, 0, 0]], bool)
    np.testing.assert_array_equal(seg2bmap(seg), expected)
    np.testing.assert_array_equal(seg2bmap(A), A_BOUNDARY)
    # the bottom and right image borders are not boundaries
    assert not seg2bmap(np.ones((3, 3))).any()
    np.testing.assert_array_equal(seg2bmap(seg, width=4, height=4), expected)
    with pytest.raises(ValueError, match='resizing'):
        seg2bmap(seg, width=8, height=8)


def test_boundary_self_and_tolerance():
    assert db_eval_boundary(A, A) == 1.0
    # every boundary pixel of B is 1 px right of one of A
    assert db_eval_boundary(A, B, bound_th=1) == 1.0
    # 0.008 * |(6, 6)| = 0.07 -> 1 px
    assert db_eval_boundary(A, B) == 1.0


def test_boundary_zero_tolerance_by_hand():
    # boundary of B = A_BOUNDARY shifted right; common pixels: (0, 1..3) and
    # (3, 1..3) -> P = R = 6 / 12, F = 0.5
    b_boundary = np.roll(A_BOUNDARY, 1, axis=1)
    np.testing.assert_array_equal(seg2bmap(B), b_boundary)
    assert np.count_nonzero(A_BOUNDARY & b_boundary) == 6
    assert db_eval_boundary(A, B, bound_th=0.0) == pytest.approx(0.5)


def test_boundary_empty_cases():
    empty = np.zeros((6, 6))
    assert db_eval_boundary(empty, empty) == 1.0
    assert db_eval_boundary(empty, A) == 0.0
    assert db_eval_boundary(A, empty) == 0.0
    # void pixels are cleared before taking boundaries
    assert db_eval_boundary(empty, A, void_pixels=A) == 1.0


def test_errors():
    with pytest.raises(ValueError, match=r'\(6, 5\).*\(6, 6\)'):
        db_eval_iou(A, A[:, :5])
    with pytest.raises(ValueError, match=r'\(6, 5\).*\(6, 6\)'):
        db_eval_boundary(A, A, void_pixels=A[:, :5])
    with pytest.raises(ValueError, match='bound_th'):
        db_eval_boundary(A, A, bound_th=1.5)
