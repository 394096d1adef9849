import pytest
import torch

from diffseg.models.text_encoders import (CLIPTextEncoder, build_class_prompts,
                                          build_clip_tokenizer)
from _helpers.stable_diffusion import save_tiny_sd
from _helpers.tiny_models import TINY_CLIP_TEXT

BOS, EOS = 49406, 49407


@pytest.fixture(scope='module')
def tok():
    return build_clip_tokenizer()


def ids(tok, text):
    return tok(text, add_special_tokens=False).input_ids


def test_prompt_equals_tokenized_text_and_finds_multi_token_names(tok):
    names = ['traffic light', 'cat', 'fire hydrant', 'building-other']
    prompts = build_class_prompts(tok, names, prefix='a photo of')
    assert prompts.num_prompts == 1
    row = prompts.input_ids[0].tolist()
    text = 'a photo of traffic light and cat and fire hydrant and ' \
        'building-other'
    expected = tok(text, padding='max_length', max_length=77).input_ids
    assert row == expected
    for name, (prompt, positions) in zip(names, prompts.class_tokens):
        assert prompt == 0
        assert [row[p] for p in positions] == ids(tok, name)
    assert [len(p) for _, p in prompts.class_tokens] == [2, 1, 3, 3]


def test_many_classes_are_split_over_prompts(tok):
    names = [f'class number {i % 10}' for i in range(40)]  # 3 tokens each
    prompts = build_class_prompts(tok, names)
    # 75 content tokens a prompt: 19 names + 18 separators = 75
    assert prompts.num_prompts == 3
    assert [p for p, _ in prompts.class_tokens] == ([0] * 19 + [1] * 19 +
                                                    [2] * 2)
    for row in prompts.input_ids.tolist():
        assert row[0] == BOS and len(row) == 77 and EOS in row
    for name, (prompt, positions) in zip(names, prompts.class_tokens):
        row = prompts.input_ids[prompt].tolist()
        assert [row[p] for p in positions] == ids(tok, name)
        assert max(positions) < row.index(EOS)
    # each prompt is a prompt of its own classes
    second = build_class_prompts(tok, names[19:38])
    assert torch.equal(second.input_ids[0], prompts.input_ids[1])


def test_names_per_prompt_caps_each_prompt(tok):
    names = ['red circle', 'blue cross', 'green square']
    prompts = build_class_prompts(tok, names, names_per_prompt=2)
    assert [p for p, _ in prompts.class_tokens] == [0, 0, 1]
    expected = tok(['red circle and blue cross', 'green square'],
                   padding='max_length', max_length=77).input_ids
    assert prompts.input_ids.tolist() == expected
    with pytest.raises(ValueError, match='names_per_prompt is 0'):
        CLIPTextEncoder(config=TINY_CLIP_TEXT, names_per_prompt=0)


def test_empty_vocabulary_is_the_prefix_prompt(tok):
    prompts = build_class_prompts(tok, [])
    assert prompts.class_tokens == []
    assert prompts.input_ids.tolist() == [[BOS] + [EOS] * 76]


def test_bad_names_are_named(tok):
    with pytest.raises(ValueError, match="'' has no tokens"):
        build_class_prompts(tok, ['cat', ''])
    with pytest.raises(ValueError, match='holds at most 75'):
        build_class_prompts(tok, [' '.join(['cat'] * 80)])


def test_gather_averages_each_class_over_its_tokens(tok):
    prompts = build_class_prompts(tok, ['traffic light', 'cat'] * 20)
    assert prompts.num_prompts == 2
    maps = torch.rand(2, 3, 77, 4, 5)  # (P, B, L, h, w)
    out = prompts.gather(maps)
    assert out.shape == (3, 40, 4, 5)
    for c, (p, positions) in enumerate(prompts.class_tokens):
        expected = maps[p][:, positions].mean(1)
        assert torch.allclose(out[:, c], expected, atol=1e-6)
    with pytest.raises(ValueError, match=r'expected \(2, B, 77'):
        prompts.gather(maps[:1])


def test_encoder_from_config_and_from_saved_directory(tmp_path):
    torch.manual_seed(0)
    inline = CLIPTextEncoder(config=TINY_CLIP_TEXT)
    sd = save_tiny_sd(str(tmp_path))
    saved = CLIPTextEncoder(pretrained=sd)
    assert not any(p.requires_grad for p in saved.parameters())
    emb, prompts = saved(['cat', 'traffic light'])
    assert emb.shape == (1, 77, TINY_CLIP_TEXT['hidden_size'])
    assert prompts.input_ids.tolist() == inline.class_prompts(
        ['cat', 'traffic light']).input_ids.tolist()
    direct = saved.text_model(prompts.input_ids).last_hidden_state
    assert torch.equal(emb, direct)
    with pytest.raises(ValueError, match='exactly one'):
        CLIPTextEncoder()
    with pytest.raises(FileNotFoundError, match='text_encoder'):
        CLIPTextEncoder(pretrained=str(tmp_path / 'nowhere'))
