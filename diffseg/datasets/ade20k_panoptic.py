"""ADE20K panoptic (150 classes) in the COCO panoptic format."""
from diffseg.registry import DATASETS
from .coco_panoptic import CocoPanopticDataset


@DATASETS.register_module()
class ADE20KPanopticDataset(CocoPanopticDataset):
    """ADE20K with the panoptic files of detectron2's converter.

    Layout under ``data_root`` (ADEChallengeData2016): ``images/validation``,
    ``ade20k_panoptic_val/`` (id PNGs), ``ade20k_panoptic_val.json`` (150
    categories, ids 0-149 in the order of the semantic labels) and
    ``annotations_detectron2/validation`` (semantic PNGs 0-149, 255 = void:
    the standard 150-class mIoU benchmark); ``training`` / ``_train`` for
    the training split.
    """

    def __init__(self,
                 ann_file: str = 'ade20k_panoptic_val.json',
                 data_prefix: dict = dict(
                     img='images/validation', seg='ade20k_panoptic_val',
                     sem_seg='annotations_detectron2/validation'),
                 **kwargs):
        super().__init__(ann_file=ann_file, data_prefix=data_prefix, **kwargs)
