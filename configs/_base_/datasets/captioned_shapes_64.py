# Generated captioned shapes images (no files needed): 64 px, 1-4 objects of
# all nine classes, captions naming the visible classes and 'background'.
dataset_type = 'CaptionedShapesDataset'
# the label ids of the maps: 0 = background, c + 1 = shape class c
class_names = [
    'background', 'red circle', 'yellow square', 'green triangle',
    'cyan ring', 'blue cross', 'magenta ellipse', 'orange diamond',
    'teal hexagon', 'violet star'
]
meta_keys = ('img_path', 'ori_shape', 'img_shape', 'flip', 'flip_direction',
             'caption')
train_pipeline = [
    dict(type='mmseg.RandomFlip', prob=0.5),
    dict(type='mmseg.PackSegInputs', meta_keys=meta_keys),
]
test_pipeline = [dict(type='mmseg.PackSegInputs', meta_keys=meta_keys)]
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        split='train',
        num_images=200000,
        img_size=64,
        pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        split='val',
        num_images=200,
        img_size=64,
        pipeline=test_pipeline))
