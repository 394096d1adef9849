from .metrics import InContextIoU

__all__ = ['InContextIoU']
