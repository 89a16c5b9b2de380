"""The library's own exception and warning classes.

:class:`InputError` is a structural problem the caller must fix (a missing column, mismatched
lengths, an unreadable file, a bad option): the call stops with one message. Bad *values* never
raise: their rows get a missing z-score and a reason. :class:`ZScoreWarning` is a note worded for
the user (rows left out, a column taken by its alias, weights set to 0); the command line prints
each as one ``zscore: note:`` line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import numpy as np

P = ParamSpec("P")
R = TypeVar("R")


class InputError(ValueError):
    """A structural problem with the input: a missing column, mismatched lengths, a bad option,
    a file that cannot be read."""


class ZScoreWarning(UserWarning):
    """A note from zscore about the input or what was done with it."""


def quiet_numpy(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with numpy's floating-point warnings off. Overflow, underflow and
    invalid operations on bad values (a weight of 1e308, a length of 1e-320) are part of the
    computation: their rows get a reason, and numpy's wording ("overflow encountered in
    multiply") would only be noise."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper
