"""What LDMSeg generates (TASKS, registered by task name): target latents
of annotations and predictions decoded from latents."""
from .base import BaseTask, KnownLatents
from .depth_task import DepthFoldCodec, DepthTask
from .id_map_task import IdMapTask
from .panoptic_task import PanopticTask, restore_known_ids
from .semantic_task import SemanticTask

__all__ = [
    'BaseTask', 'DepthFoldCodec', 'DepthTask', 'IdMapTask', 'KnownLatents',
    'PanopticTask', 'SemanticTask', 'restore_known_ids'
]
