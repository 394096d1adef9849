"""Bad inputs to every tool and API get a clear error naming the input, and
leave no output file behind."""
import os
import re

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from diffseg.apis import inference_incontext, init_model
from diffseg.registry import DATASETS, MODELS
from _helpers.tiny_models import (tiny_episode_batch, tiny_ldis1_cfg,
                                  tiny_ldisn_cfg)
from _helpers.configs import write_tiny_ldis1_config
from _helpers.paths import REPO_ROOT
from _helpers.synthetic import DAVIS_SPLIT, write_davis_tree
from _helpers.tools import run_tool_in_process


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    """A tiny LDIS-1 config, checkpoints good and bad, images good and bad."""
    d = tmp_path_factory.mktemp('bad_inputs')
    config = write_tiny_ldis1_config(str(d / 'tiny.py'))
    torch.manual_seed(0)
    model = init_model(config)
    torch.save(dict(state_dict=model.state_dict(), meta={}), d / 'ok.pth')
    ldisn = MODELS.build(tiny_ldisn_cfg())
    torch.save(dict(state_dict=ldisn.state_dict(), meta={}), d / 'ldisn.pth')
    good = (d / 'ok.pth').read_bytes()
    (d / 'truncated.pth').write_bytes(good[:len(good) // 2])
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), np.uint8)
    mask = np.zeros((32, 32), np.uint8)
    mask[8:20, 8:20] = 255
    for name, array in (('img', image), ('mask', mask),
                        ('empty', np.zeros_like(mask)),
                        ('small_mask', mask[:16, :16])):
        assert cv2.imwrite(str(d / f'{name}.png'), array)
    (d / 'corrupt.png').write_bytes(b'\x89PNG\r\n\x1a\n' + bytes(100))
    return d


def infer(query='img.png', mask='mask.png', ckpt='ok.pth'):
    return ['infer.py', 'incontext', '{d}/tiny.py', f'{{d}}/{ckpt}',
            '--query', f'{{d}}/{query}', '--prompt', '{d}/img.png',
            f'{{d}}/{mask}', '--out-dir', '{out}']


MASKDIFFUSION = f'{REPO_ROOT}/configs/maskdiffusion/' \
    'maskdiffusion_tiny_synthetic_64.py'


def open_vocab(image='img.png', *options):
    return ['infer.py', 'open-vocab', MASKDIFFUSION, '--image',
            f'{{d}}/{image}', *options, '--out-dir', '{out}']


def train(*options):
    return ['train.py', '{d}/tiny.py', '--work-dir', '{out}',
            '--cfg-options', *options]


