# The test loader of the semantic segmentation benchmarks (mmseg layouts):
# the image resized to short side 512 (long side at most 2048), the ground
# truth kept at its original size, one image per batch, mIoU. The benchmark
# files inherit this one and name the dataset, its files and its classes
# (test_dataloader.dataset), and change the evaluator where they score
# otherwise.
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
    dataset=dict(pipeline=test_pipeline))
test_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'])
