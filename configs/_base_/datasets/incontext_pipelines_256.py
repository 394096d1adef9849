# The in-context episode pipelines at 256 px, shared by the dataset configs.
num_prompts = 1
# the reference's episode augmentation, drawn independently for the query
# and each prompt: resize the short side to 256 x [0.9, 1.1], crop 256 (at
# most 75% of one label), flip, photometric jitter, pad to 256 x 256
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
