import numpy as np
import pytest
import torch
from mmseg.structures import SegDataSample

from diffseg.registry import MODELS


def test_kmeans_on_colours_separates_two_colour_regions():
    model = MODELS.build(dict(type='PixelClustering',
                              head=dict(type='KMeansHead', num_segments=2),
                              stride=2))
    img = np.zeros((3, 16, 20), np.uint8)
    img[0, :, :8] = 255  # a blue (BGR) left part, a black right part
    sample = SegDataSample(metainfo=dict(img_shape=(16, 20),
                                         ori_shape=(16, 20)))
    data = model.data_preprocessor(dict(inputs=[torch.from_numpy(img)],
                                        data_samples=[sample]), False)
    out = model.test_step(dict(inputs=[torch.from_numpy(img)],
                               data_samples=[sample]))[0]
    labels = out.pred_sem_seg.data[0]
    assert labels.shape == (16, 20)
    assert len(labels[:, :8].unique()) == 1 and len(labels[:, 8:].unique()) == 1
    assert labels[0, 0] != labels[0, -1]
    # the features are the colours averaged over stride x stride cells
    feats = model.features(data['inputs'])
    assert feats.shape == (1, 3, 8, 10)
    assert torch.allclose(feats[0, :, 0, 0], torch.tensor([-1., -1., 1.]))


def test_pixel_clustering_refuses_attention_heads_and_training():
    with pytest.raises(ValueError, match='attention'):
        MODELS.build(dict(type='PixelClustering',
                          head=dict(type='MaskDiffusionHead')))
    model = MODELS.build(dict(type='PixelClustering',
                              head=dict(type='KMeansHead')))
    with pytest.raises(NotImplementedError, match='nothing to train'):
        model.loss(None, None)
