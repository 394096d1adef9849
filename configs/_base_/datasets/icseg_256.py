# The combined in-context training set of the paper at 256 px: PASCAL VOC
# train_aug + COCO 2017 train + DAVIS-16 train + VSPW train (every 4th frame),
# drawn with the reference's weights; validation / test on PASCAL VOC val.
# Layouts and class conventions: docs/datasets.md.
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
    ann_file='annotations/instances_train2017.json',
    img_dir='train2017',
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.train_pipeline}})
davis_train = dict(
    type='DAVIS16InContextDataset',
    data_root='data/DAVIS',
    split_file='ImageSets/2016/train.txt',
    num_prompts={{_base_.num_prompts}},
    pipeline={{_base_.video_train_pipeline}})
# the paper maps VSPW's stuff categories to background; give their ids as
# stuff_classes=[...] to do the same (none are mapped here)
vspw_train = dict(
    type='VSPWInContextDataset',
    data_root='data/VSPW',
    split_file='train.txt',
    frame_step=4,
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
