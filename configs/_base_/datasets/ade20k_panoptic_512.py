# ADE20K (data/ade/ADEChallengeData2016 with the panoptic files of
# detectron2's converter): panoptic ids and the 150-class semantic labels,
# squashed to 512 x 512. Metrics: class-agnostic PQ and 150-class mIoU.
_base_ = ['./coco_panoptic_512.py']
dataset_type = 'ADE20KPanopticDataset'
data_root = 'data/ade/ADEChallengeData2016'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        ann_file='ade20k_panoptic_train.json',
        data_prefix=dict(img='images/training', seg='ade20k_panoptic_train',
                         sem_seg='annotations_detectron2/training'),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        ann_file='ade20k_panoptic_val.json',
        data_prefix=dict(img='images/validation', seg='ade20k_panoptic_val',
                         sem_seg='annotations_detectron2/validation'),
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='PanopticQuality', class_agnostic=True),
    dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'], ignore_index=255),
]
test_evaluator = val_evaluator
