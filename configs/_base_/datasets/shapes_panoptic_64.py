# Generated shapes in the COCO panoptic format (written on first use under
# data_root, then read by the COCO panoptic reader): 64 px, 2-5 things of 6
# classes on sky / ground stuff, with depth.
dataset_type = 'ShapesPanopticDataset'
data_root = 'work_dirs/ldmseg_data/shapes_panoptic'
img_size = 64
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadPanopticAnnotations', void_crowd=True, min_segment_area=10,
         depth_scale=10000.0),
    dict(type='RandomFlipPanoptic', prob=0.5),
    dict(type='ResizePanoptic', scale=(img_size, img_size)),
    dict(type='PackPanopticInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadPanopticAnnotations', depth_scale=10000.0),
    dict(type='ResizePanoptic', scale=(img_size, img_size), resize_gt=False),
    dict(type='PackPanopticInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        num_images=2000,
        img_size=img_size,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        num_images=200,
        img_size=img_size,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='PanopticQuality', class_agnostic=True)]
test_evaluator = val_evaluator
