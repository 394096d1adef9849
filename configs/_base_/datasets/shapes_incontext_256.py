# Generated in-context episodes at 256 px: the data of the real-model configs
# until the benchmark datasets (PASCAL, COCO, DAVIS-16, VSPW) are configured.
_base_ = ['./shapes_incontext_64.py']
img_size = 256
train_dataloader = dict(batch_size=8, num_workers=4,
                        dataset=dict(img_size=img_size))
val_dataloader = dict(batch_size=1, num_workers=2,
                      dataset=dict(img_size=img_size))
test_dataloader = val_dataloader
