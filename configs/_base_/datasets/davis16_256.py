# The icseg_256 training set (PASCAL VOC + COCO + DAVIS-16 train + VSPW),
# validated and tested on DAVIS-2016 val at 256 px, semi-supervised: every
# frame t >= 1 of each video is a query prompted by the video's first frame
# and its annotation, scored by J&F per video (VideoJF).
# mmengine refuses a key defined in two files of one _base_ list, so this
# file inherits icseg_256.py and replaces its evaluation sets; list it in
# place of icseg_256.py. Layout: docs/datasets.md.
_base_ = ['./icseg_256.py']
davis_test_pipeline = [
    dict(type='ResizeEpisode', scale=(256, 256), resize_gt=False),
    dict(type='PackInContextInputs'),
]
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='DAVIS16InContextDataset',
        data_root='data/DAVIS',
        split_file='ImageSets/2016/val.txt',
        test_mode=True,
        first_frame_prompt=True,
        num_prompts=1,
        pipeline=davis_test_pipeline))
test_evaluator = [dict(type='VideoJF')]
val_dataloader = test_dataloader
val_evaluator = test_evaluator
