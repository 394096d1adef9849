# The generated tiny semantic set (sky, grass, a red square; 64 px):
# python tools/dataset_converters/make_synthetic_semantic.py \
#     data/tiny_semantic
dataset_type = 'mmseg.BaseSegDataset'
data_root = 'data/tiny_semantic'
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(64, 64), keep_ratio=True),
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.PackSegInputs'),
]
class_names = ['sky', 'grass', 'red square']
test_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=dict(classes=('sky', 'grass', 'red square')),
        img_suffix='.png',
        seg_map_suffix='.png',
        data_prefix=dict(img_path='images', seg_map_path='annotations'),
        pipeline=test_pipeline))
test_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'])
