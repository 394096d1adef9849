# COCO-Stuff with the 27 coarse classes (171 classes merged into their
# supercategories by COCOStuff27Dataset), val2017, short side 512.
# Layout: mmseg's COCO-Stuff 164k files (see cocostuff171_512.py); to
# evaluate a curated subset (DiffSeg: 2,175 images) list its image names
# in ann_file.
_base_ = ['./semantic_test_512.py']
dataset_type = 'COCOStuff27Dataset'
data_root = 'data/coco_stuff164k'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='images/val2017', seg_map_path='annotations/val2017')))
# segment ids of each image are matched to the classes per image (DiffSeg)
test_evaluator = dict(
    _delete_=True, type='HungarianIoU', protocol='per_image')
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
# thing and stuff 'food' / 'furniture' share a word, as in the reference
class_names = [
    'electronic', 'appliance', 'food', 'furniture', 'indoor', 'kitchen',
    'accessory', 'animal', 'outdoor', 'person', 'sports', 'vehicle', 'ceiling',
    'floor', 'food', 'furniture', 'raw material', 'textile', 'wall', 'window',
    'building', 'ground', 'plant', 'sky', 'solid', 'structural', 'water'
]
