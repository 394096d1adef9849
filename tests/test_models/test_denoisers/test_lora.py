import pytest
import torch

from diffseg.models.denoisers import DiffusersUNet
from _helpers.tiny_models import TINY_UNET


def inputs(seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 4, 8, 8, generator=g), torch.zeros(2).long(),
            torch.randn(2, 6, 16, generator=g))


def is_lora(name):
    return '.lora_A.' in name or '.lora_B.' in name


def test_only_lora_trains():
    unet = DiffusersUNet(config=TINY_UNET, lora=dict(rank=4))
    names = unet.trainable_parameter_names()
    # 4 transformer blocks (down 1, mid 1, up 2) x attn1/attn2 x q/k/v/out
    assert len(names) == 4 * 2 * 4 * 2 and all(map(is_lora, names))
    frozen = [n for n, p in unet.named_parameters() if not p.requires_grad]
    assert 'unet.conv_in.weight' in frozen and not any(map(is_lora, frozen))


def test_without_lora_everything_trains():
    unet = DiffusersUNet(config=TINY_UNET)
    assert all(p.requires_grad for p in unet.parameters())


def test_optimizer_step_changes_only_lora():
    torch.manual_seed(0)
    unet = DiffusersUNet(config=TINY_UNET, lora=dict(rank=4))
    before = {k: v.clone() for k, v in unet.state_dict().items()}
    # all parameters, as mmengine's default optimizer constructor passes them
    optim = torch.optim.AdamW(unet.parameters(), lr=1e-2, weight_decay=0.1)
    for _ in range(2):  # B starts at zero: A gets gradients from step 2 on
        optim.zero_grad()
        unet(*inputs()).pow(2).mean().backward()
        optim.step()
    after = unet.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    lora_keys = {k for k in before if is_lora(k)}
    assert changed == lora_keys


@pytest.mark.parametrize('init', [True, 'gaussian'])
def test_starts_as_the_base_unet(init):
    torch.manual_seed(0)
    base = DiffusersUNet(config=TINY_UNET).eval()
    torch.manual_seed(0)
    lora = DiffusersUNet(config=TINY_UNET,
                         lora=dict(rank=4, init=init)).eval()
    with torch.no_grad():
        torch.testing.assert_close(lora(*inputs()), base(*inputs()),
                                   rtol=0, atol=0)


def test_random_b_init_changes_the_output():
    torch.manual_seed(0)
    base = DiffusersUNet(config=TINY_UNET).eval()
    torch.manual_seed(0)
    lora = DiffusersUNet(config=TINY_UNET,
                         lora=dict(rank=4, init=False)).eval()
    with torch.no_grad():
        assert not torch.allclose(lora(*inputs()), base(*inputs()))


def test_widened_conv_in_trains_with_lora():
    unet = DiffusersUNet(config=TINY_UNET, in_channels=8, lora=dict(rank=4))
    names = unet.trainable_parameter_names()
    assert unet.unet.conv_in.in_channels == 8
    assert {'unet.conv_in.weight', 'unet.conv_in.bias'} == {
        n for n in names if not is_lora(n)}


def test_trainable_modules():
    unet = DiffusersUNet(config=TINY_UNET, lora=dict(rank=1),
                         trainable_modules=['conv_out', 'mid_block.resnets.0'])
    extra = {n for n in unet.trainable_parameter_names() if not is_lora(n)}
    want = {f'unet.{n}' for n, _ in unet.unet.named_parameters()
            if n.startswith(('conv_out.', 'mid_block.resnets.0.'))}
    assert extra == want and len(want) > 2


def test_unknown_trainable_module():
    with pytest.raises(ValueError, match=r"no submodule 'conv_inn'.*conv_in"):
        DiffusersUNet(config=TINY_UNET, lora=dict(rank=4),
                      trainable_modules=['conv_inn'])
    with pytest.raises(TypeError, match='list of module names'):
        DiffusersUNet(config=TINY_UNET, trainable_modules='conv_in')


@pytest.mark.parametrize('lora', [dict(r=4), dict(rank=4, bias='all')])
def test_bad_lora_dict(lora):
    with pytest.raises(ValueError, match='expected a dict with `rank`'):
        DiffusersUNet(config=TINY_UNET, lora=lora)


@pytest.mark.parametrize('rank', [1, 4])
def test_lora_parameter_count(rank):
    """Per adapted Linear(in, out): A (rank, in) + B (out, rank)."""
    # cross_attention_dim 24 != 16 channels: attn2's to_k/to_v map 24 -> 16
    config = dict(TINY_UNET, cross_attention_dim=24)
    unet = DiffusersUNet(config=config, lora=dict(rank=rank))
    self_attn = 4 * rank * (16 + 16)  # to_q, to_k, to_v, to_out.0: 16 -> 16
    cross_attn = 2 * rank * (16 + 16) + 2 * rank * (24 + 16)
    want = 4 * (self_attn + cross_attn)  # 4 transformer blocks, all 16 wide
    got = sum(p.numel() for p in unet.parameters() if p.requires_grad)
    assert got == want == {1: 1088, 4: 4352}[rank]


def test_alpha_and_dropout_reach_peft():
    unet = DiffusersUNet(config=TINY_UNET, lora=dict(
        rank=4, alpha=8, dropout=0.1, target_modules=['to_q']))
    layer = unet.unet.mid_block.attentions[0].transformer_blocks[0].attn1.to_q
    assert layer.scaling['default'] == 2.0
    assert layer.lora_dropout['default'].p == 0.1
    assert len(unet.trainable_parameter_names()) == 4 * 2 * 2
