# COCO-Stuff 164k (171 classes), val2017, short side 512.
# Layout: mmseg's (tools/dataset_converters/coco_stuff164k.py):
# data/coco_stuff164k/images/val2017/*.jpg,
# annotations/val2017/*_labelTrainIds.png.
_base_ = ['./semantic_test_512.py']
dataset_type = 'mmseg.COCOStuffDataset'
data_root = 'data/coco_stuff164k'
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='images/val2017', seg_map_path='annotations/val2017')))
# the vocabulary of open-vocabulary models: the classes as prompt text,
# in label order
class_names = [
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train',
    'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign',
    'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
    'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag',
    'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
    'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
    'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon',
    'bowl', 'banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot',
    'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote',
    'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink',
    'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
    'hair drier', 'toothbrush', 'banner', 'blanket', 'branch', 'bridge',
    'building', 'bush', 'cabinet', 'cage', 'cardboard', 'carpet', 'ceiling',
    'ceiling tile', 'cloth', 'clothes', 'clouds', 'counter', 'cupboard',
    'curtain', 'desk', 'dirt', 'door', 'fence', 'floor marble', 'floor',
    'floor stone', 'floor tile', 'floor wood', 'flower', 'fog', 'food',
    'fruit', 'furniture', 'grass', 'gravel', 'ground', 'hill', 'house',
    'leaves', 'light', 'mat', 'metal', 'mirror', 'moss', 'mountain', 'mud',
    'napkin', 'net', 'paper', 'pavement', 'pillow', 'plant', 'plastic',
    'platform', 'playingfield', 'railing', 'railroad', 'river', 'road', 'rock',
    'roof', 'rug', 'salad', 'sand', 'sea', 'shelf', 'sky', 'skyscraper',
    'snow', 'solid', 'stairs', 'stone', 'straw', 'structural', 'table', 'tent',
    'textile', 'towel', 'tree', 'vegetable', 'wall brick', 'wall concrete',
    'wall', 'wall panel', 'wall stone', 'wall tile', 'wall wood', 'water',
    'waterdrops', 'window blind', 'window', 'wood'
]
