from .export_pretrained_hook import ExportPretrainedHook
from .incontext_visualization_hook import InContextVisualizationHook

__all__ = ['ExportPretrainedHook', 'InContextVisualizationHook']
