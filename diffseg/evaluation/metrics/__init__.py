from .incontext_iou import InContextIoU

__all__ = ['InContextIoU']
