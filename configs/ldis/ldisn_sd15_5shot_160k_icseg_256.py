# Tab. 4: the 1-shot LDIS-n checkpoint evaluated with K = 5 prompts, whose
# tokens are concatenated (each with its own post-mask).
# the ablation recipe: ldisn_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldisn_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
val_dataloader = dict(dataset=dict(num_prompts=5))
test_dataloader = val_dataloader
