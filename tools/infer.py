"""Segment one query image from (image, mask) prompts with a checkpoint.

Writes ``OUT_DIR/<query stem>_mask.png`` (0/255, the query's size) and
``OUT_DIR/<query stem>_overlay.png`` (prompts with their masks, the query with
the prediction) and prints both paths.
"""
import argparse
import os
import os.path as osp

import diffseg  # noqa: F401  (compatibility fixes before mmseg is imported)
import numpy as np
from mmengine.config import DictAction

from diffseg.apis import inference_incontext, init_model
from diffseg.apis.inference import load_rgb
from diffseg.utils import register_all_modules
from diffseg.visualization import draw_incontext_panel, write_image


def parse_args():
    parser = argparse.ArgumentParser(
        description='Segment a query image from in-context prompts')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--query', required=True, help='query image')
    parser.add_argument(
        '--prompt', nargs=2, action='append', required=True,
        metavar=('IMAGE', 'MASK'),
        help='a prompt image and its mask (nonzero = foreground, e.g. a 0/255 '
        'PNG); repeat for K prompts')
    parser.add_argument('--out-dir', required=True,
                        help='folder of the output PNGs')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args()


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    sample = inference_incontext(model, args.query,
                                 [tuple(p) for p in args.prompt])
    os.makedirs(args.out_dir, exist_ok=True)
    stem = osp.splitext(osp.basename(args.query))[0]
    mask_path = osp.join(args.out_dir, f'{stem}_mask.png')
    overlay_path = osp.join(args.out_dir, f'{stem}_overlay.png')
    pred = sample.pred_sem_seg.data[0].cpu().numpy()
    write_image(mask_path, np.where(pred == 1, 255, 0).astype(np.uint8))
    write_image(overlay_path,
                draw_incontext_panel(sample, load_rgb(args.query, 'query')))
    print(mask_path)
    print(overlay_path)


if __name__ == '__main__':
    main()
