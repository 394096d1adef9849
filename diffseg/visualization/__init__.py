from .incontext_visualizer import (InContextVisualizer, draw_incontext_panel,
                                   write_image)

__all__ = ['InContextVisualizer', 'draw_incontext_panel', 'write_image']
