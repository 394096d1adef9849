# Cityscapes with the 27 classes of labelIds 7..33 (unsupervised
# benchmarks), val split, resized to 512x1024.
# Layout: data/cityscapes/leftImg8bit/val and
# gtFine/val/*_gtFine_labelIds.png (as released).
_base_ = ['./semantic_test_512.py']
dataset_type = 'Cityscapes27Dataset'
data_root = 'data/cityscapes'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val')))
# segment ids of each image are matched to the classes per image (DiffSeg)
test_evaluator = dict(
    _delete_=True, type='HungarianIoU', protocol='per_image')
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
class_names = [
    'road', 'sidewalk', 'parking', 'rail track', 'building', 'wall', 'fence',
    'guard rail', 'bridge', 'tunnel', 'pole', 'pole group', 'traffic light',
    'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car',
    'truck', 'bus', 'caravan', 'trailer', 'train', 'motorcycle', 'bicycle'
]
