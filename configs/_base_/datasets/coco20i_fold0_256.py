# COCO-20i 1-shot, fold 0, at 256 px: train episodes on the 60 classes outside
# the fold, test episodes on the fold's 20 classes (class c is in fold
# (c - 1) % 4). Built on COCO 2017 (train2017 / val2017, disjoint) rather
# than the usual train2014 / val2014 split, so numbers are close to but not
# exactly the 2014 protocol. As in the usual protocol, the test is 1000 fixed
# episodes, drawn once (seed 0) from every (val2017 image, fold class) pair.
# Layout and class conventions: docs/datasets.md.
fold = 0
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
test_pipeline = [
    dict(type='ResizeEpisode', scale=(256, 256), resize_gt=False),
    dict(type='PackInContextInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_train2017.json',
        img_dir='train2017',
        fold=fold,
        fold_mode='train',
        num_prompts=num_prompts,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_val2017.json',
        img_dir='val2017',
        fold=fold,
        fold_mode='test',
        test_mode=True,
        episodes_per_image='all',
        num_episodes=1000,
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
