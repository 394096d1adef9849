# The combined in-context training set of the paper at 256 px: PASCAL VOC
# train_aug + COCO 2017 train + DAVIS-16 train + VSPW train (every 4th frame),
# drawn with the reference's weights; validation / test on PASCAL VOC val.
# Layouts and class conventions: docs/datasets.md.
num_prompts = 1
# the reference's episode augmentation at 256 px, drawn independently for the
# query and each prompt: resize the short side to 256 x [0.9, 1.1], crop 256
# (at most 75% of one label), flip, photometric jitter, pad to 256 x 256
augmentations = [
    dict(type='RandomResize', scale=(512, 256), ratio_range=(0.9, 1.1),
         keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=(256, 256), cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='mmseg.PhotoMetricDistortion'),
    dict(type='Pad', size=(256, 256), pad_val=dict(img=(128, 128, 128),
                                                   seg=255)),
]
train_pipeline = [
    dict(type='EpisodeAugmentation', transforms=augmentations),
    dict(type='PackInContextInputs'),
]
# video frames are not flipped (the reference's video pipelines)
video_train_pipeline = [
    dict(type='EpisodeAugmentation',
         transforms=augmentations[:2] + augmentations[3:]),
    dict(type='PackInContextInputs'),
]
# long side 256; the query's ground truth stays at its original size
test_pipeline = [
    dict(type='ResizeEpisode', scale=(256, 256), resize_gt=False),
    dict(type='PackInContextInputs'),
]
pascal_train = dict(
    type='PascalVOCInContextDataset',
    data_root='data/VOCdevkit/VOC2012',
    split_file='ImageSets/Segmentation/train_aug.txt',
    num_prompts=num_prompts,
    pipeline=train_pipeline)
coco_train = dict(
    type='COCOInContextDataset',
    data_root='data/coco',
    ann_file='annotations/instances_train2017.json',
    img_dir='train2017',
    num_prompts=num_prompts,
    pipeline=train_pipeline)
davis_train = dict(
    type='DAVIS16InContextDataset',
    data_root='data/DAVIS',
    split_file='ImageSets/2016/train.txt',
    num_prompts=num_prompts,
    pipeline=video_train_pipeline)
# the paper maps VSPW's stuff categories to background; give their ids as
# stuff_classes=[...] to do the same (none are mapped here)
vspw_train = dict(
    type='VSPWInContextDataset',
    data_root='data/VSPW',
    split_file='train.txt',
    frame_step=4,
    num_prompts=num_prompts,
    pipeline=video_train_pipeline)
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    # per_sample (the reference code): P(dataset i) is proportional to
    # weight_i * len(dataset i); 'per_dataset' reads the weights as the
    # dataset probabilities
    sampler=dict(type='WeightedDatasetSampler', weights=[0.4, 0.1, 0.5, 0.2],
                 mode='per_sample', seed=123),
    dataset=dict(
        type='ConcatDataset',
        # each dataset names its own classes
        ignore_keys=['classes'],
        datasets=[pascal_train, coco_train, davis_train, vspw_train]))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PascalVOCInContextDataset',
        data_root='data/VOCdevkit/VOC2012',
        split_file='ImageSets/Segmentation/val.txt',
        test_mode=True,
        num_prompts=num_prompts,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='InContextIoU'),
    # the prompt-agnostic baseline on the same episodes: every annotated
    # object is foreground, whatever the prompt shows
    dict(type='InContextIoU', pred_key='gt_objects', prefix='baseline'),
]
test_evaluator = val_evaluator
