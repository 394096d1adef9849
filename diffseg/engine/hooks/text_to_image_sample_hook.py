"""A grid of images generated from captions at the end of training."""
import os.path as osp
from typing import Optional, Sequence

import cv2
import numpy as np
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from diffseg.registry import HOOKS
from diffseg.fileio import write_image

CAPTION_WIDTH = 220  # pixels left of each row for its caption
SCALE = 2  # generated images are drawn this many times larger


def caption_grid(captions: Sequence[str], images: np.ndarray,
                 per_caption: int) -> np.ndarray:
    """Captions (R,) and images (R * per_caption, H, W, 3) uint8 RGB, the
    images of caption r at rows r * per_caption ... -> one RGB grid with a
    row per caption, its text on the left."""
    h, w = images.shape[1] * SCALE, images.shape[2] * SCALE
    rows = []
    for r, caption in enumerate(captions):
        label = np.full((h, CAPTION_WIDTH, 3), 255, np.uint8)
        words, lines = caption.split(), ['']
        for word in words:  # wrap at ~30 characters a line
            if len(lines[-1]) + len(word) > 30:
                lines.append('')
            lines[-1] = (lines[-1] + ' ' + word).strip()
        for i, line in enumerate(lines):
            cv2.putText(label, line, (4, 14 + 14 * i),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1,
                        cv2.LINE_AA)
        tiles = [cv2.resize(img, (w, h), interpolation=cv2.INTER_NEAREST)
                 for img in images[r * per_caption:(r + 1) * per_caption]]
        rows.append(np.concatenate([label] + tiles, axis=1))
    return np.concatenate(rows, axis=0)


@HOOKS.register_module()
class TextToImageSampleHook(Hook):
    """After training, generate ``per_caption`` images for each caption
    (classifier-free guidance, the model's generation settings) and write
    them as one PNG grid, a row per caption.

    Args:
        captions: the captions to draw.
        per_caption: images per caption (seeds ``seed``, ``seed + 1``, ...).
        out_file: the PNG; relative paths are taken in the work dir.
        guidance_scale: overrides the model's; None keeps it.
    """

    priority = 'LOW'

    def __init__(self,
                 captions: Sequence[str],
                 per_caption: int = 4,
                 out_file: str = 'samples.png',
                 guidance_scale: Optional[float] = None):
        if not captions:
            raise ValueError('TextToImageSampleHook needs at least one '
                             'caption')
        if per_caption < 1:
            raise ValueError(f'per_caption is {per_caption}; expected >= 1')
        self.captions = list(captions)
        self.per_caption = per_caption
        self.out_file = out_file
        self.guidance_scale = guidance_scale

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'generate'):
            raise TypeError(f'{type(model).__name__} cannot generate images '
                            '(no generate method)')
        overrides = ({} if self.guidance_scale is None else dict(
            guidance_scale=self.guidance_scale))
        images = []
        for k in range(self.per_caption):
            seed = model.generation['seed'] + k
            images.append(model.generate(self.captions, seed=seed,
                                         **overrides))
        # (per_caption, R, 3, H, W) -> caption-major (R * per_caption, ...)
        stacked = np.stack([(x.permute(0, 2, 3, 1).cpu().numpy() * 255)
                            .round().astype(np.uint8) for x in images], 1)
        grid = caption_grid(self.captions, stacked.reshape(
            -1, *stacked.shape[2:]), self.per_caption)
        path = osp.join(runner.work_dir, self.out_file)
        write_image(path, grid)
        runner.logger.info(f'wrote generated samples to {path}')
