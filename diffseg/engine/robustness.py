"""The hooks every diffseg training run gets (tools/train.py)."""
from mmengine.config import Config

# stop at a non-finite loss before it is saved; seed every iteration so
# that --resume continues exactly; refuse checkpoints of another model
ROBUSTNESS_HOOKS = ('NonFiniteLossHook', 'IterSeedHook', 'CheckpointFitHook')


def add_robustness_hooks(cfg: Config) -> None:
    """Append to ``cfg.custom_hooks`` the ROBUSTNESS_HOOKS it does not list
    (a config listing one, e.g. with other arguments, keeps its own)."""
    hooks = list(cfg.get('custom_hooks', None) or [])
    listed = {hook.get('type') for hook in hooks}
    hooks += [dict(type=name) for name in ROBUSTNESS_HOOKS
              if name not in listed]
    cfg.custom_hooks = hooks
