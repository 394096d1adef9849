# The combined in-context training set of the paper (Table 2) at 256 px:
# PASCAL VOC train_aug (10,582 images) + COCO train2014 (the images with an
# instance annotation: 82,081) + DAVIS-16 train + VSPW train (58 categories,
# 1,000 videos, every 4th frame), drawn with the reference's weights;
# validation / test on PASCAL VOC val, 2,000 fixed episodes. Remaining
# differences from Table 2: configs/ldis/README.md. Layouts and class
# conventions: docs/datasets.md.
_base_ = ['./incontext_pipelines_256.py']
pascal_train = dict(
    type='PascalVOCInContextDataset',
    data_root='data/VOCdevkit/VOC2012',
    split_file='ImageSets/Segmentation/train_aug.txt',
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.train_pipeline}})
coco_train = dict(
    type='COCOInContextDataset',
    data_root='data/coco',
    ann_file='annotations/instances_train2014.json',
    img_dir='train2014',
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.train_pipeline}})
davis_train = dict(
    type='DAVIS16InContextDataset',
    data_root='data/DAVIS',
    split_file='ImageSets/2016/train.txt',
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.video_train_pipeline}})
# the paper keeps 58 categories (stuff mapped to background) of 1,000 train
# videos; its lists are not published: 58 categories and 1,000 videos are
# drawn with subset_seed here (set class_file=... to give the categories;
# vspw_256.py draws the same 58)
vspw_train = dict(
    type='VSPWInContextDataset',
    data_root='data/VSPW',
    split_file='train.txt',
    frame_step=4,
    num_classes=58,
    num_videos=1000,
    subset_seed=0,
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.video_train_pipeline}})
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
        # Table 2: 2,000 episodes, drawn once (seed 0) from every (val
        # image, class) pair
        episodes_per_image='all',
        num_episodes=2000,
        num_prompts={{_base_.num_prompts}},
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='InContextIoU'),
    # the prompt-agnostic baseline on the same episodes: every annotated
    # object is foreground, whatever the prompt shows
    dict(type='InContextIoU', pred_key='gt_objects', prefix='baseline'),
]
test_evaluator = val_evaluator
# test_cfg.type='InContextTestLoop' adds the swapped-prompt control
test_cfg = dict(type='TestLoop')
