from .hungarian_iou import HungarianIoU
from .incontext_iou import InContextIoU
from .panoptic_quality import PanopticQuality
from .relative_depth import RelativeDepthMetric
from .video_jf import VideoJF
from .vspw_miou import VSPWIoU

__all__ = [
    'InContextIoU', 'VideoJF', 'VSPWIoU', 'PanopticQuality',
    'RelativeDepthMetric', 'HungarianIoU'
]
