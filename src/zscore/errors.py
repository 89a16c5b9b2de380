"""The library's own exception and warning classes.

:class:`InputError` is a structural problem the caller must fix (a missing column, mismatched
lengths, an unreadable file, a bad option): the call stops with one message. Bad *values* never
raise: their rows get a missing z-score and a reason. :class:`ZScoreWarning` is a note worded for
the user (rows left out, a column taken by its alias, weights set to 0); the command line prints
each as one ``zscore: note:`` line.
"""

from __future__ import annotations


class InputError(ValueError):
    """A structural problem with the input: a missing column, mismatched lengths, a bad option,
    a file that cannot be read."""


class ZScoreWarning(UserWarning):
    """A note from zscore about the input or what was done with it."""
