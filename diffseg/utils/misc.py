"""Small argument checks shared by components."""
from typing import Any, Sequence


def check_choice(name: str, value: Any, choices: Sequence) -> None:
    """Raise a ValueError naming ``name`` when ``value`` is not a choice."""
    if value not in choices:
        raise ValueError(f'{name} {value!r} is unknown; expected one of '
                         f'{tuple(choices)}')
