from .export_pretrained_hook import ExportPretrainedHook
from .incontext_visualization_hook import InContextVisualizationHook
from .trainable_checkpoint_hook import TrainableWeightsCheckpointHook

__all__ = [
    'ExportPretrainedHook', 'InContextVisualizationHook',
    'TrainableWeightsCheckpointHook'
]
