"""Panoptic quality (PQ, SQ, RQ) as the COCO panoptic evaluation defines it."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from prettytable import PrettyTable

from diffseg.registry import METRICS

OFFSET = 256**3  # ids of the COCO panoptic PNGs are below 256^3
VOID = 0
AGNOSTIC_CATEGORY = dict(id=1, name='object', isthing=1)


def _as_numpy(ids) -> np.ndarray:
    ids = ids.detach().cpu().numpy() if hasattr(ids, 'detach') else ids
    ids = np.asarray(ids).astype(np.int64)
    return ids[0] if ids.ndim == 3 else ids


def _areas(ids: np.ndarray) -> Dict[int, int]:
    values, counts = np.unique(ids, return_counts=True)
    return {int(k): int(n) for k, n in zip(values, counts)}


def pq_image_stats(gt_ids, gt_segments: Sequence[dict], pred_ids,
                   pred_segments: Sequence[dict]) -> Dict[int, np.ndarray]:
    """One image -> {category id: [tp, fp, fn, sum of matched IoUs]}.

    ``*_ids`` are (H, W) id maps (0 = void; gt ids not in ``gt_segments``
    are void too), ``*_segments`` dicts with ``id`` and ``category_id``
    (gt also ``iscrowd``). As panopticapi's ``pq_compute``: a gt and a
    predicted segment of one category match when IoU > 0.5, the prediction's
    pixels on gt void left out of the union; crowd gt is never matched and
    never a false negative; an unmatched prediction is not a false positive
    when more than half of it lies on void or on crowd gt of its category.
    """
    gt_ids, pred_ids = _as_numpy(gt_ids), _as_numpy(pred_ids)
    if gt_ids.shape != pred_ids.shape:
        raise ValueError(f'the prediction is {pred_ids.shape} but the ground '
                         f'truth is {gt_ids.shape}; predict at ori_shape')
    gt_segs = {s['id']: s for s in gt_segments}
    pred_segs = {s['id']: s for s in pred_segments}
    pred_area = _areas(pred_ids)
    unknown = set(pred_area) - set(pred_segs) - {VOID}
    if unknown:
        raise ValueError(f'predicted ids {sorted(unknown)} are in the map but '
                         'not in the segments info')
    missing = set(pred_segs) - set(pred_area)
    if missing:
        raise ValueError(f'predicted segments {sorted(missing)} are listed '
                         'but absent from the map')
    gt_area = _areas(gt_ids)
    pairs, counts = np.unique(gt_ids * OFFSET + pred_ids, return_counts=True)
    overlap = {(int(p // OFFSET), int(p % OFFSET)): int(c)
               for p, c in zip(pairs, counts)}
    # gt pixels whose id has no segment are void
    void_overlap = defaultdict(int)
    for (g, p), n in overlap.items():
        if g not in gt_segs:
            void_overlap[p] += n

    stats = defaultdict(lambda: np.zeros(4))
    gt_matched, pred_matched = set(), set()
    for (g, p), inter in overlap.items():
        if g not in gt_segs or p not in pred_segs:
            continue
        gt, pred = gt_segs[g], pred_segs[p]
        if gt.get('iscrowd', 0) or gt['category_id'] != pred['category_id']:
            continue
        union = pred_area[p] + gt_area[g] - inter - void_overlap[p]
        iou = inter / union
        if iou > 0.5:
            stats[gt['category_id']] += (1, 0, 0, iou)
            gt_matched.add(g)
            pred_matched.add(p)
    crowd = defaultdict(set)
    for g, gt in gt_segs.items():
        if gt.get('iscrowd', 0):
            crowd[gt['category_id']].add(g)
        elif g not in gt_matched:
            stats[gt['category_id']] += (0, 0, 1, 0)
    for p, pred in pred_segs.items():
        if p in pred_matched:
            continue
        ignored = void_overlap[p] + sum(
            overlap.get((g, p), 0) for g in crowd[pred['category_id']])
        if ignored / pred_area[p] > 0.5:
            continue
        stats[pred['category_id']] += (0, 1, 0, 0)
    return dict(stats)


def pq_average(stats: Dict[int, np.ndarray], categories: Sequence[dict],
               isthing: Optional[bool] = None):
    """Mean PQ, SQ, RQ over the categories (of the kind ``isthing``, None =
    all) with tp + fp + fn > 0 -> (dict(pq, sq, rq, n), per-class dict)."""
    totals = np.zeros(3)
    per_class, n = {}, 0
    for cat in categories:
        if isthing is not None and bool(cat['isthing']) != isthing:
            continue
        tp, fp, fn, iou = stats.get(cat['id'], np.zeros(4))
        if tp + fp + fn == 0:
            continue
        n += 1
        rq = tp / (tp + 0.5 * fp + 0.5 * fn)
        sq = iou / tp if tp else 0.0
        per_class[cat['name']] = dict(pq=sq * rq, sq=sq, rq=rq)
        totals += (sq * rq, sq, rq)
    if n == 0:
        return None, per_class
    pq, sq, rq = totals / n
    return dict(pq=pq, sq=sq, rq=rq, n=n), per_class


@METRICS.register_module()
class PanopticQuality(BaseMetric):
    """PQ / SQ / RQ (in %) over all, thing and stuff categories.

    Reads ``pred_panoptic_seg`` and ``gt_panoptic_seg`` of each sample:
    (1, H, W) id maps whose ``segments_info`` (dicts with ``id``,
    ``category_id``; gt also ``iscrowd``) give the segments; see
    :func:`pq_image_stats`. Categories come from ``dataset_meta
    ['categories']`` (id, name, isthing); without it, from the gt segments.

    Args:
        class_agnostic: every gt and predicted segment counts as one thing
            category 'object' (the LDMSeg reference evaluation).
        classwise: log a table of per-class PQ / SQ / RQ.
    """

    default_prefix = 'panoptic'

    def __init__(self, class_agnostic: bool = False, classwise: bool = False,
                 collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.class_agnostic = class_agnostic
        self.classwise = classwise

    def _segments(self, field: dict) -> List[dict]:
        segments = field.get('segments_info', [])
        if self.class_agnostic:
            return [dict(s, category_id=AGNOSTIC_CATEGORY['id'])
                    for s in segments]
        return list(segments)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for i, sample in enumerate(data_samples):
            for key in ('pred_panoptic_seg', 'gt_panoptic_seg'):
                if key not in sample:
                    raise KeyError(f'data sample {i} has no {key}')
            gt, pred = sample['gt_panoptic_seg'], sample['pred_panoptic_seg']
            gt_segments = self._segments(gt)
            stats = pq_image_stats(gt['data'], gt_segments, pred['data'],
                                   self._segments(pred))
            things = {s['category_id']: int(s.get('isthing', 1))
                      for s in gt_segments}
            self.results.append((stats, things))

    def categories(self, results) -> List[dict]:
        if self.class_agnostic:
            return [AGNOSTIC_CATEGORY]
        if self.dataset_meta and self.dataset_meta.get('categories'):
            return list(self.dataset_meta['categories'])
        things = {}
        for _, image_things in results:
            things.update(image_things)
        return [dict(id=c, name=str(c), isthing=t)
                for c, t in sorted(things.items())]

    def compute_metrics(self, results: list) -> Dict[str, float]:
        categories = self.categories(results)
        known = {c['id'] for c in categories}
        stats = defaultdict(lambda: np.zeros(4))
        for image_stats, _ in results:
            for cat, values in image_stats.items():
                if cat not in known:
                    raise ValueError(f'category {cat} is not among the '
                                     f'dataset categories {sorted(known)}')
                stats[cat] += values
        metrics, rows = {}, []
        _, classes = pq_average(stats, categories)
        for name, isthing, suffix in (('All', None, ''),
                                      ('Things', True, '_th'),
                                      ('Stuff', False, '_st')):
            avg, _ = pq_average(stats, categories, isthing)
            if avg is None:
                continue
            for key in ('pq', 'sq', 'rq'):
                metrics[key.upper() + suffix] = 100 * avg[key]
            rows.append((name, avg))
        if not rows:
            print_log('PanopticQuality: no segment in any gt or prediction',
                      logger='current')
            return dict(PQ=float('nan'), SQ=float('nan'), RQ=float('nan'))
        table = PrettyTable(['', 'PQ', 'SQ', 'RQ', 'categories'])
        for name, avg in rows:
            table.add_row([name] + [f'{100 * avg[k]:.2f}'
                                    for k in ('pq', 'sq', 'rq')] + [avg['n']])
        print_log('\n' + table.get_string(), logger='current')
        if self.classwise:
            table = PrettyTable(['class', 'PQ', 'SQ', 'RQ'])
            for name, values in classes.items():
                table.add_row([name] + [f'{100 * values[k]:.2f}'
                                        for k in ('pq', 'sq', 'rq')])
            print_log('per class:\n' + table.get_string(), logger='current')
        return metrics
