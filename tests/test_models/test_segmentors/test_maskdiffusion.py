import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.structures import SegDataSample

from diffseg.models.heads import KMeansHead, MaskDiffusionHead
from diffseg.models.segmentors.maskdiffusion import (prompt_name,
                                                     scores_to_original)
from diffseg.registry import MODELS
from _helpers.paths import REPO_ROOT
from _helpers.tiny_models import tiny_maskdiffusion_cfg
from _helpers.synthetic import SEMANTIC_CLASSES, write_semantic_tree

NAMES = ['sky', 'grass', 'traffic light']


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(tiny_maskdiffusion_cfg(class_names=NAMES)).eval()


def samples(n, img_shape, ori_shape):
    return [SegDataSample(metainfo=dict(img_shape=img_shape,
                                        ori_shape=ori_shape))
            for _ in range(n)]


def test_predictions_at_the_original_size(model):
    x = torch.rand(2, 3, 32, 40) * 2 - 1
    out = model.predict(x, samples(2, (30, 40), (60, 80)))
    for sample in out:
        assert sample.seg_logits.data.shape == (3, 60, 80)
        pred = sample.pred_sem_seg.data
        assert pred.shape == (1, 60, 80)
        assert torch.equal(pred[0], sample.seg_logits.data.argmax(0))
    # the batch is segmented image by image
    alone = model.predict(x[1:], samples(1, (30, 40), (60, 80)))[0]
    assert torch.allclose(alone.seg_logits.data, out[1].seg_logits.data,
                          atol=1e-5)


def test_scores_reach_the_original_size_by_bilinear_sampling():
    scores = torch.rand(4, 5, 6)
    full = F.interpolate(scores[None], (20, 24), mode='bilinear',
                         align_corners=False)[0]
    # no padding, no resize: bilinear upsampling to the input size
    same = samples(1, (20, 24), (20, 24))[0]
    assert torch.allclose(scores_to_original(scores, (20, 24), same), full,
                          atol=1e-5)
    # padding: the same, cropped to img_shape
    padded = samples(1, (16, 20), (16, 20))[0]
    assert torch.allclose(scores_to_original(scores, (20, 24), padded),
                          full[:, :16, :20], atol=1e-5)
    flipped = samples(1, (20, 24), (20, 24))[0]
    flipped.set_metainfo(dict(flip=True, flip_direction='horizontal'))
    assert torch.allclose(scores_to_original(scores, (20, 24), flipped),
                          full.flip(-1), atol=1e-5)


def test_heads_and_vocabularies_per_call(model):
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    sample = model.segment(x, samples(1, (32, 32), (32, 32)),
                           class_names=['cat', 'dog'])[0]
    assert sample.seg_logits.data.shape[0] == 2
    sample = model.segment(x, samples(1, (32, 32), (32, 32)),
                           head=KMeansHead(num_segments=4))[0]
    assert sample.seg_logits.data.shape[0] <= 4
    assert set(sample.pred_sem_seg.data.unique().tolist()) <= {0, 1, 2, 3}
    # the vocabulary's text is encoded once
    assert model.encode_text(['cat', 'dog']) is model.encode_text(
        ['cat', 'dog'])


def test_vocabulary_comes_from_the_dataset_when_not_configured():
    model = MODELS.build(tiny_maskdiffusion_cfg())
    with pytest.raises(ValueError, match='no vocabulary'):
        model.vocabulary()
    model.dataset_meta = dict(classes=('building-other', 'low_vegetation'))
    assert model.vocabulary() == ['building other', 'low vegetation']
    assert prompt_name(' traffic-light ') == 'traffic light'


def test_training_free(model):
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(NotImplementedError, match='training-free'):
        model.loss(None, None)
    assert isinstance(model.head, MaskDiffusionHead)


def test_runner_evaluates_the_tiny_config_on_an_mmseg_dataset(tmp_path):
    """tools/test.py's path in process: an mmseg BaseSegDataset read from
    disk, mmseg's preprocessor and IoUMetric."""
    root = write_semantic_tree(str(tmp_path / 'data'), num_images=2)
    cfg = Config.fromfile(f'{REPO_ROOT}/configs/maskdiffusion/'
                          'maskdiffusion_tiny_synthetic_64.py')
    cfg.test_dataloader.dataset.data_root = root
    cfg.work_dir = str(tmp_path / 'work')
    cfg.log_level = 'WARNING'
    assert cfg.model.class_names == list(SEMANTIC_CLASSES)
    metrics = Runner.from_cfg(cfg).test()
    assert {'aAcc', 'mIoU', 'mAcc'} <= set(metrics)
    assert 0 <= metrics['mIoU'] <= 100
