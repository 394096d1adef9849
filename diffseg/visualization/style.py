"""Drawing constants shared by every panel and overlay: font, colours,
sizes and the label palette."""
import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_SCALE = 0.4
LINE_HEIGHT = 16  # pixels a caption or legend line takes
TEXT_COLOUR = (255, 255, 255)
BACKGROUND_COLOUR = (0, 0, 0)  # RGB, blended over mask == 0
IGNORE_COLOUR = (128, 128, 128)  # RGB, blended over mask == 255
CONTOUR_COLOUR = (255, 255, 255)
IGNORE_INDEX = 255
MIN_TILE_HEIGHT = 128  # episode panels are drawn at least this high
MIN_OVERLAY_HEIGHT = 256  # label overlays of small images are enlarged to it
SWATCH = 10  # legend swatch side, pixels
MARGIN = 4


def default_palette(num: int) -> np.ndarray:
    """``num`` distinct RGB colours (golden-ratio hues), (num, 3) uint8."""
    if num == 0:
        return np.zeros((0, 3), np.uint8)
    hues = (np.arange(num) * 0.618033988749895 % 1.0 * 180).astype(np.uint8)
    sat = np.where(np.arange(num) % 2, 200, 255).astype(np.uint8)
    hsv = np.stack([hues, sat, np.full(num, 230, np.uint8)], 1)[None]
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0]
