import pytest
import torch
import torch.nn.functional as F

from diffseg.models.pretrainers.mask_ae_losses import (
    dice_loss, mask_autoencoder_losses, uncertain_points)


def _ce_by_hand(logits, ids):
    total, count = 0.0, 0
    for b in range(ids.shape[0]):
        for y in range(ids.shape[1]):
            for x in range(ids.shape[2]):
                k = int(ids[b, y, x])
                if k == 0:
                    continue
                logp = logits[b, :, y, x].log_softmax(0)
                total -= float(logp[k])
                count += 1
    return total / count


def test_dense_losses_against_a_hand_computation():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 6, 6)
    ids = torch.zeros(2, 6, 6, dtype=torch.long)
    ids[0, :3] = 2
    ids[0, 3:, :2] = 4
    ids[1, 1:5, 1:5] = 1  # rest void
    losses = mask_autoencoder_losses(logits, ids)
    assert losses['loss_ce'].item() == pytest.approx(_ce_by_hand(logits, ids),
                                                     rel=1e-5)
    bce, dice = [], []
    for b, segs in ((0, (2, 4)), (1, (1, ))):
        for s in segs:
            target = (ids[b] == s).float().flatten()
            logit = logits[b, s].flatten()
            p = logit.sigmoid()
            bce.append(float(-(target * p.log() +
                               (1 - target) * (1 - p).log()).mean()))
            dice.append(1 - (2 * float((p * target).sum()) + 1) /
                        (float(p.sum() + target.sum()) + 1))
    assert losses['loss_mask_bce'].item() == pytest.approx(
        sum(bce) / 3, rel=1e-5)
    assert losses['loss_mask_dice'].item() == pytest.approx(
        sum(dice) / 3, rel=1e-5)
    # a perfect prediction has (nearly) zero ce and bce
    perfect = F.one_hot(ids, 5).permute(0, 3, 1, 2).float() * 40 - 20
    good = mask_autoencoder_losses(perfect, ids)
    assert good['loss_ce'] < 1e-6 and good['loss_mask_bce'] < 1e-6


def test_all_void_batch_gives_zero_losses():
    logits = torch.randn(1, 4, 4, 4, requires_grad=True)
    losses = mask_autoencoder_losses(logits, torch.zeros(1, 4, 4).long())
    assert all(v.item() == 0 for v in losses.values())
    sum(losses.values()).backward()  # still differentiable


def test_point_losses_sample_uncertain_points():
    torch.manual_seed(0)
    logits = torch.full((1, 1, 16, 16), 10.0)
    logits[..., :, 8:] = 0.0  # uncertain right half
    points = uncertain_points(logits, lambda s: -s[:, 0].abs(), 100,
                              oversample_ratio=3, importance_ratio=0.75)
    assert points.shape == (1, 100, 2)
    # the 75 important points are all in the uncertain half (x >= 0.5)
    assert (points[0, :75, 0] >= 0.5 - 1 / 16).all()
    ids = torch.zeros(1, 16, 16, dtype=torch.long)
    ids[0, 4:12, 4:12] = 3
    perfect = F.one_hot(ids, 4).permute(0, 3, 1, 2).float() * 40 - 20
    perfect.requires_grad_(True)
    losses = mask_autoencoder_losses(perfect, ids, num_points=64)
    # only points on the blurred (bilinear) boundary cost anything
    assert losses['loss_ce'] < 0.05 and losses['loss_mask_bce'] < 0.05
    wrong = mask_autoencoder_losses(-perfect, ids, num_points=64)
    assert wrong['loss_ce'] > 10 and wrong['loss_mask_dice'] > 0.9
    sum(losses.values()).backward()
    assert perfect.grad is not None


def test_dice_loss_formula():
    logits = torch.tensor([[0.0, 0.0]])
    targets = torch.tensor([[1.0, 0.0]])
    # p = 0.5 each: 1 - (2 * 0.5 + 1) / (1 + 1 + 1)
    assert dice_loss(logits, targets).item() == pytest.approx(1 - 2 / 3)