TOOL_CASES = {
    'train: unknown model type': (
        train('model.type=NoSuchModel'), KeyError,
        r'NoSuchModel is not in the diffseg::model registry'),
    'train: unknown component type': (
        train('model.denoiser.type=NoSuchUNet'), KeyError,
        r'NoSuchUNet is not in the diffseg::denoiser registry'),
    'train: unknown config key': (
        train('model.no_such_key=1'), TypeError,
        r"OneStepLDIS.*unexpected keyword argument 'no_such_key'"),
    'train: missing config': (
        ['train.py', '{d}/no_such.py'], FileNotFoundError, r'no_such\.py'),
    'train: --amp with DeepSpeed': (
        ['train.py', '{d}/tiny.py', '--amp', '--work-dir', '{out}',
         '--cfg-options', 'optim_wrapper.type=DeepSpeedOptimWrapper'],
        SystemExit, r'set bf16 or fp16 in the strategy'),
    'test: missing checkpoint': (
        ['test.py', '{d}/tiny.py', '{d}/none.pth', '--work-dir', '{out}'],
        SystemExit, r"checkpoint '.*none\.pth' does not exist"),
    'test: truncated checkpoint': (
        ['test.py', '{d}/tiny.py', '{d}/truncated.pth', '--work-dir',
         '{out}'], ValueError,
        r"truncated\.pth' is not a readable torch checkpoint"),
    'test: checkpoint of another model': (
        ['test.py', '{d}/tiny.py', '{d}/ldisn.pth', '--work-dir', '{out}'],
        ValueError, r"ldisn\.pth' does not fit the model .*null_tokens"),
    'test: not a pickle output': (
        ['test.py', '{d}/tiny.py', '{d}/ok.pth', '--out', '{out}/r.json'],
        SystemExit, r"--out '.*r\.json': expected a \.pkl file"),
    'infer: corrupt query image': (
        infer(query='corrupt.png'), ValueError,
        r"query image '.*corrupt\.png' could not be decoded"),
    'infer: missing query image': (
        infer(query='none.png'), FileNotFoundError,
        r"query image '.*none\.png' does not exist"),
    'infer: empty prompt mask': (
        infer(mask='empty.png'), ValueError,
        r"prompt mask 0 .*empty\.png.* is empty"),
    'infer: prompt mask of another size': (
        infer(mask='small_mask.png'), ValueError,
        r'prompt mask 0 has shape \(16, 16\) but prompt image 0 is '
        r'\(32, 32\)'),
    'infer: checkpoint of another model': (
        infer(ckpt='ldisn.pth'), ValueError,
        r"ldisn\.pth' does not fit the model .*not in the model \(1\): "
        r'null_tokens; keys of other shapes \(1\): denoiser\.unet\.conv_in'
        r'\.weight \(8, 8, 3, 3\) in the checkpoint but \(8, 4, 3, 3\)'),
    'infer: truncated checkpoint': (
        infer(ckpt='truncated.pth'), ValueError,
        r"truncated\.pth' is not a readable torch checkpoint"),
    'infer open vocabulary: corrupt image': (
        open_vocab('corrupt.png', '--classes', 'a', 'b'), ValueError,
        r"image '.*corrupt\.png' could not be decoded"),
    'infer open vocabulary: missing image': (
        open_vocab('none.png', '--classes', 'a'), FileNotFoundError,
        r"image '.*none\.png' does not exist"),
    'infer unsupervised: zero segments': (
        open_vocab('img.png', '--num-segments', '0'), ValueError,
        r'num_segments is 0; expected >= 1'),
    'test MaskDiffusion: unknown head type': (
        ['test.py', MASKDIFFUSION, '--work-dir', '{out}', '--cfg-options',
         'model.head.type=NoSuchHead'], KeyError,
        r'NoSuchHead is not in the diffseg::head registry'),
    'benchmark: no repeats': (
        ['analysis_tools/benchmark.py', 'inference', '--repeats', '0'],
        SystemExit, r'--repeats must be >= 1'),
    'index: dataset without index file': (
        ['dataset_converters/build_incontext_index.py', '{d}/tiny.py'],
        SystemExit, r'ShapesInContextDataset of train_dataloader has no '
        r'index_file'),
    'alpha-clip converter: not a CLIP checkpoint': (
        ['model_converters/alpha_clip_to_hf.py', '{d}/ok.pth', '{out}/hf'],
        ValueError, r'not a CLIP ViT visual tower: no `conv1.weight`'),
}


RESULTS = ('.pth', '.png', '.pkl', '.safetensors', '.bin', '.tmp')


def results_in(folder) -> list:
    """Result files (checkpoints, images, predictions, weights, temporary
    files) under ``folder``; logs and the dumped config do not count."""
    return [name for _, _, names in os.walk(folder) for name in names
            if name.endswith(RESULTS) or name.startswith('.')]


@pytest.mark.parametrize('case', list(TOOL_CASES))
def test_tool_rejects_bad_input(files, tmp_path, capsys, case):
    args, error, pattern = TOOL_CASES[case]
    out = tmp_path / 'out'
    args = [arg.format(d=files, out=out) for arg in args]
    with pytest.raises(error) as info:
        run_tool_in_process(*args)
    message = (str(info.value.code) if error is SystemExit else
               str(info.value)) + capsys.readouterr().err
    assert re.search(pattern, message), message
    assert results_in(out) == []


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(tiny_ldis1_cfg()).eval()


