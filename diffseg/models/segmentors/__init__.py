from .ldmseg import LDMSeg
from .maskdiffusion import MaskDiffusion
from .multi_step_ldis import MultiStepLDIS
from .one_step_ldis import OneStepLDIS
from .pixel_clustering import PixelClustering

__all__ = [
    'LDMSeg', 'MaskDiffusion', 'MultiStepLDIS', 'OneStepLDIS',
    'PixelClustering'
]
