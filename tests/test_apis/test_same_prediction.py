"""inference_incontext predicts what tools/test.py predicts for the same
episode: both go through the config's test pipeline (here resizing
queries of other sizes to at most 32 px) and model.test_step."""
import pickle

import numpy as np
import pytest
import torch

from _helpers.configs import write_tiny_ldis1_config
from _helpers.tools import run_tool_in_process
from diffseg.apis import inference_incontext, init_model
from diffseg.fileio import write_image, write_palette_png
from diffseg.registry import DATASETS

# PASCAL layout: stem -> (height, width, [(class, y0, y1, x0, x1)])
IMAGES = {
    'a': (45, 61, [(1, 5, 30, 4, 40), (15, 28, 44, 30, 60)]),
    'b': (52, 40, [(1, 10, 40, 5, 30)]),
    'c': (37, 50, [(15, 3, 30, 10, 45), (1, 30, 36, 2, 20)]),
}


@pytest.fixture(scope='module')
def voc_episodes(tmp_path_factory):
    """A PASCAL VOC tree of three images of other sizes than 32 x 32, a
    tiny LDIS-1 config testing on it and a checkpoint of that model."""
    root = tmp_path_factory.mktemp('voc')
    rng = np.random.default_rng(0)
    for stem, (h, w, blocks) in IMAGES.items():
        write_image(str(root / 'JPEGImages' / f'{stem}.jpg'),
                    rng.integers(0, 256, (h, w, 3), np.uint8))
        label = np.zeros((h, w), np.uint8)
        for cls, y0, y1, x0, x1 in blocks:
            label[y0:y1, x0:x1] = cls
        write_palette_png(
            str(root / 'SegmentationClassAug' / f'{stem}.png'), label)
    split = root / 'ImageSets' / 'Segmentation' / 'val.txt'
    split.parent.mkdir(parents=True)
    split.write_text('\n'.join(IMAGES) + '\n')
    dataset = dict(type='PascalVOCInContextDataset', data_root=str(root),
                   split_file='ImageSets/Segmentation/val.txt',
                   test_mode=True, episodes_per_image='all',
                   pipeline=[dict(type='ResizeEpisode', scale=(32, 32),
                                  resize_gt=False),
                             dict(type='PackInContextInputs')])
    config = write_tiny_ldis1_config(
        str(root / 'tiny_voc.py'),
        test_dataloader=dict(
            _delete_=True, batch_size=1, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dataset),
        test_evaluator=[dict(type='InContextIoU')],
        test_cfg=dict(type='TestLoop'))
    torch.manual_seed(0)
    model = init_model(config)
    checkpoint = str(root / 'tiny.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    return dict(config=config, checkpoint=checkpoint, dataset=dataset,
                root=root)


def test_api_predicts_what_the_test_tool_predicts(voc_episodes, tmp_path):
    out = tmp_path / 'preds.pkl'
    run_tool_in_process(
        'test.py', voc_episodes['config'], voc_episodes['checkpoint'],
        '--work-dir', tmp_path, '--out', out, '--cfg-options',
        f'experiment_name=same_prediction_{tmp_path.name}')
    with open(out, 'rb') as f:
        tested = pickle.load(f)
    episodes = DATASETS.build(dict(voc_episodes['dataset'], pipeline=[]))
    assert len(tested) == len(episodes) == 5
    model = init_model(voc_episodes['config'], voc_episodes['checkpoint'])
    for i, result in enumerate(tested):
        episode = episodes[i]
        assert result['img_path'] == episode['img_path']
        sample = inference_incontext(
            model, episode['img_path'],
            list(zip(episode['prompt_imgs'], episode['prompt_masks'])))
        # the model ran at the test pipeline's size, not the query's
        h, w = episode['img'].shape[:2]
        assert max(sample.img_shape) == 32 and sample.ori_shape == (h, w)
        assert sample.pred_sem_seg.shape == (h, w)
        torch.testing.assert_close(sample.seg_logits.data,
                                   result['seg_logits']['data'])
        assert torch.equal(sample.pred_sem_seg.data,
                           result['pred_sem_seg']['data'])
