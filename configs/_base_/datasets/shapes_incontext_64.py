# Generated in-context episodes (no files needed): 64 px, 1 prompt.
dataset_type = 'ShapesInContextDataset'
img_size = 64
num_prompts = 1
pipeline = [dict(type='PackInContextInputs')]
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        split='train',
        num_episodes=50000,
        num_prompts=num_prompts,
        img_size=img_size,
        pipeline=pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        split='val',
        num_episodes=500,
        num_prompts=num_prompts,
        img_size=img_size,
        pipeline=pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='InContextIoU'),
    # the prompt-agnostic baseline on the same episodes: every object is
    # foreground, whatever the prompt shows
    dict(type='InContextIoU', pred_key='gt_objects', prefix='baseline'),
]
test_evaluator = val_evaluator
# the same episodes again with each prompt swapped for another class of the
# query: a model that follows its prompt scores far lower (swapped/mIoU)
test_cfg = dict(type='InContextTestLoop')
