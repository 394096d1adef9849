import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from diffseg.apis import inference_open_vocab, init_model
from diffseg.models.heads import SpectralClusteringHead
from _helpers.paths import REPO_ROOT
from _helpers.synthetic import write_semantic_tree

CONFIG = (f'{REPO_ROOT}/configs/maskdiffusion/'
          'maskdiffusion_tiny_synthetic_64.py')


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return init_model(CONFIG)


@pytest.fixture(scope='module')
def image_path(tmp_path_factory):
    root = write_semantic_tree(str(tmp_path_factory.mktemp('sem')), 2)
    return f'{root}/images/0001.png'  # 64 x 72


def test_class_names(model, image_path):
    sample = inference_open_vocab(model, image_path, ['sky', 'red square'])
    assert sample.metainfo['label_names'] == ['sky', 'red square']
    assert sample.pred_sem_seg.data.shape == (1, 64, 72)
    assert sample.seg_logits.data.shape == (2, 64, 72)
    # the config's test pipeline resized it to 64 x 57 for the model
    assert tuple(sample.metainfo['img_shape']) == (57, 64)


def test_default_vocabulary_and_arrays(model, image_path):
    rgb = cv2.imread(image_path)[..., ::-1].copy()
    sample = inference_open_vocab(model, rgb)
    assert sample.metainfo['label_names'] == Config.fromfile(
        CONFIG).model.class_names
    same = inference_open_vocab(model, image_path)
    assert torch.equal(sample.pred_sem_seg.data, same.pred_sem_seg.data)


def test_number_of_segments(model, image_path):
    sample = inference_open_vocab(model, image_path, num_segments=3)
    count = sample.seg_logits.data.shape[0]
    assert count <= 3
    assert sample.metainfo['label_names'] == [
        f'segment {i + 1}' for i in range(count)]
    labels = np.unique(sample.pred_sem_seg.data.numpy())
    assert set(labels.tolist()) <= set(range(count))
    # the model's own head is untouched
    assert not isinstance(model.head, SpectralClusteringHead)


def test_bad_requests(model, image_path):
    with pytest.raises(ValueError, match='not both'):
        inference_open_vocab(model, image_path, ['sky'], 2)
    with pytest.raises(ValueError, match='num_segments is 0'):
        inference_open_vocab(model, image_path, num_segments=0)
    with pytest.raises(FileNotFoundError, match='nowhere.png'):
        inference_open_vocab(model, 'nowhere.png', ['sky'])


def test_requests_travel_in_the_metainfo(model, image_path):
    """The model reads the request from each sample's metainfo; one batch
    holds one request."""
    from mmengine.dataset import pseudo_collate

    from diffseg.apis.open_vocab import DEFAULT_PIPELINE
    from diffseg.apis.prepare import image_results, prepare_one
    results = image_results(image_path, 'image', bgr=True)
    segments = prepare_one(model, dict(results), DEFAULT_PIPELINE,
                           num_segments=2)
    assert segments['data_samples'].metainfo['num_segments'] == 2
    with torch.no_grad():
        (sample, ) = model.test_step(pseudo_collate([segments]))
    assert sample.seg_logits.data.shape[0] <= 2
    same = inference_open_vocab(model, image_path, num_segments=2)
    assert torch.equal(sample.pred_sem_seg.data, same.pred_sem_seg.data)
    classes = prepare_one(model, dict(results), DEFAULT_PIPELINE,
                          class_names=['sky'])
    with pytest.raises(ValueError, match='different class_names'):
        model.test_step(pseudo_collate([segments, classes]))