def davis(root, **kwargs):
    return DATASETS.build(dict(
        type='DAVIS16InContextDataset', data_root=str(root),
        split_file=DAVIS_SPLIT, test_mode=True, first_frame_prompt=True,
        **kwargs))


def api_cases(model, files, tmp_path):
    """(what, call, error, pattern) for the Python APIs."""
    batch = tiny_episode_batch(model, n=2, training=False)
    query, prompts = batch['inputs']['query'], batch['inputs']['prompts']
    image = cv2.imread(str(files / 'img.png'))[..., ::-1].copy()
    mask = cv2.imread(str(files / 'mask.png'), cv2.IMREAD_GRAYSCALE)
    episode = DATASETS.build(dict(
        type='ShapesInContextDataset', num_episodes=1, img_size=32,
        pipeline=[dict(type='PackInContextInputs')]))[0]
    gray = dict(episode, inputs=episode['inputs'][:1])
    no_annotation = write_davis_tree(str(tmp_path / 'no_annotation'))
    os.remove(os.path.join(no_annotation, 'Annotations/480p/car/00001.png'))
    corrupt = write_davis_tree(str(tmp_path / 'corrupt'))
    with open(os.path.join(corrupt, 'JPEGImages/480p/car/00002.jpg'),
              'wb') as f:
        f.write(b'\xff\xd8 not a jpeg')
    corrupt_set = davis(corrupt)
    return [
        ('init_model: missing config', lambda: init_model('no_such.py'),
         FileNotFoundError, r'no_such\.py'),
        ('init_model: unknown model type', lambda: init_model(Config(dict(
            model=dict(type='NoSuchModel'), default_scope='diffseg'))),
         KeyError, 'NoSuchModel is not in the diffseg::model registry'),
        ('inference: float image', lambda: inference_incontext(
            model, image.astype(np.float32), [(image, mask)]),
         ValueError, r'query image has shape \(32, 32, 3\) and dtype '
         r'float32; expected \(H, W, 3\) uint8'),
        ('inference: empty mask array', lambda: inference_incontext(
            model, image, [(image, mask * 0)]), ValueError,
         'prompt mask 0 is empty'),
        ('preprocessor: grey query', lambda: model.data_preprocessor(
            dict(inputs=[gray['inputs']],
                 data_samples=[gray['data_samples']]), False),
         ValueError, r'query image 0 has shape \(1, 32, 32\); expected '
         r'\(3, H, W\)'),
        ('prompt encoder: prompts without mask channel', lambda: model(
            dict(query=query, prompts=prompts[:, :, :3]), mode='tensor'),
         ValueError, r'prompts has shape \(2, 1, 3, 32, 32\); expected '
         r'\(B, K, 4, h, w\)'),
        ('model: unknown mode', lambda: model(batch['inputs'], mode='nope'),
         ValueError, "mode 'nope' is unknown"),
        ('model: loss without gt', lambda: model.loss(
            batch['inputs'], [type(s)() for s in batch['data_samples']]),
         ValueError, 'data sample 0 has no gt_sem_seg'),
        ('dataset: missing annotation', lambda: davis(no_annotation),
         FileNotFoundError, r"annotation '.*car/00001\.png' does not "
         'exist'),
        ('dataset: corrupt frame', lambda: [corrupt_set[i] for i in
                                            range(len(corrupt_set))],
         ValueError, r"image '.*car/00002\.jpg' could not be decoded"),
        ('dataset: unknown split', lambda: DATASETS.build(dict(
            type='ShapesInContextDataset', split='nope')), ValueError,
         r"split 'nope' is unknown; expected one of \('train', 'val', "
         r"'novel'\)"),
        ('dataset: unknown config key', lambda: DATASETS.build(dict(
            type='ShapesInContextDataset', no_such_key=1)), TypeError,
         "unexpected keyword argument 'no_such_key'"),
    ]


def test_api_rejects_bad_input(model, files, tmp_path):
    for what, call, error, pattern in api_cases(model, files, tmp_path):
        try:
            call()
        except error as raised:
            assert re.search(pattern, str(raised)), (what, str(raised))
        else:
            pytest.fail(f'{what}: no {error.__name__} raised')
