# Cityscapes (19 train classes), val split, resized to 512x1024.
# Layout (mmseg's): data/cityscapes/leftImg8bit/val and
# gtFine/val/*_gtFine_labelTrainIds.png (cityscapesscripts'
# createTrainIdLabelImgs).
_base_ = ['./semantic_test_512.py']
dataset_type = 'mmseg.CityscapesDataset'
data_root = 'data/cityscapes'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val')))
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
class_names = [
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
    'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car',
    'truck', 'bus', 'train', 'motorcycle', 'bicycle'
]
