"""Prompt tokens reused across batches that share a ``prompt_key``."""
import copy

import torch

from diffseg.registry import MODELS
from _helpers.tiny_models import tiny_episode_batch, tiny_ldis1_cfg


class EncoderCalls:
    """Count the prompt encoder's forward calls."""

    def __init__(self, model):
        self.n = 0
        model.prompt_encoder.register_forward_hook(self.hook)

    def hook(self, module, args, output):
        self.n += 1


def build():
    torch.manual_seed(0)
    return MODELS.build(tiny_ldis1_cfg()).eval()


def keyed(data, key, query_shift=0.0):
    """A copy of ``data`` whose samples share ``prompt_key`` = ``key``;
    ``query_shift`` changes the queries only (the same prompts)."""
    data = dict(inputs=dict(data['inputs']),
                data_samples=copy.deepcopy(data['data_samples']))
    data['inputs']['query'] = data['inputs']['query'] + query_shift
    for sample in data['data_samples']:
        sample.set_metainfo(dict(prompt_key=key))
    return data


def predict(model, data):
    with torch.no_grad():
        latent = model.predict_latent(data['inputs'], data['data_samples'])
        samples = model(**copy.deepcopy(data), mode='predict')
    return latent, torch.stack([s.pred_sem_seg.data for s in samples])


def test_same_key_encodes_once_and_matches_uncached():
    model = build()
    base = tiny_episode_batch(model, 2, training=False)
    batches = [keyed(base, 'video_a/00000.jpg', shift)
               for shift in (0.0, 0.1)]
    # without keys: no caching, one encoder call per prediction
    plain = EncoderCalls(model)
    unkeyed = [dict(inputs=b['inputs'],
                    data_samples=copy.deepcopy(base['data_samples']))
               for b in batches]
    expected = [predict(model, b) for b in unkeyed]
    assert plain.n == 4  # predict_latent + predict, per batch
    cached = build()
    calls = EncoderCalls(cached)
    with torch.no_grad():
        latents = [cached.predict_latent(b['inputs'], b['data_samples'])
                   for b in batches]
    assert calls.n == 1
    for latent, (want, _) in zip(latents, expected):
        torch.testing.assert_close(latent, want)
    # predict mode goes through the cache as well
    outs = [predict(cached, b) for b in batches]
    assert calls.n == 1
    for (latent, pred), (want_latent, want_pred) in zip(outs, expected):
        torch.testing.assert_close(latent, want_latent)
        assert torch.equal(pred, want_pred)


def test_key_change_and_mixed_keys_reencode():
    model = build()
    base = tiny_episode_batch(model, 2, training=False)
    calls = EncoderCalls(model)
    with torch.no_grad():
        model.predict_latent(**_args(keyed(base, 'a')))
        model.predict_latent(**_args(keyed(base, 'b')))
        assert calls.n == 2
        model.predict_latent(**_args(keyed(base, 'b')))
        assert calls.n == 2
        mixed = keyed(base, 'b')
        mixed['data_samples'][1].set_metainfo(dict(prompt_key='c'))
        model.predict_latent(**_args(mixed))
        model.predict_latent(**_args(mixed))
        assert calls.n == 4
        # no samples (tensor mode) never caches
        model(base['inputs'], mode='tensor')
        model(base['inputs'], mode='tensor')
        assert calls.n == 6
        # a different batch size re-encodes
        single = keyed(tiny_episode_batch(model, 1, training=False), 'b')
        model.predict_latent(**_args(keyed(base, 'b')))
        model.predict_latent(**_args(single))
        assert calls.n == 8
        # the same key on other prompts (here: another mask) re-encodes
        other = keyed(base, 'b')
        other['inputs']['prompts'] = other['inputs']['prompts'].clone()
        other['inputs']['prompts'][:, :, 3] = 1 - other['inputs']['prompts'][
            :, :, 3]
        model.predict_latent(**_args(keyed(base, 'b')))
        model.predict_latent(**_args(other))
        assert calls.n == 10


def _args(data):
    return dict(inputs=data['inputs'], data_samples=data['data_samples'])


def test_training_never_caches():
    model = build()
    base = tiny_episode_batch(model, 2, training=False)
    calls = EncoderCalls(model)
    with torch.no_grad():
        model.predict_latent(**_args(keyed(base, 'a')))
    assert model._prompt_cache is not None
    model.train()
    assert model._prompt_cache is None
    model.predict_latent(**_args(keyed(base, 'a')))
    model.predict_latent(**_args(keyed(base, 'a')))
    assert calls.n == 3 and model._prompt_cache is None
    model.eval()
    with torch.no_grad():
        model.predict_latent(**_args(keyed(base, 'a')))
    assert calls.n == 4  # the cache was cleared by training
