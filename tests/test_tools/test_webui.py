"""The handlers of tools/webui.py's tabs (tools/webui_handlers.py, no
Gradio needed): what a tab returns equals what the API predicts for the
same inputs; bad inputs are clear InputErrors."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

from _helpers.paths import REPO_ROOT, load_tool
from _helpers.tiny_ldmseg import tiny_ldmseg_cfg
from _helpers.tiny_models import tiny_ldis1_cfg
from diffseg.apis import (inference_incontext, inference_open_vocab,
                          inference_panoptic, init_model)
from diffseg.fileio import read_image, read_panoptic_png
from diffseg.visualization import draw_incontext_panel

webui = load_tool('webui.py')
handlers = load_tool('webui_handlers.py')
MASKDIFFUSION = f'{REPO_ROOT}/configs/maskdiffusion/' \
    'maskdiffusion_tiny_synthetic_64.py'


def tiny(model_cfg):
    torch.manual_seed(0)
    return init_model(Config(dict(model=model_cfg, default_scope='diffseg')))


@pytest.fixture(scope='module')
def ldis():
    return tiny(tiny_ldis1_cfg())


@pytest.fixture(scope='module')
def example(tmp_path_factory):
    """A shapes example as the editor gives it: background RGB, the painted
    layer RGBA."""
    paths = handlers.write_examples(
        str(tmp_path_factory.mktemp('examples')), img_size=32, count=1)[0]
    editor = dict(background=read_image(paths['prompt'], 'color'),
                  layers=[read_image(paths['layer'], 'unchanged')],
                  composite=read_image(paths['composite'], 'color'))
    return paths, editor


def test_models_are_paired_with_their_checkpoints():
    assert webui.pair_models(['a.py', 'a.pth', 'b.py', 'c.py', 'c.pth']) == [
        ('a.py', 'a.pth'), ('b.py', None), ('c.py', 'c.pth')]
    with pytest.raises(SystemExit, match="'x.pth' follows no config"):
        webui.pair_models(['x.pth'])
    with pytest.raises(SystemExit, match="'b.pth' follows no config"):
        webui.pair_models(['a.py', 'a.pth', 'b.pth'])


def test_model_kinds(ldis):
    assert handlers.model_kind(ldis) == 'incontext'
    assert handlers.model_kind(tiny(tiny_ldmseg_cfg())) == 'panoptic'
    with pytest.raises(SystemExit, match='Linear has no demo tab'):
        handlers.model_kind(torch.nn.Linear(1, 1))


def test_examples_paint_the_prompt_mask(example):
    paths, editor = example
    mask = read_image(paths['mask'], 'unchanged') > 0
    layer = editor['layers'][0]
    np.testing.assert_array_equal(layer[..., 3] > 0, mask)
    # the composite shows the prompt, brushed where the mask is
    changed = (editor['composite'] != editor['background']).any(2)
    assert changed[~mask].sum() == 0 and changed[mask].mean() > 0.9


def test_incontext_tab_predicts_what_the_api_does(ldis, example, tmp_path):
    paths, editor = example
    query = read_image(paths['query'], 'color')
    panel, mask_path = handlers.segment_incontext(
        ldis, str(tmp_path), query, editor, None, dict(background=None))
    sample = inference_incontext(ldis, paths['query'],
                                 [(paths['prompt'], paths['mask'])])
    np.testing.assert_array_equal(read_image(mask_path, 'unchanged'),
                                  sample.pred_sem_seg.data[0].numpy() * 255)
    np.testing.assert_array_equal(panel, draw_incontext_panel(sample, query))


def test_incontext_tab_bad_inputs(ldis, example, tmp_path):
    paths, editor = example
    query = read_image(paths['query'], 'color')
    segment = handlers.segment_incontext
    with pytest.raises(handlers.InputError, match='upload a prompt image'):
        segment(ldis, str(tmp_path), query, None, None, None)
    unpainted = dict(editor, layers=[np.zeros_like(editor['layers'][0])])
    with pytest.raises(handlers.InputError, match='prompt 2 has no painted '
                       'mask'):
        segment(ldis, str(tmp_path), query, editor, unpainted, None)
    with pytest.raises(handlers.InputError, match='upload a query'):
        segment(ldis, str(tmp_path), None, editor, None, None)
    small = dict(background=editor['background'][:20, :20],
                 layers=[editor['layers'][0][:20, :20]])
    small['layers'][0][5:10, 5:10, 3] = 255
    # prompts of two sizes: the API's message reaches the page
    with pytest.raises(ValueError, match='must share one size'):
        segment(ldis, str(tmp_path), query, editor, small, None)
    wrong = dict(editor, layers=[editor['layers'][0][:20]])
    with pytest.raises(handlers.InputError, match=r'prompt 1: a painted '
                       r'layer is \(20, 32\) but the image is \(32, 32\)'):
        segment(ldis, str(tmp_path), query, wrong, None, None)
    assert list(tmp_path.iterdir()) == []


def test_open_vocab_tab_predicts_what_the_api_does(example, tmp_path):
    model = init_model(MASKDIFFUSION)
    assert handlers.model_kind(model) == 'open-vocab'
    query = read_image(example[0]['query'], 'color')
    overlay, labels_path = handlers.segment_open_vocab(
        model, str(tmp_path), query, ' red circle, blue cross ,', None)
    sample = inference_open_vocab(model, query, ['red circle', 'blue cross'])
    np.testing.assert_array_equal(read_image(labels_path, 'unchanged'),
                                  sample.pred_sem_seg.data[0].numpy())
    assert overlay.shape[0] >= 256 and overlay.shape[1] > overlay.shape[0]
    with pytest.raises(ValueError, match='not both'):
        handlers.segment_open_vocab(model, str(tmp_path), query, 'sky', 2)
    with pytest.raises(handlers.InputError, match='upload an image'):
        handlers.segment_open_vocab(model, str(tmp_path), None, 'sky', None)


def test_panoptic_tab_predicts_what_the_api_does(example, tmp_path):
    model = tiny(tiny_ldmseg_cfg())
    query = read_image(example[0]['query'], 'color')
    overlay, png_path = handlers.segment_panoptic(model, str(tmp_path), query)
    sample = inference_panoptic(model, query)
    np.testing.assert_array_equal(read_panoptic_png(png_path),
                                  sample.pred_panoptic_seg.data[0].numpy())
    assert overlay.shape[0] >= 256
