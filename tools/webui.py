"""A web demo of diffseg models (Gradio): one tab per model given.

``python tools/webui.py CONFIG [CHECKPOINT] [CONFIG [CHECKPOINT] ...]``
(a ``.py`` file starts a model, the file after it, if not a ``.py``, is its
checkpoint). The model's kind picks its tab:

- in-context (LDIS): up to three prompt images whose masks are painted with
  a brush, a query; gives the prompts, the query with its predicted mask,
  and the mask as a 0/255 PNG.
- open vocabulary (MaskDiffusion): an image and class names (or a number of
  segments); gives the labels over the image and the label PNG.
- panoptic (LDMSeg): an image; gives the segments over the image and the
  COCO panoptic PNG.

Each tab has examples drawn from the built-in shapes world. Inputs go
through the APIs of :mod:`diffseg.apis` (the config's test pipeline, then
``model.test_step``). The server listens on 127.0.0.1 (this machine only)
unless ``--host`` or ``--share`` opens it wider. Needs the demo extra:
``pip install -e ".[demo]"``.
"""
import argparse
import os
import os.path as osp
import tempfile
from functools import partial

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)

from diffseg.apis import init_model
from diffseg.utils import register_all_modules
from webui_handlers import (BRUSH, example_size, model_kind,
                            segment_incontext, segment_open_vocab,
                            segment_panoptic, write_examples)

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
try:
    import gradio as gr
except ImportError:  # the argument parsing works without
    gr = None

NUM_PROMPTS = 3  # prompt slots of the in-context tab
IMAGE_HEIGHT = 320  # pixels the image boxes take in the page
# small input images fill their boxes, without blurring
CSS = ('.diffseg-image img {width: 100%; height: 100%; object-fit: contain; '
       'image-rendering: pixelated}')
INPUT_ERRORS = (ValueError, TypeError, FileNotFoundError)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('models', nargs='+', metavar='CONFIG [CHECKPOINT]',
                        help='config files, each followed by its checkpoint '
                        '(training-free models need none)')
    parser.add_argument('--host', default='127.0.0.1',
                        help='address to listen on; 0.0.0.0 serves every '
                        'network this machine is on (default: this machine '
                        'only)')
    parser.add_argument('--port', type=int, default=7860)
    parser.add_argument('--share', action='store_true',
                        help='also publish a temporary public gradio.live '
                        'link, tunnelled through Gradio\'s servers')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    args = parser.parse_args(argv)
    args.models = pair_models(args.models)
    return args


def pair_models(paths):
    """[CONFIG, CHECKPOINT?, ...] -> [(config, checkpoint or None), ...]."""
    pairs = []
    for path in paths:
        if path.endswith('.py'):
            pairs.append([path, None])
        elif not pairs or pairs[-1][1] is not None:
            raise SystemExit(f'{path!r} follows no config: give CONFIG.py '
                             '[CHECKPOINT] for each model')
        else:
            pairs[-1][1] = path
    return [tuple(pair) for pair in pairs]


def guarded(fn, *args):
    """``partial(fn, *args)`` with bad inputs raised as ``gr.Error`` (a
    message in the page, not a stack trace)."""
    fn = partial(fn, *args)

    def run(*inputs):
        try:
            return fn(*inputs)
        except INPUT_ERRORS as e:
            raise gr.Error(str(e)) from e
    return run


def build_demo(models, out_dir: str):
    """The Gradio app: one tab per (name, kind, model)."""
    with gr.Blocks(title='diffseg') as demo:
        gr.Markdown('# diffseg\nSegmentation with latent diffusion models.')
        with gr.Tabs():
            for name, kind, model in models:
                examples = write_examples(
                    tempfile.mkdtemp(dir=out_dir), example_size(model))
                with gr.Tab(f'{kind}: {name}'):
                    TABS[kind](model, out_dir, examples)
    return demo


def incontext_tab(model, out_dir, examples):
    gr.Markdown('Upload a prompt image and paint the object with the brush '
                '(more prompts: the other slots), upload a query, Segment.')
    brush = gr.Brush(colors=[('#%02x%02x%02x' % BRUSH[0], BRUSH[1])],
                     color_mode='fixed')
    with gr.Row():
        editors = [gr.ImageEditor(label=f'prompt {k + 1}', type='numpy',
                                  image_mode='RGB', format='png',
                                  brush=brush, elem_id=f'prompt{k}')
                   for k in range(NUM_PROMPTS)]
    with gr.Row():
        query = gr.Image(label='query', type='numpy', image_mode='RGB',
                         format='png', height=IMAGE_HEIGHT, elem_id='query',
                         elem_classes='diffseg-image')
        panel = gr.Image(label='prompts | query with its mask',
                         format='png', height=IMAGE_HEIGHT, elem_id='result')
    mask = gr.File(label='mask (PNG, 0/255)', elem_id='mask_file')
    button = gr.Button('Segment', variant='primary', elem_id='segment')
    button.click(guarded(segment_incontext, model, out_dir),
                 inputs=[query, *editors], outputs=[panel, mask])
    gr.Examples([[dict(background=e['prompt'], layers=[e['layer']],
                       composite=e['composite']), e['query']]
                 for e in examples],
                inputs=[editors[0], query], label='shapes episodes',
                elem_id='examples')


def open_vocab_tab(model, out_dir, examples):
    with gr.Row():
        image = gr.Image(label='image', type='numpy', image_mode='RGB',
                         format='png', height=IMAGE_HEIGHT,
                         elem_classes='diffseg-image')
        overlay = gr.Image(label='labels', format='png', height=IMAGE_HEIGHT)
    classes = gr.Textbox(label='class names, comma separated (empty: the '
                         "model's vocabulary)")
    segments = gr.Number(label='or a number of segments (unsupervised)',
                         precision=0, value=None)
    labels = gr.File(label='labels (PNG, one id per class)')
    button = gr.Button('Segment', variant='primary')
    button.click(guarded(segment_open_vocab, model, out_dir),
                 inputs=[image, classes, segments], outputs=[overlay, labels])
    gr.Examples([[e['query'], ''] for e in examples],
                inputs=[image, classes], label='shapes images')


def panoptic_tab(model, out_dir, examples):
    with gr.Row():
        image = gr.Image(label='image', type='numpy', image_mode='RGB',
                         format='png', height=IMAGE_HEIGHT,
                         elem_classes='diffseg-image')
        overlay = gr.Image(label='segments', format='png',
                           height=IMAGE_HEIGHT)
    panoptic = gr.File(label='panoptic PNG (id = R + 256 G + 256^2 B)')
    button = gr.Button('Segment', variant='primary')
    button.click(guarded(segment_panoptic, model, out_dir),
                 inputs=[image], outputs=[overlay, panoptic])
    gr.Examples([[e['query']] for e in examples], inputs=[image],
                label='shapes images')


TABS = {'incontext': incontext_tab, 'open-vocab': open_vocab_tab,
        'panoptic': panoptic_tab}


def main():
    args = parse_args()
    if gr is None:
        raise SystemExit('the web demo needs Gradio: pip install -e '
                         '".[demo]"')
    register_all_modules(init_default_scope=False)
    models = []
    for config, checkpoint in args.models:
        model = init_model(config, checkpoint, device=args.device)
        name = osp.splitext(osp.basename(config))[0]
        models.append((name, model_kind(model), model))
    out_dir = tempfile.mkdtemp(prefix='diffseg_webui_')
    demo = build_demo(models, out_dir)
    demo.queue().launch(server_name=args.host, server_port=args.port,
                        share=args.share, allowed_paths=[out_dir], css=CSS)


if __name__ == '__main__':
    main()
