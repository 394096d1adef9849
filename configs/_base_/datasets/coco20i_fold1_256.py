# COCO-20i 1-shot, fold 1: see coco20i_fold0_256.py.
_base_ = ['./coco20i_fold0_256.py']
fold = 1
train_dataloader = dict(dataset=dict(fold=fold))
val_dataloader = dict(dataset=dict(fold=fold))
test_dataloader = val_dataloader
