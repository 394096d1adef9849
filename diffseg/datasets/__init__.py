from .shapes_incontext import ShapesInContextDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['ShapesInContextDataset']
