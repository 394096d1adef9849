from .incontext_test_loop import InContextTestLoop

__all__ = ['InContextTestLoop']
