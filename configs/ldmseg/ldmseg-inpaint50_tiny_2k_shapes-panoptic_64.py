# Mask inpainting scored by tools/test.py: the tiny LDMSeg is given 50 % of
# each val image's ground-truth segments (SampleKnownSegments, seeded by the
# image) and generates the rest; PQ over the whole image. Test only, with the
# checkpoint of ldmseg_tiny_2k_shapes-panoptic_64.py:
#   python tools/test.py THIS_CONFIG work_dirs/ldmseg/iter_2000.pth
_base_ = ['./ldmseg_tiny_2k_shapes-panoptic_64.py']
test_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadPanopticAnnotations', depth_scale=10000.0),
        dict(type='SampleKnownSegments', fraction=0.5, seed=0),
        dict(type='ResizePanoptic', scale=(64, 64), resize_gt=False),
        dict(type='PackPanopticInputs'),
    ]))
