from .incontext_iou import InContextIoU
from .video_jf import VideoJF
from .vspw_miou import VSPWIoU

__all__ = ['InContextIoU', 'VideoJF', 'VSPWIoU']
