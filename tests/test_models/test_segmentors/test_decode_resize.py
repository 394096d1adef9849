"""Decoding at the original size: the fg logit d = M[1] - M[0] is resized
(bilinear), then thresholded; Eq. 7 fuses the resized per-class logits.
Checked against cv2's bilinear resize of d computed by hand."""
import cv2
import numpy as np
import torch

from diffseg.registry import MODELS
from diffseg.structures import InContextDataSample
from _helpers.tiny_models import tiny_ldis1_cfg

PAD, IMG, ORI = (24, 32), (24, 30), (50, 70)  # padded, query, original


def pseudo_masks(n: int, seed: int) -> torch.Tensor:
    """(n, 3, 24, 32) decoded pseudo masks: channels 0 and 1 uniform in
    [-3, 3] on 3 x 3 blocks, so neighbouring logits differ in magnitude and
    sigmoid is far from linear between them."""
    g = torch.Generator().manual_seed(seed)
    blocks = torch.rand(n, 2, 8, 11, generator=g) * 6 - 3
    pseudo = blocks.repeat_interleave(3, 2).repeat_interleave(3, 3)
    pseudo = pseudo[:, :, :PAD[0], :PAD[1]]
    return torch.cat([pseudo, torch.zeros(n, 1, *PAD)], 1)


def resized_logit(pseudo: torch.Tensor) -> np.ndarray:
    """d of one pseudo mask (3, Hp, Wp), cropped to the query and resized
    to the original size by cv2 (bilinear, half-pixel centres)."""
    d = (pseudo[1] - pseudo[0])[:IMG[0], :IMG[1]].numpy()
    return cv2.resize(d, ORI[::-1], interpolation=cv2.INTER_LINEAR)


def sample(**meta) -> InContextDataSample:
    s = InContextDataSample()
    s.set_metainfo(dict(img_shape=IMG, ori_shape=ORI, **meta))
    return s


def build():
    torch.manual_seed(0)
    return MODELS.build(tiny_ldis1_cfg()).eval()


def test_fg_prediction_resizes_the_logit():
    model = build()
    pseudo = pseudo_masks(2, seed=0)
    model.autoencoder.decode = lambda latent: pseudo
    inputs = dict(query=torch.zeros(2, 3, *PAD))
    samples = model.latent_to_samples(None, inputs, [sample(), sample()])
    for i, s in enumerate(samples):
        d = resized_logit(pseudo[i])
        clear = np.abs(d) > 1e-4
        pred = s.pred_sem_seg.data[0].numpy()
        assert pred.shape == ORI
        np.testing.assert_array_equal(pred[clear], (d > 0)[clear])
        np.testing.assert_allclose(s.seg_logits.data[0].numpy(),
                                   1 / (1 + np.exp(-d)), atol=1e-5)
        # resizing sigmoid(d) instead moves the boundary on these masks
        p = torch.sigmoid(pseudo[i, 1] - pseudo[i, 0])[:IMG[0], :IMG[1]]
        p = cv2.resize(p.numpy(), ORI[::-1], interpolation=cv2.INTER_LINEAR)
        assert ((p > 0.5) != (d > 0))[clear].any()


def test_multi_category_fusion_resizes_the_logits():
    model = build()
    pseudo = pseudo_masks(2, seed=1)  # one run per class: 3 and 7
    model.predict_latent = lambda inputs, data_samples=None: None
    model.autoencoder.decode = lambda latent: pseudo
    prompts = torch.zeros(1, 2, 4, 32, 32)
    inputs = dict(query=torch.zeros(1, 3, *PAD), prompts=prompts)
    (s, ) = model.predict(inputs, [sample(multi_category=True,
                                          prompt_cls_ids=[3, 7])])
    d = np.stack([resized_logit(p) for p in pseudo])  # (2, H, W)
    scores = np.concatenate([np.zeros((1, ) + ORI), d])
    expected = np.array([0, 3, 7])[scores.argmax(0)]
    top2 = np.sort(scores, 0)[-2:]
    clear = (top2[1] - top2[0]) > 1e-4
    pred = s.pred_sem_seg.data[0].numpy()
    assert pred.shape == ORI
    np.testing.assert_array_equal(pred[clear], expected[clear])
    softmax = np.exp(scores) / np.exp(scores).sum(0)
    np.testing.assert_allclose(s.seg_logits.data.numpy(), softmax, atol=1e-5)
