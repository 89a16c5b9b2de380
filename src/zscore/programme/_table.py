"""Small helpers the programme tools share: a table's columns as Python values."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InputError, ZScoreWarning
from ..frames import Factorized, column_values, table_columns
from ..resolve import Resolution, column_name, load_preset, resolve


def values_list(values: Any) -> list:
    """A column of any library as a list of Python values (None where missing)."""
    v = column_values(values)
    if isinstance(v, Factorized):
        uniques = list(v.uniques)
        return [uniques[c] if c >= 0 else None for c in np.asarray(v.codes).tolist()]
    return [None if x != x else x for x in np.asarray(v, dtype=np.float64).tolist()]


def text_key(value: Any) -> str | None:
    """A value as a grouping or id key: text trimmed; whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    text = " ".join(str(value).split())
    return text or None


def find_programme(data: Any, given: Mapping[str, Any], preset: Any = None,
                   required: Sequence[str] = (), optional: Sequence[str] = ()) -> Resolution:
    """The programme columns a table has (named, by the preset, else by alias).

    ``required``: the columns the tool works on (two candidates for one are an error);
    ``optional``: places used for grouping by default (desa, posyandu, ...): an ambiguous one is
    left out with a note rather than stopping the run."""
    if data is None:
        raise InputError("give a table (a DataFrame, Arrow table or dict of columns): the "
                         "programme tools read a register")
    p = load_preset(preset)
    named = {k: v for k, v in given.items() if v is not None}
    found = resolve(data, named, preset=p, args=tuple(required))
    for arg in optional:
        if arg in found.found:
            continue
        try:
            one = resolve(data, {arg: named[arg]} if arg in named else {}, preset=p,
                          args=(arg,))
        except InputError as exc:
            if arg in named:
                raise
            why = str(exc).split("; name the one")[0]
            warnings.warn(f"{why}: not used for groups; name the groups with by= (--by)",
                          ZScoreWarning, stacklevel=3)
            continue
        found.found.update(one.found)
    return found


def group_columns(data: Any, by: Sequence[str] | str | None, found: Resolution,
                  default: Sequence[str]) -> list[str]:
    """The grouping columns: those named in ``by`` (any case), else the ``default`` programme
    arguments the table has (desa, posyandu, ...)."""
    if isinstance(by, str):
        by = [b.strip() for b in by.split(",") if b.strip()]
    if by:
        return [column_name(data, "by", name) for name in by]
    return [found.found[a].column for a in default if a in found.found
            and found.found[a].column is not None]


def n_rows(data: Any) -> int:
    return table_columns(data)[2]
