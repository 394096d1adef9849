from .incontext_visualizer import InContextVisualizer, draw_incontext_panel
from .label_overlay import draw_label_overlay
from .open_vocab_panel import attention_heatmap, draw_open_vocab_panel
from .style import default_palette

__all__ = [
    'InContextVisualizer', 'attention_heatmap', 'default_palette',
    'draw_incontext_panel', 'draw_label_overlay', 'draw_open_vocab_panel'
]
