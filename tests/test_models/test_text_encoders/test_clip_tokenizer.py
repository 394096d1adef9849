import importlib.util
import os
import os.path as osp
from types import SimpleNamespace

import pytest

from diffseg.models.text_encoders import build_clip_tokenizer, load_tokenizer
from diffseg.models.text_encoders import clip_tokenizer as ct

# ids from OpenAI CLIP / SD 1.x tokenizers
PHOTO_OF_A_CAT = [49406, 320, 1125, 539, 320, 2368, 49407]
BOS, EOS = 49406, 49407


@pytest.fixture(scope='module')
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp('clip_bpe'))


@pytest.fixture(scope='module')
def tok(cache):
    return build_clip_tokenizer(cache)


def test_known_ids(tok):
    assert len(tok) == ct.VOCAB_SIZE == 49408
    assert tok('a photo of a cat').input_ids == PHOTO_OF_A_CAT
    assert tok('a photo of a dog').input_ids[-2] == 1929
    assert (tok.bos_token_id, tok.eos_token_id, tok.pad_token_id) == (
        BOS, EOS, EOS)


def test_matches_openai_reference(tok):
    """Same ids as OpenAI's SimpleTokenizer shipped beside the vocab."""
    pytest.importorskip('ftfy')
    pytest.importorskip('regex')
    path = osp.join(osp.dirname(ct.find_bpe_file()), 'tokenizer.py')
    if not osp.isfile(path):
        pytest.skip('mmseg ships no reference tokenizer.py')
    spec = importlib.util.spec_from_file_location('_openai_clip_tok', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reference = module.SimpleTokenizer(ct.find_bpe_file())
    for text in ['a traffic light next to a motorcycle', 'Hello, World!!',
                 "it's a café in 2024", 'naïve résumé 🐱', 'x  y\tz']:
        assert tok(text, add_special_tokens=False).input_ids == \
            reference.encode(text)


def test_round_trip_and_multi_token(tok):
    for text in ['A Photo of a Traffic Light', 'motorcycle', 'hairdrier']:
        ids = tok(text).input_ids
        assert ids[0] == BOS and ids[-1] == EOS
        assert tok.decode(ids, skip_special_tokens=True) == text.lower()
    words = tok('traffic light', add_special_tokens=False).input_ids
    assert words == (tok('traffic', add_special_tokens=False).input_ids +
                     tok('light', add_special_tokens=False).input_ids)


def test_padding_and_truncation(tok):
    ids = tok('a cat', padding='max_length').input_ids
    assert len(ids) == tok.model_max_length == 77
    assert ids[:4] == [BOS, 320, 2368, EOS] and set(ids[4:]) == {EOS}
    long = tok('cat ' * 100, padding='max_length', truncation=True).input_ids
    assert len(long) == 77 and long[-1] == EOS


def test_cache_reused_and_rebuilt(tmp_path):
    build_clip_tokenizer(str(tmp_path), model_max_length=16)
    vocab, merges = tmp_path / 'vocab.json', tmp_path / 'merges.txt'
    assert merges.read_text().splitlines()[0] == '#version: 0.2'
    assert len(merges.read_text().splitlines()) == ct.NUM_MERGES + 1
    os.utime(vocab, (1, 1))
    os.utime(merges, (1, 1))
    tok = build_clip_tokenizer(str(tmp_path), model_max_length=16)
    assert tok.model_max_length == 16
    assert vocab.stat().st_mtime == merges.stat().st_mtime == 1

    vocab.write_text(vocab.read_text()[:1000])  # truncated: corrupt
    merges.unlink()
    tok = build_clip_tokenizer(str(tmp_path))
    assert tok('a photo of a cat').input_ids == PHOTO_OF_A_CAT
    assert vocab.stat().st_mtime > 1 and merges.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'merges.txt', 'vocab.json']  # no temp files left


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    assert ct.default_cache_dir() == str(tmp_path / 'diffseg' / 'clip_bpe')


def test_missing_bpe_file(monkeypatch, tmp_path):
    fake = SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(ct.importlib.util, 'find_spec', lambda name: fake)
    with pytest.raises(FileNotFoundError, match='pip install mmsegmentation'
                       ) as err:
        build_clip_tokenizer(str(tmp_path / 'cache'))
    assert osp.join(str(tmp_path), 'utils', ct.BPE_FILE) in str(err.value)
    monkeypatch.setattr(ct.importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(FileNotFoundError, match='no mmseg package'):
        ct.find_bpe_file()


def test_load_tokenizer(tok, cache, tmp_path):
    assert load_tokenizer(None, cache_dir=cache)(
        'a photo of a cat').input_ids == PHOTO_OF_A_CAT
    tok.save_pretrained(str(tmp_path / 'pipe' / 'tokenizer'))  # v5: json
    for path in (tmp_path / 'pipe', tmp_path / 'pipe' / 'tokenizer'):
        loaded = load_tokenizer(str(path))
        assert loaded('a photo of a cat').input_ids == PHOTO_OF_A_CAT
        assert loaded.pad_token_id == EOS and loaded.model_max_length == 77
    # vocab.json + merges.txt alone (no tokenizer_config.json) also load
    loaded = load_tokenizer(cache)
    assert loaded('a photo of a cat').input_ids == PHOTO_OF_A_CAT


def test_load_tokenizer_errors(tmp_path):
    missing = str(tmp_path / 'nope')
    with pytest.raises(FileNotFoundError, match='nope'):
        load_tokenizer(missing)
    with pytest.raises(FileNotFoundError, match='vocab.json'):
        load_tokenizer(str(tmp_path))
