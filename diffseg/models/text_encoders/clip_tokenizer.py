"""OpenAI CLIP's BPE tokenizer, built offline from mmsegmentation's vocab.

mmsegmentation ships OpenAI's ``bpe_simple_vocab_16e6.txt.gz`` in
``mmseg/utils/``. From it this module writes the ``vocab.json`` and
``merges.txt`` a ``transformers.CLIPTokenizer`` reads, giving the ids of
OpenAI CLIP (and of Stable Diffusion 1.x's tokenizer) with no download.
"""
import gzip
import importlib.util
import json
import os
import os.path as osp
from typing import List, Optional

from transformers import CLIPTokenizer

from diffseg.fileio import atomic_write, write_json

BPE_FILE = 'bpe_simple_vocab_16e6.txt.gz'
NUM_MERGES = 49152 - 256 - 2  # OpenAI's SimpleTokenizer: merges[1:48895]
VOCAB_SIZE = 2 * 256 + NUM_MERGES + 2  # bytes, bytes+'</w>', merges, 2 special
MERGES_HEADER = '#version: 0.2'
SPECIAL_TOKENS = ['<|startoftext|>', '<|endoftext|>']


def default_cache_dir() -> str:
    """``$XDG_CACHE_HOME/diffseg/clip_bpe`` (``~/.cache`` when unset)."""
    root = os.environ.get('XDG_CACHE_HOME') or osp.expanduser('~/.cache')
    return osp.join(root, 'diffseg', 'clip_bpe')


def find_bpe_file() -> str:
    """Path of the CLIP BPE gz inside the installed mmseg package.

    The package is located without importing it (importing ``mmseg.utils``
    needs compiled mmcv ops).
    """
    spec = importlib.util.find_spec('mmseg')
    roots = list(spec.submodule_search_locations or []) if spec else []
    searched = [osp.join(root, 'utils', BPE_FILE) for root in roots]
    for path in searched:
        if osp.isfile(path):
            return path
    where = ', '.join(searched) if searched else 'no mmseg package installed'
    raise FileNotFoundError(
        f'CLIP BPE vocabulary {BPE_FILE} not found (searched: {where}). '
        'It ships with mmsegmentation: pip install mmsegmentation.')


def _bytes_to_unicode() -> List[str]:
    """OpenAI's printable stand-ins for the 256 byte values, in vocab order."""
    printable = (list(range(ord('!'), ord('~') + 1)) +
                 list(range(ord('¡'), ord('¬') + 1)) +
                 list(range(ord('®'), ord('ÿ') + 1)))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            codes.append(256 + extra)
            extra += 1
    return [chr(code) for code in codes]


def _read_merges(bpe_path: str) -> List[str]:
    """The merges OpenAI uses: lines 1..NUM_MERGES after the header line."""
    with gzip.open(bpe_path, 'rt', encoding='utf-8') as f:
        lines = f.read().split('\n')
    return lines[1:NUM_MERGES + 1]


def _build_vocab(merges: List[str]) -> dict:
    byte_tokens = _bytes_to_unicode()
    tokens = (byte_tokens + [t + '</w>' for t in byte_tokens] +
              [''.join(merge.split()) for merge in merges] + SPECIAL_TOKENS)
    return {token: i for i, token in enumerate(tokens)}


def _cache_is_valid(vocab_file: str, merges_file: str) -> bool:
    try:
        with open(vocab_file, encoding='utf-8') as f:
            vocab = json.load(f)
        with open(merges_file, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except (OSError, ValueError):
        return False
    return (isinstance(vocab, dict) and len(vocab) == VOCAB_SIZE
            and lines[:1] == [MERGES_HEADER]
            and len(lines) == NUM_MERGES + 1)


def build_clip_tokenizer(cache_dir: Optional[str] = None,
                         model_max_length: int = 77) -> CLIPTokenizer:
    """OpenAI CLIP's tokenizer (49,408 tokens), built with no network.

    ``vocab.json`` and ``merges.txt`` are written atomically into
    ``cache_dir`` (default :func:`default_cache_dir`) and reused while
    valid; missing or corrupt files are rebuilt.

    The pad token is ``<|endoftext|>`` (id 49407) as in Stable Diffusion
    1.x's tokenizer; OpenAI's own CLIP code pads with 0 (``'!'``).

    Raises:
        FileNotFoundError: mmsegmentation (which ships the vocab) is missing.
    """
    cache_dir = cache_dir or default_cache_dir()
    vocab_file = osp.join(cache_dir, 'vocab.json')
    merges_file = osp.join(cache_dir, 'merges.txt')
    if not _cache_is_valid(vocab_file, merges_file):
        merges = _read_merges(find_bpe_file())
        write_json(vocab_file, _build_vocab(merges))
        with atomic_write(merges_file) as f:
            f.write(('\n'.join([MERGES_HEADER] + merges) + '\n').encode())
    return CLIPTokenizer(vocab_file, merges_file,
                         pad_token=SPECIAL_TOKENS[1],
                         model_max_length=model_max_length)


def load_tokenizer(pretrained: Optional[str] = None,
                   cache_dir: Optional[str] = None) -> CLIPTokenizer:
    """A CLIP tokenizer from a local directory, or the built-in one.

    Args:
        pretrained: a diffusers pipeline directory (``tokenizer/`` inside) or
            a directory written by ``CLIPTokenizer.save_pretrained``; None
            builds OpenAI's tokenizer with :func:`build_clip_tokenizer`.
        cache_dir: where :func:`build_clip_tokenizer` keeps its files.

    Raises:
        FileNotFoundError: naming the directory when it or the tokenizer
            files in it are missing; nothing is ever downloaded.
    """
    if pretrained is None:
        return build_clip_tokenizer(cache_dir)
    if not osp.isdir(pretrained):
        raise FileNotFoundError(
            f"tokenizer directory '{pretrained}' does not exist; give a "
            'local directory saved with save_pretrained, or None for the '
            'built-in OpenAI CLIP tokenizer.')
    for folder in (osp.join(pretrained, 'tokenizer'), pretrained):
        if any(osp.isfile(osp.join(folder, name))
               for name in ('vocab.json', 'tokenizer.json')):
            return CLIPTokenizer.from_pretrained(folder,
                                                 local_files_only=True)
    raise FileNotFoundError(
        f"no tokenizer in '{osp.join(pretrained, 'tokenizer')}' or "
        f"'{pretrained}': expected vocab.json or tokenizer.json written by "
        'save_pretrained.')
