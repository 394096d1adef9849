# ISPRS Potsdam (6 classes, mmseg's 512 px val patches).
# Layout (mmseg's tools/dataset_converters/potsdam.py):
# data/potsdam/{img_dir,ann_dir}/val.
_base_ = ['./semantic_test_512.py']
dataset_type = 'mmseg.PotsdamDataset'
data_root = 'data/potsdam'
# the patches are 512 px: resized to 512 x 512 at most
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(512, 512), keep_ratio=True),
    # after Resize: the ground truth stays at the original size
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.PackSegInputs'),
]
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='img_dir/val', seg_map_path='ann_dir/val'),
        pipeline=test_pipeline))
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
# 'impervious_surface' is prompted as the everyday word 'road'
class_names = [
    'road', 'building', 'low vegetation', 'tree', 'car', 'clutter'
]
