"""Mode dispatch shared by diffseg's top-level models (segmentors and
pretrainers)."""
from mmengine.model import BaseModel

# images (BGR uint8) -> RGB in [-1, 1], the SD VAE's input range
IMAGE_DATA_PREPROCESSOR = dict(type='ImgDataPreprocessor', mean=[127.5] * 3,
                               std=[127.5] * 3, bgr_to_rgb=True)
# in-context episodes: query in [-1, 1], prompts stacked with their masks
INCONTEXT_DATA_PREPROCESSOR = dict(type='InContextDataPreProcessor')


class BaseDiffSegModel(BaseModel):
    """``forward(inputs, data_samples, mode)`` dispatches to the subclass's
    ``loss(inputs, data_samples) -> dict``, ``predict(inputs, data_samples)
    -> data samples`` or ``_forward(inputs, data_samples=None)`` (mode
    ``tensor``: the raw output, for export and benchmarks), as mmseg's
    ``BaseSegmentor`` does."""

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        raise ValueError(f'mode {mode!r} is unknown; expected loss, predict '
                         'or tensor')
