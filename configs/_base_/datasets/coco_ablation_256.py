# The icseg_256 training set, validated and tested on COCO val2014 (as
# coco_256.py) the way the paper's ablations (Tables 4-7) are: COCO with fixed
# prompt-query pairs. 1000 episodes drawn once (seed 0) from every (val2014
# image, class) pair, each with 20 prompts in draw order, stored in
# episode_file; a K-shot config takes the first K, so every ablation row and
# every K scores the same queries, classes and prompts. Draw the file once
# (it depends only on the annotations):
#   python tools/dataset_converters/build_incontext_episodes.py \
#       configs/ldis/ldisn_sd15_1shot_160k_coco-ablation_256.py \
#       --split test --num-prompts 20
# Layout and class conventions: docs/datasets.md.
_base_ = ['./icseg_256.py']
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='COCOInContextDataset',
        data_root='data/coco',
        ann_file='annotations/instances_val2014.json',
        img_dir='val2014',
        test_mode=True,
        num_prompts={{_base_.num_prompts}},
        pipeline={{_base_.test_pipeline}},
        seed=0,
        episodes_per_image='all',
        num_episodes=1000,
        episode_file='data/coco/episodes/val2014_seed0_1000x20.json'))
val_dataloader = test_dataloader
