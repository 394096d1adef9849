"""Example out-of-tree component: a prompt encoder registered into diffseg."""
from .mean_colour_encoder import MeanColourPromptEncoder

__all__ = ['MeanColourPromptEncoder']
