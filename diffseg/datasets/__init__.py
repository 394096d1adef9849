from .coco_incontext import COCOInContextDataset
from .davis_incontext import DAVIS16InContextDataset
from .pascal_incontext import PascalVOCInContextDataset
from .samplers import *  # noqa: F401,F403
from .shapes_incontext import ShapesInContextDataset
from .transforms import *  # noqa: F401,F403
from .vspw_incontext import VSPWInContextDataset

__all__ = [
    'COCOInContextDataset', 'PascalVOCInContextDataset',
    'ShapesInContextDataset', 'DAVIS16InContextDataset',
    'VSPWInContextDataset'
]
