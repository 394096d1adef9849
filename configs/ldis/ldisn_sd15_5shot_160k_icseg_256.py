# Tab. 4: the 1-shot LDIS-n checkpoint evaluated with K = 5 prompts, whose
# tokens are concatenated (each with its own post-mask).
_base_ = ['./ldisn_sd15_1shot_160k_coco-ablation_256.py']
val_dataloader = dict(dataset=dict(num_prompts=5))
test_dataloader = val_dataloader
