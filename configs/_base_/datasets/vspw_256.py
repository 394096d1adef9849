# The icseg_256 training set (PASCAL VOC + COCO + DAVIS-16 train + VSPW),
# validated and tested on VSPW val at 256 px: every frame t >= 1 of each video
# is a query prompted by the video's first frame, once per class shown there;
# each pixel takes the class of highest probability (Eq. 7) and frames are
# scored by mIoU and fwIoU over the object classes, overall and per video.
# As in the paper, 58 categories (the same as in training: one subset_seed)
# and 100 val videos; their lists are not published, so they are drawn
# (set class_file=... to give the categories). Layout: docs/datasets.md.
_base_ = ['./icseg_256.py']
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VSPWInContextDataset',
        data_root='data/VSPW',
        split_file='val.txt',
        frame_step=1,
        num_classes=58,
        num_videos=100,
        subset_seed=0,
        test_mode=True,
        first_frame_prompt=True,
        num_prompts=1,
        pipeline={{_base_.test_pipeline}}))
# class 0 ('others' and stuff) is left out of the means
test_evaluator = [
    dict(type='VSPWIoU', num_classes=125, include_background=False)
]
val_dataloader = test_dataloader
val_evaluator = test_evaluator
