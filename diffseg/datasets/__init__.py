from .ade20k_panoptic import ADE20KPanopticDataset
from .captioned_shapes import CaptionedShapesDataset
from .coarse_semantic import Cityscapes27Dataset, COCOStuff27Dataset
from .coco_incontext import COCOInContextDataset
from .coco_panoptic import CocoPanopticDataset
from .davis_incontext import DAVIS16InContextDataset
from .pascal_incontext import PascalVOCInContextDataset
from .samplers import *  # noqa: F401,F403
from .shapes_incontext import ShapesInContextDataset
from .shapes_panoptic import ShapesPanopticDataset
from .transforms import *  # noqa: F401,F403
from .vspw_incontext import VSPWInContextDataset

__all__ = [
    'COCOInContextDataset', 'PascalVOCInContextDataset',
    'ShapesInContextDataset', 'DAVIS16InContextDataset',
    'VSPWInContextDataset', 'ADE20KPanopticDataset', 'CocoPanopticDataset',
    'ShapesPanopticDataset', 'COCOStuff27Dataset', 'Cityscapes27Dataset',
    'CaptionedShapesDataset'
]
