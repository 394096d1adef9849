from .incontext_visualizer import (InContextVisualizer, draw_incontext_panel,
                                   write_image)
from .label_overlay import default_palette, draw_label_overlay

__all__ = [
    'InContextVisualizer', 'default_palette', 'draw_incontext_panel',
    'draw_label_overlay', 'write_image'
]
