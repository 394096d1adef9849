# COCO-Stuff with the 27 coarse classes (171 classes merged into their
# supercategories by COCOStuff27Dataset), val2017, short side 512.
# Layout: mmseg's COCO-Stuff 164k files (see cocostuff171_512.py); to
# evaluate a curated subset (DiffSeg: 2,175 images) list its image names
# in ann_file.
dataset_type = 'COCOStuff27Dataset'
data_root = 'data/coco_stuff164k'
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 512), keep_ratio=True),
    # after Resize: the ground truth stays at the original size
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.PackSegInputs'),
]
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='images/val2017', seg_map_path='annotations/val2017'),
        pipeline=test_pipeline))
# segment ids of each image are matched to the classes per image (DiffSeg)
test_evaluator = dict(type='HungarianIoU', protocol='per_image')
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
# thing and stuff 'food' / 'furniture' share a word, as in the reference
class_names = [
    'electronic', 'appliance', 'food', 'furniture', 'indoor', 'kitchen',
    'accessory', 'animal', 'outdoor', 'person', 'sports', 'vehicle', 'ceiling',
    'floor', 'food', 'furniture', 'raw material', 'textile', 'wall', 'window',
    'building', 'ground', 'plant', 'sky', 'solid', 'structural', 'water'
]
