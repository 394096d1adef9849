from .davis_measures import db_eval_boundary, db_eval_iou, seg2bmap

__all__ = ['db_eval_iou', 'seg2bmap', 'db_eval_boundary']
