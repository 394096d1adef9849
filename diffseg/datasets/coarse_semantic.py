"""COCO-Stuff-27 and Cityscapes-27: the coarse label sets of unsupervised
segmentation (IIC, PiCIE, STEGO, DiffSeg), read from the standard files.

Both datasets keep mmseg's on-disk layout and remap labels while loading
through mmseg's ``label_map`` (applied by ``LoadAnnotations``): a dataset
option, not a transform, so ``dataset_meta['classes']`` holds the 27 names
that metrics and models see.
"""
from mmseg.datasets import CityscapesDataset, COCOStuffDataset

from diffseg.registry import DATASETS

# COCO-Stuff's supercategories, in the order of the 27 coarse classes used
# by PiCIE and STEGO (12 thing then 15 stuff supercategories). 'food' and
# 'furniture' exist as things and as stuff, hence the suffixes.
COARSE_MEMBERS = {
    'electronic': ('tv', 'laptop', 'mouse', 'remote', 'keyboard',
                   'cell phone'),
    'appliance': ('microwave', 'oven', 'toaster', 'sink', 'refrigerator'),
    'food-things': ('banana', 'apple', 'sandwich', 'orange', 'broccoli',
                    'carrot', 'hot dog', 'pizza', 'donut', 'cake'),
    'furniture-things': ('chair', 'couch', 'potted plant', 'bed',
                         'dining table', 'toilet'),
    'indoor': ('book', 'clock', 'vase', 'scissors', 'teddy bear',
               'hair drier', 'toothbrush'),
    'kitchen': ('bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon',
                'bowl'),
    'accessory': ('backpack', 'umbrella', 'handbag', 'tie', 'suitcase'),
    'animal': ('bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant',
               'bear', 'zebra', 'giraffe'),
    'outdoor': ('traffic light', 'fire hydrant', 'stop sign',
                'parking meter', 'bench'),
    'person': ('person', ),
    'sports': ('frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
               'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
               'tennis racket'),
    'vehicle': ('bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train',
                'truck', 'boat'),
    'ceiling': ('ceiling-other', 'ceiling-tile'),
    'floor': ('carpet', 'floor-marble', 'floor-other', 'floor-stone',
              'floor-tile', 'floor-wood'),
    'food-stuff': ('food-other', 'fruit', 'salad', 'vegetable'),
    'furniture-stuff': ('cabinet', 'counter', 'cupboard', 'desk-stuff',
                        'door-stuff', 'furniture-other', 'light',
                        'mirror-stuff', 'shelf', 'stairs', 'table'),
    'raw-material': ('cardboard', 'metal', 'paper', 'plastic'),
    'textile': ('banner', 'blanket', 'cloth', 'clothes', 'curtain', 'mat',
                'napkin', 'pillow', 'rug', 'textile-other', 'towel'),
    'wall': ('wall-brick', 'wall-concrete', 'wall-other', 'wall-panel',
             'wall-stone', 'wall-tile', 'wall-wood'),
    'window': ('window-blind', 'window-other'),
    'building': ('bridge', 'building-other', 'house', 'roof', 'skyscraper',
                 'tent'),
    'ground': ('dirt', 'gravel', 'ground-other', 'mud', 'pavement',
               'platform', 'playingfield', 'railroad', 'road', 'sand',
               'snow'),
    'plant': ('branch', 'bush', 'flower', 'grass', 'leaves', 'moss',
              'plant-other', 'straw', 'tree'),
    'sky': ('clouds', 'sky-other'),
    'solid': ('hill', 'mountain', 'rock', 'solid-other', 'stone', 'wood'),
    'structural': ('cage', 'fence', 'net', 'railing', 'structural-other'),
    'water': ('fog', 'river', 'sea', 'water-other', 'waterdrops'),
}


def coco_fine_to_coarse() -> dict:
    """mmseg's COCO-Stuff-171 label id -> coarse label id (0..26)."""
    coarse_of = {name: c for c, members in enumerate(COARSE_MEMBERS.values())
                 for name in members}
    return {i: coarse_of[name]
            for i, name in enumerate(COCOStuffDataset.METAINFO['classes'])}


@DATASETS.register_module()
class COCOStuff27Dataset(COCOStuffDataset):
    """COCO-Stuff with its 171 classes merged into 27 supercategories.

    Reads mmseg's COCO-Stuff files (``tools/dataset_converters/
    coco_stuff164k.py`` labels 0..170, 255 ignored; or the 10k version with
    ``reduce_zero_label=True``). Unsupervised benchmarks (STEGO, DiffSeg)
    evaluate a curated subset of val2017 (e.g. DiffSeg's 2,175 images): give
    its image names as ``ann_file`` to use it.
    """
    METAINFO = dict(classes=tuple(COARSE_MEMBERS))

    @classmethod
    def get_label_map(cls, new_classes=None) -> dict:
        return coco_fine_to_coarse()


# Cityscapes labelIds 7..33 (the 27 evaluated classes of unsupervised work)
CITYSCAPES27_CLASSES = (
    'road', 'sidewalk', 'parking', 'rail track', 'building', 'wall', 'fence',
    'guard rail', 'bridge', 'tunnel', 'pole', 'polegroup', 'traffic light',
    'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car',
    'truck', 'bus', 'caravan', 'trailer', 'train', 'motorcycle', 'bicycle')
CITYSCAPES_FIRST_ID = 7


@DATASETS.register_module()
class Cityscapes27Dataset(CityscapesDataset):
    """Cityscapes with the 27 classes of labelIds 7..33 (ids 0..6 ignored),
    read from the ``*_gtFine_labelIds.png`` files."""
    METAINFO = dict(classes=CITYSCAPES27_CLASSES)

    def __init__(self, seg_map_suffix='_gtFine_labelIds.png', **kwargs):
        super().__init__(seg_map_suffix=seg_map_suffix, **kwargs)

    @classmethod
    def get_label_map(cls, new_classes=None) -> dict:
        mapping = {i: 255 for i in range(CITYSCAPES_FIRST_ID)}
        mapping.update({CITYSCAPES_FIRST_ID + c: c
                        for c in range(len(CITYSCAPES27_CLASSES))})
        return mapping
