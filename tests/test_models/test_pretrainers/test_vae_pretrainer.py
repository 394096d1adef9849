import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from diffseg.datasets import ShapesInContextDataset
from diffseg.models.autoencoders import SDVAE
from diffseg.models.pretrainers import VAEPretrainer, update_latent_std
from diffseg.registry import MODELS
from _helpers.tiny_models import TINY_VAE


def images(b=2, size=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(b, 3, size, size, generator=g) * 2 - 1


def shapes_batch(pre, n=2):
    ds = ShapesInContextDataset(num_episodes=n, img_size=32,
                                pipeline=[dict(type='PackInContextInputs')])
    return pre(pseudo_collate([ds[i] for i in range(n)]), True)


def pretrainer():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='VAEPretrainer', autoencoder=dict(type='SDVAE', config=TINY_VAE),
        data_preprocessor=dict(type='InContextDataPreProcessor',
                               size_divisor=8)))


def test_pretrainer_loss_keys_and_values():
    model = pretrainer()
    assert isinstance(model, VAEPretrainer)
    assert all(p.requires_grad for p in model.autoencoder.parameters())
    data = shapes_batch(model.data_preprocessor)
    torch.manual_seed(3)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_image', 'loss_mask', 'loss_kl'}
    for v in losses.values():
        assert v.dim() == 0 and torch.isfinite(v)
    assert losses['loss_image'] > 0 and losses['loss_mask'] > 0
    # loss_image is the MSE of the reconstruction, recomputed by hand with
    # the same posterior sample
    query = data['inputs']['query']
    gt = torch.stack([s.gt_sem_seg.data for s in data['data_samples']])
    pseudo = model.mask_codec.encode(gt, query)
    torch.manual_seed(3)
    post = model.autoencoder.vae.encode(torch.cat([query, pseudo])).latent_dist
    rec = model.autoencoder.vae.decode(post.sample()).sample
    torch.testing.assert_close(losses['loss_image'],
                               ((rec[:2] - query) ** 2).mean())
    torch.testing.assert_close(losses['loss_mask'],
                               ((rec[2:] - pseudo) ** 2).mean())
    torch.testing.assert_close(losses['loss_kl'], 1e-6 * post.kl().mean())


def test_pretrainer_predict_and_bad_mode():
    model = pretrainer().eval()
    data = shapes_batch(model.data_preprocessor, n=1)
    with torch.no_grad():
        (sample, ) = model(**data, mode='predict')
    assert sample.pred_sem_seg.data.shape == (1, 32, 32)
    assert set(sample.pred_sem_seg.data.unique().tolist()) <= {0, 1}
    with pytest.raises(ValueError, match='unknown'):
        model(**data, mode='nope')


def test_pretrainer_steps_reduce_loss():
    model = pretrainer()
    data = shapes_batch(model.data_preprocessor, n=1)
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=5e-3))

    def total():
        torch.manual_seed(0)
        return sum(model(**data, mode='loss').values())

    with torch.no_grad():
        before = total().item()
    for _ in range(3):
        optim.update_params(total())
    with torch.no_grad():
        after = total().item()
    assert after < 0.8 * before, (before, after)


def test_pretrainer_save_pretrained_round_trip(tmp_path):
    model = pretrainer()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)  # differ from any fresh init
    path = model.save_pretrained(str(tmp_path))
    assert path == str(tmp_path / 'vae')
    assert (tmp_path / 'vae' / 'config.json').is_file()
    loaded = SDVAE(pretrained=str(tmp_path))
    ref = model.autoencoder.vae.state_dict()
    got = loaded.vae.state_dict()
    assert ref.keys() == got.keys()
    for k in ref:
        assert torch.equal(ref[k], got[k]), k
    x = images(seed=5)
    model.autoencoder.eval()
    model.autoencoder.sample_posterior = False
    with torch.no_grad():
        torch.testing.assert_close(loaded.encode(x),
                                   model.autoencoder.encode(x))


def test_exported_scaling_factor_gives_unit_latents(tmp_path):
    """save_pretrained sets scaling_factor = 1 / std of the training latents."""
    torch.manual_seed(0)
    model = MODELS.build(dict(type='VAEPretrainer',
                              autoencoder=dict(type='SDVAE', config=TINY_VAE),
                              std_momentum=0.5))
    assert model.latent_std == 0
    batches = [torch.randn(4, 4, 8, 8) * s for s in (2.0, 4.0)]
    for b in batches:
        update_latent_std(model.latent_std, b, model.std_momentum)
    expected = 0.5 * batches[0].std() + 0.5 * batches[1].std()
    torch.testing.assert_close(model.latent_std, expected)
    path = model.save_pretrained(str(tmp_path))
    loaded = SDVAE(pretrained=str(tmp_path))
    assert path.endswith('vae')
    assert loaded.scaling_factor == pytest.approx(1 / expected.item(),
                                                  rel=1e-6)
