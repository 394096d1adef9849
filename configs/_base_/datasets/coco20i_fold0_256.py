# COCO-20i 1-shot, fold 0, at 256 px: train episodes on the 60 classes outside
# the fold, test episodes on the fold's 20 classes (class c is in fold
# (c - 1) % 4), on COCO train2014 / val2014 as the usual protocol. As there,
# the test is 1000 fixed episodes, drawn once (seed 0) from every (val2014
# image, fold class) pair.
# Layout and class conventions: docs/datasets.md.
_base_ = ['./incontext_pipelines_256.py']
fold = 0
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_train2014.json',
        img_dir='train2014',
        fold=fold,
        fold_mode='train',
        num_prompts={{_base_.num_prompts}},
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_val2014.json',
        img_dir='val2014',
        fold=fold,
        fold_mode='test',
        test_mode=True,
        episodes_per_image='all',
        num_episodes=1000,
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
