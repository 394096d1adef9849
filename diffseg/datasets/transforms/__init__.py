from .formatting import PackInContextInputs

__all__ = ['PackInContextInputs']
