from .functional import db_eval_boundary, db_eval_iou, seg2bmap
from .metrics import InContextIoU, VideoJF, VSPWIoU

__all__ = [
    'InContextIoU', 'VideoJF', 'VSPWIoU', 'db_eval_boundary', 'db_eval_iou',
    'seg2bmap'
]
