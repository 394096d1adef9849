from .formatting import PackInContextInputs
from .resize import ResizeEpisode

__all__ = ['PackInContextInputs', 'ResizeEpisode']
