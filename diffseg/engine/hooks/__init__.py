from .checkpoint_fit_hook import CheckpointFitHook, CheckpointMismatchError
from .export_pretrained_hook import ExportPretrainedHook
from .incontext_visualization_hook import InContextVisualizationHook
from .iter_seed_hook import IterSeedHook
from .nonfinite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .open_vocab_visualization_hook import OpenVocabVisualizationHook
from .test_summary_hook import TestSummaryHook
from .text_to_image_sample_hook import TextToImageSampleHook
from .trainable_checkpoint_hook import TrainableWeightsCheckpointHook

__all__ = [
    'CheckpointFitHook', 'CheckpointMismatchError', 'ExportPretrainedHook',
    'InContextVisualizationHook', 'IterSeedHook', 'NonFiniteLossError',
    'NonFiniteLossHook', 'OpenVocabVisualizationHook', 'TestSummaryHook',
    'TextToImageSampleHook', 'TrainableWeightsCheckpointHook'
]
