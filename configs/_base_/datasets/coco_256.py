# The icseg_256 training set (PASCAL VOC + COCO + DAVIS-16 train + VSPW),
# validated and tested on COCO val2014 (disjoint from train2014) at 256 px
# over all 80 classes: one fixed episode (query class and prompt drawn once,
# seed 0) per image.
# Layout and class conventions: docs/datasets.md.
_base_ = ['./icseg_256.py']
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_val2014.json',
        img_dir='val2014',
        test_mode=True,
        num_prompts={{_base_.num_prompts}},
        pipeline={{_base_.test_pipeline}}))
val_dataloader = test_dataloader
