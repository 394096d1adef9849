# COCO panoptic 2017 (data/coco: train2017/, val2017/, annotations/
# panoptic_{train,val}2017.json and the PNG folders of the same names),
# squashed to 512 x 512 as in the LDMSeg reference code. Training voids
# crowd segments and segments under 10 px; evaluation keeps the gt at its
# original size.
dataset_type = 'CocoPanopticDataset'
data_root = 'data/coco'
img_size = 512
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadPanopticAnnotations', void_crowd=True,
         min_segment_area=10),
    dict(type='RandomFlipPanoptic', prob=0.5),
    dict(type='ResizePanoptic', scale=(img_size, img_size),
         interpolation='bicubic'),
    dict(type='PackPanopticInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadPanopticAnnotations'),
    dict(type='ResizePanoptic', scale=(img_size, img_size), resize_gt=False,
         interpolation='bicubic'),
    dict(type='PackPanopticInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/panoptic_train2017.json',
        data_prefix=dict(img='train2017',
                         seg='annotations/panoptic_train2017'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/panoptic_val2017.json',
        data_prefix=dict(img='val2017', seg='annotations/panoptic_val2017'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# the reference evaluation: every segment is one class-agnostic 'object'
val_evaluator = [dict(type='PanopticQuality', class_agnostic=True)]
test_evaluator = val_evaluator
