from .incontext_visualizer import InContextVisualizer, draw_incontext_panel
from .label_overlay import draw_label_overlay
from .style import default_palette

__all__ = [
    'InContextVisualizer', 'default_palette', 'draw_incontext_panel',
    'draw_label_overlay'
]
