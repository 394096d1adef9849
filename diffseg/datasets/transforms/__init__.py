from .episode_augmentation import EpisodeAugmentation
from .formatting import PackInContextInputs
from .known_segments import SampleKnownSegments
from .panoptic_transforms import (LoadPanopticAnnotations,
                                  PackPanopticInputs, RandomFlipPanoptic,
                                  ResizePanoptic)
from .resize import ResizeEpisode

__all__ = [
    'EpisodeAugmentation', 'PackInContextInputs', 'ResizeEpisode',
    'LoadPanopticAnnotations', 'PackPanopticInputs', 'RandomFlipPanoptic',
    'ResizePanoptic', 'SampleKnownSegments'
]
