"""Does a checkpoint's state dict fit a model? Which keys do not?"""
import re
from typing import Mapping, NamedTuple, Sequence, Tuple

# the prefix mmengine strips from checkpoint keys before loading
WRAPPER_PREFIX = re.compile(r'^module\.')


class CheckpointMismatchError(ValueError):
    """A checkpoint's weights do not fit the model being built."""


def strip_wrapper_prefix(state: Mapping) -> dict:
    """Checkpoint keys without the ``module.`` of a DDP-wrapped model."""
    return {WRAPPER_PREFIX.sub('', k): v for k, v in state.items()}


class StateDictMismatch(NamedTuple):
    """Keys of a checkpoint against a model's ``state_dict()``."""
    missing: Sequence[str]  # in the model, not in the checkpoint
    unexpected: Sequence[str]  # in the checkpoint, not in the model
    shapes: Sequence[Tuple[str, tuple, tuple]]  # key, checkpoint, model


def compare_state_dicts(model_state: Mapping,
                        ckpt_state: Mapping) -> StateDictMismatch:
    """Compare the keys and tensor shapes of two state dicts; checkpoint
    keys lose a leading ``module.`` (a DDP-wrapped model's) as mmengine
    does when it loads them."""
    ckpt_state = strip_wrapper_prefix(ckpt_state)
    shapes = []
    for key in ckpt_state.keys() & model_state.keys():
        got = tuple(getattr(ckpt_state[key], 'shape', ()))
        want = tuple(getattr(model_state[key], 'shape', ()))
        if got != want:
            shapes.append((key, got, want))
    return StateDictMismatch(
        missing=sorted(model_state.keys() - ckpt_state.keys()),
        unexpected=sorted(ckpt_state.keys() - model_state.keys()),
        shapes=sorted(shapes))


def _listing(keys: Sequence[str], limit: int) -> str:
    shown = ', '.join(map(str, keys[:limit]))
    more = len(keys) - limit
    return shown + (f' and {more} more' if more > 0 else '')


def describe_mismatch(source: str, mismatch: StateDictMismatch,
                      allow_missing: bool = False, limit: int = 10) -> str:
    """An error message naming the mismatched keys (``limit`` of each kind
    and how many more), or '' when the checkpoint fits. Missing keys count
    only without ``allow_missing``."""
    parts = []
    if mismatch.unexpected:
        parts.append(f'keys not in the model ({len(mismatch.unexpected)}): '
                     f'{_listing(mismatch.unexpected, limit)}')
    if mismatch.shapes:
        shapes = [f'{k} {tuple(got)} in the checkpoint but {tuple(want)} in '
                  'the model' for k, got, want in mismatch.shapes]
        parts.append(f'keys of other shapes ({len(shapes)}): '
                     f'{_listing(shapes, limit)}')
    if mismatch.missing and not allow_missing:
        parts.append('model keys missing from the checkpoint '
                     f'({len(mismatch.missing)}): '
                     f'{_listing(mismatch.missing, limit)}')
    if not parts:
        return ''
    return (f'checkpoint {source} does not fit the model (was it trained '
            'with another model or config?): ' + '; '.join(parts))
