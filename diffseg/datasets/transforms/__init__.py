from .episode_augmentation import EpisodeAugmentation
from .formatting import PackInContextInputs
from .resize import ResizeEpisode

__all__ = ['EpisodeAugmentation', 'PackInContextInputs', 'ResizeEpisode']
