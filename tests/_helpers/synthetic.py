"""The synthetic datasets that tools/dataset_converters/make_synthetic_*.py
write, for tests: the writers and the constants describing what they
write."""
from .paths import load_tool

_semantic = load_tool('dataset_converters/make_synthetic_semantic.py')
_videos = load_tool('dataset_converters/make_synthetic_videos.py')

SEMANTIC_CLASSES = _semantic.SEMANTIC_CLASSES
write_semantic_tree = _semantic.write_semantic_tree
DAVIS_SPLIT = _videos.DAVIS_SPLIT
DAVIS_VIDEOS = _videos.DAVIS_VIDEOS
EMPTY_FRAME = _videos.EMPTY_FRAME
write_davis_tree = _videos.write_davis_tree
STUFF = _videos.STUFF
VSPW_FRAMES = _videos.VSPW_FRAMES
VSPW_VIDEOS = _videos.VSPW_VIDEOS
write_vspw_tree = _videos.write_vspw_tree
