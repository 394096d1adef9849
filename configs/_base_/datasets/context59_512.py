# PASCAL Context (59 classes), val split, short side 512.
# Layout (mmseg's): data/VOCdevkit/VOC2010/
# {JPEGImages,SegmentationClassContext}, ImageSets/SegmentationContext/val.txt.
_base_ = ['./semantic_test_512.py']
dataset_type = 'mmseg.PascalContextDataset59'
data_root = 'data/VOCdevkit/VOC2010'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='JPEGImages', seg_map_path='SegmentationClassContext'),
        ann_file='ImageSets/SegmentationContext/val.txt'))
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
class_names = [
    'aeroplane', 'bag', 'bed', 'bedclothes', 'bench', 'bicycle', 'bird',
    'boat', 'book', 'bottle', 'building', 'bus', 'cabinet', 'car', 'cat',
    'ceiling', 'chair', 'cloth', 'computer', 'cow', 'cup', 'curtain', 'dog',
    'door', 'fence', 'floor', 'flower', 'food', 'grass', 'ground', 'horse',
    'keyboard', 'light', 'motorbike', 'mountain', 'mouse', 'person', 'plate',
    'platform', 'potted plant', 'road', 'rock', 'sheep', 'shelves', 'sidewalk',
    'sign', 'sky', 'snow', 'sofa', 'table', 'track', 'train', 'tree', 'truck',
    'tv monitor', 'wall', 'water', 'window', 'wood'
]
