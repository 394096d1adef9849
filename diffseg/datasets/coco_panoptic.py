"""Images with COCO-format panoptic annotations (id PNGs + a segments
json); the format itself is read and written by :mod:`diffseg.fileio`."""
import os.path as osp
from typing import List, Optional

from mmengine import fileio
from mmengine.dataset import BaseDataset

from diffseg.registry import DATASETS

# optional data_prefix folders -> the path key of their PNGs
OPTIONAL_MAPS = dict(depth='depth_path', sem_seg='sem_seg_path')


@DATASETS.register_module()
class CocoPanopticDataset(BaseDataset):
    """Images with COCO-format panoptic annotations.

    Each item holds ``img_path``, ``seg_map_path`` (the id PNG),
    ``image_id`` and ``segments_info`` (json fields plus ``isthing`` and
    ``label``: the category's index in ``metainfo['classes']``),
    ``depth_path`` when ``data_prefix`` has ``depth`` (16-bit PNGs named
    like the id PNGs) and ``sem_seg_path`` when it has ``sem_seg`` (label
    PNGs in the order of ``classes``, 255 = void; otherwise the semantic
    map is derived from the segments). ``metainfo`` gets ``classes``,
    ``categories`` (id, name, isthing), ``thing_classes`` and
    ``stuff_classes`` from the json, sorted by category id.

    Images without a non-crowd segment are left out (as the reference
    code does for both splits). Voiding crowd and small segments for
    training is a pipeline step (``LoadPanopticAnnotations``).

    Args:
        ann_file: the panoptic json, e.g.
            'annotations/panoptic_val2017.json'.
        data_prefix: ``img`` (images), ``seg`` (id PNGs) and optionally
            ``depth`` and ``sem_seg`` folders, relative to ``data_root``.
        filter_empty: leave out images without a non-crowd segment.
        backend_args: storage backend of the json and the folders
            (``mmengine.fileio``); the pipeline's loading steps take their
            own.
    """

    def __init__(self,
                 ann_file: str = 'annotations/panoptic_val2017.json',
                 data_prefix: dict = dict(
                     img='val2017', seg='annotations/panoptic_val2017'),
                 filter_empty: bool = True,
                 backend_args: Optional[dict] = None,
                 **kwargs):
        self.filter_empty = filter_empty
        self.backend_args = backend_args
        super().__init__(ann_file=ann_file, data_prefix=data_prefix,
                         **kwargs)

    def _check_paths(self) -> None:
        if not fileio.isfile(self.ann_file, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'panoptic annotation file {self.ann_file!r} not found: '
                'expected a COCO panoptic json (e.g. '
                'annotations/panoptic_val2017.json)')
        for key in ('img', 'seg', *OPTIONAL_MAPS):
            folder = self.data_prefix.get(key)
            if key not in OPTIONAL_MAPS and folder is None:
                raise ValueError(f'data_prefix needs `{key}`; got '
                                 f'{self.data_prefix}')
            if folder is not None and not fileio.isdir(
                    folder, backend_args=self.backend_args):
                raise FileNotFoundError(f'{key} folder {folder!r} not found')

    def load_data_list(self) -> List[dict]:
        self._check_paths()
        data = fileio.load(self.ann_file, file_format='json',
                           backend_args=self.backend_args)
        categories = sorted(data['categories'], key=lambda c: c['id'])
        labels = {c['id']: i for i, c in enumerate(categories)}
        things = {c['id']: int(c.get('isthing', 1)) for c in categories}
        self._metainfo.update(
            classes=tuple(c['name'] for c in categories),
            categories=[dict(id=c['id'], name=c['name'],
                             isthing=things[c['id']]) for c in categories],
            thing_classes=tuple(c['name'] for c in categories
                                if things[c['id']]),
            stuff_classes=tuple(c['name'] for c in categories
                                if not things[c['id']]))
        images = {img['id']: img for img in data['images']}
        data_list = []
        for ann in data['annotations']:
            image = images.get(ann['image_id'])
            if image is None:
                raise ValueError(f'{self.ann_file}: annotation of image '
                                 f'{ann["image_id"]} has no images entry')
            segments = []
            for seg in ann['segments_info']:
                if seg['category_id'] not in labels:
                    raise ValueError(
                        f'{self.ann_file}: segment {seg["id"]} of image '
                        f'{ann["image_id"]} has unknown category '
                        f'{seg["category_id"]}')
                segments.append(dict(seg, iscrowd=int(seg.get('iscrowd', 0)),
                                     isthing=things[seg['category_id']],
                                     label=labels[seg['category_id']]))
            info = dict(
                img_path=osp.join(self.data_prefix['img'],
                                  image['file_name']),
                seg_map_path=osp.join(self.data_prefix['seg'],
                                      ann['file_name']),
                image_id=ann['image_id'],
                segments_info=segments)
            for key, path_key in OPTIONAL_MAPS.items():
                if self.data_prefix.get(key) is not None:
                    info[path_key] = osp.join(
                        self.data_prefix[key],
                        osp.splitext(ann['file_name'])[0] + '.png')
            data_list.append(info)
        return data_list

    def filter_data(self) -> List[dict]:
        if not self.filter_empty:
            return self.data_list
        return [info for info in self.data_list
                if any(not s['iscrowd'] for s in info['segments_info'])]

    def get_cat_ids(self, idx: int) -> List[int]:
        return sorted({s['category_id']
                       for s in self.get_data_info(idx)['segments_info']})
