"""Eq. 7: one single-class run per prompted category, fused per pixel."""
import copy

import pytest
import torch
from mmengine.dataset import pseudo_collate

from diffseg.datasets import VSPWInContextDataset
from diffseg.registry import MODELS
from _helpers.tiny_models import tiny_ldis1_cfg, tiny_ldisn_cfg
from _helpers.synthetic import STUFF, write_vspw_tree


@pytest.fixture(scope='module')
def vspw_batch(tmp_path_factory):
    """Frame 1 of v1 (first frame shows class 3) and of v2 (3 and 7)."""
    root = write_vspw_tree(str(tmp_path_factory.mktemp('vspw')),
                           split_file='val.txt')
    ds = VSPWInContextDataset(
        data_root=root, split_file='val.txt', frame_step=1,
        stuff_classes=(STUFF, ), test_mode=True, first_frame_prompt=True,
        pipeline=[dict(type='PackInContextInputs')])
    return pseudo_collate([ds[0], ds[5]])


def build(cfg):
    torch.manual_seed(0)
    return MODELS.build(cfg).eval()


def single_class_fg_prob(model, data, b, k):
    """p(fg) of sample ``b`` prompted by its prompt ``k`` alone, through the
    ordinary one-class path."""
    single = copy.deepcopy(data)
    single['inputs'] = [data['inputs'][b]]
    sample = single['data_samples'][b]
    sample.prompt_imgs = sample.prompt_imgs[k:k + 1]
    sample.prompt_masks = sample.prompt_masks[k:k + 1]
    sample.set_metainfo(dict(multi_category=False))
    single['data_samples'] = [sample]
    with torch.no_grad():
        out = model.test_step(single)[0]
    return out.seg_logits.data[0]  # (H, W)


def test_matches_eq7_over_single_class_runs(vspw_batch):
    model = build(tiny_ldis1_cfg())
    with torch.no_grad():
        samples = model.test_step(copy.deepcopy(vspw_batch))
    for b, sample in enumerate(samples):
        ids = vspw_batch['data_samples'][b].metainfo['prompt_cls_ids']
        d = torch.stack([
            torch.logit(single_class_fg_prob(model, vspw_batch, b, k).double())
            for k in range(len(ids))])  # (C, H, W) fg logits
        expected = torch.softmax(torch.cat([torch.zeros_like(d[:1]), d]), 0)
        prob = sample.seg_logits.data
        assert prob.shape == (len(ids) + 1, 12, 16)
        torch.testing.assert_close(prob.double(), expected, atol=1e-4,
                                   rtol=0)
        labels = torch.tensor([0] + ids)[expected.argmax(0)]
        # background unless some class's fg logit is positive
        assert torch.equal(labels == 0, (d <= 0).all(0))
        margin = expected.topk(2, dim=0).values
        clear = (margin[0] - margin[1]) > 1e-3
        assert torch.equal(sample.pred_sem_seg.data[0][clear], labels[clear])


def test_query_encoded_once_and_prompts_cached_per_video(vspw_batch):
    model = build(tiny_ldis1_cfg())
    calls = {'vae': 0, 'prompt': 0}
    model.autoencoder.vae.encoder.register_forward_hook(
        lambda *a: calls.__setitem__('vae', calls['vae'] + 1))
    model.prompt_encoder.register_forward_hook(
        lambda *a: calls.__setitem__('prompt', calls['prompt'] + 1))
    one_video = copy.deepcopy(vspw_batch)
    one_video['inputs'] = one_video['inputs'][1:]
    one_video['data_samples'] = one_video['data_samples'][1:]
    with torch.no_grad():
        first = model.test_step(copy.deepcopy(one_video))[0]
        again = model.test_step(copy.deepcopy(one_video))[0]
    # two classes, one query: one VAE encode a frame, one prompt encode
    assert calls == {'vae': 2, 'prompt': 1}
    assert torch.equal(first.pred_sem_seg.data, again.pred_sem_seg.data)


def test_multi_step_model_and_errors(vspw_batch):
    model = build(tiny_ldisn_cfg())
    with torch.no_grad():
        samples = model.test_step(copy.deepcopy(vspw_batch))
    for b, sample in enumerate(samples):
        ids = vspw_batch['data_samples'][b].metainfo['prompt_cls_ids']
        assert set(sample.pred_sem_seg.data.unique().tolist()) <= {0, *ids}
        torch.testing.assert_close(sample.seg_logits.data.sum(0),
                                   torch.ones(12, 16))
    mixed = copy.deepcopy(vspw_batch)
    mixed['data_samples'][0].set_metainfo(dict(multi_category=False))
    with pytest.raises(ValueError, match='mixes multi-category'):
        model.test_step(mixed)
    wrong = copy.deepcopy(vspw_batch)
    wrong['data_samples'][1].set_metainfo(dict(prompt_cls_ids=[3]))
    with pytest.raises(ValueError, match='2 prompts but 1 prompt_cls_ids'):
        model.test_step(wrong)
