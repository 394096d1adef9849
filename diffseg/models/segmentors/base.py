"""Mode dispatch shared by diffseg's top-level models."""
from mmengine.model import BaseModel


class BaseDiffSegModel(BaseModel):
    """``forward(inputs, data_samples, mode)`` dispatches to the subclass's
    ``loss(inputs, data_samples) -> dict``, ``predict(inputs, data_samples)
    -> data samples`` or ``_forward(inputs)`` (mode ``tensor``: the raw
    output, for export and benchmarks)."""

    def forward(self, inputs: dict, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise ValueError(f'mode {mode!r} is unknown; expected loss, predict '
                         'or tensor')
