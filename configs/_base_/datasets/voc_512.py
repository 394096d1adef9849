# PASCAL VOC 2012 (21 classes with background), val split, short side 512.
# Layout (mmseg's): data/VOCdevkit/VOC2012/{JPEGImages,SegmentationClass},
# ImageSets/Segmentation/val.txt.
_base_ = ['./semantic_test_512.py']
dataset_type = 'mmseg.PascalVOCDataset'
data_root = 'data/VOCdevkit/VOC2012'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='JPEGImages', seg_map_path='SegmentationClass'),
        ann_file='ImageSets/Segmentation/val.txt'))
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
class_names = [
    'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus',
    'car', 'cat', 'chair', 'cow', 'dining table', 'dog', 'horse', 'motorbike',
    'person', 'potted plant', 'sheep', 'sofa', 'train', 'tv monitor'
]
