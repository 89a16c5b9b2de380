"""Stata (.dta) and SPSS (.sav, .zsav) files, read and written with pyreadstat.

Codes stay codes: a DHS ``b4`` holding 1 and 2 is read as those numbers, and its value labels
(1 "male", 2 "female") are kept beside the table, where the resolver uses them to read the codes
(:mod:`zscore.resolve`). Written files keep the input's variable labels and value labels, and
zscore's category columns become labelled integer codes, as Stata and SPSS users expect.
Column names that Stata or SPSS do not allow (``Berat Badan (kg)``) are renamed, with the
original name as the variable label and a note.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ZScoreWarning
from . import Dataset


def _path_of(src: Path | bytes, suffix: str) -> tuple[str, str | None]:
    """A path pyreadstat can open (bytes from standard input go to a temporary file)."""
    if isinstance(src, Path):
        return str(src), None
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as fh:
        fh.write(src)
    return name, name


def _read(src: Path | bytes, source: str, kind: str) -> Dataset:
    import pyarrow as pa
    import pyreadstat

    suffix = ".dta" if kind == "stata" else ".sav"
    path, temporary = _path_of(src, suffix)
    try:
        reader = pyreadstat.read_dta if kind == "stata" else pyreadstat.read_sav
        frame, meta = reader(path, apply_value_formats=False)
    finally:
        if temporary:
            os.unlink(temporary)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    labels = {col: dict(lab) for col, lab in (meta.variable_value_labels or {}).items() if lab}
    column_labels = {c: lab for c, lab in (meta.column_names_to_labels or {}).items() if lab}
    return Dataset(table, source, kind, value_labels=labels, column_labels=column_labels,
                   date_numbers=kind, column_types=dict(meta.readstat_variable_types or {}))


def read_stata(src: Path | bytes, *, source: str, sheet: Any = None,
                 names: tuple[str, ...] = ()) -> Dataset:
    _no_sheet(sheet, source)
    return _read(src, source, "stata")


def read_spss(src: Path | bytes, *, source: str, sheet: Any = None,
                 names: tuple[str, ...] = ()) -> Dataset:
    _no_sheet(sheet, source)
    return _read(src, source, "spss")


def _no_sheet(sheet: Any, source: str) -> None:
    if sheet is not None:
        from ..errors import InputError

        raise InputError(f"{source}: --sheet is for Excel workbooks")


#: Longest variable name each program allows, and the characters it allows.
_NAME_LENGTH = {"stata": 32, "spss": 64}
_BAD = re.compile(r"[^A-Za-z0-9_]")


def valid_names(names: list[str], kind: str) -> dict[str, str]:
    """Each column's name as Stata or SPSS allows it (letters, digits and _; a letter first;
    32 or 64 characters), made unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        new = _BAD.sub("_", name).strip("_") or "v"
        if not new[0].isalpha():
            new = "v_" + new
        new = new[: _NAME_LENGTH[kind]]
        base, k = new, 2
        while new.lower() in used:
            suffix = f"_{k}"
            new = base[: _NAME_LENGTH[kind] - len(suffix)] + suffix
            k += 1
        used.add(new.lower())
        out[name] = new
    return out


_INT_TYPES = {"int8": np.int8, "int16": np.int16, "int32": np.int32}


def _frame_and_labels(table: Any, like: Dataset | None, kind: str
                      ) -> tuple[Any, dict[str, dict], dict[str, str]]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    value_labels: dict[str, dict] = dict(like.value_labels) if like is not None else {}
    column_labels: dict[str, str] = dict(like.column_labels) if like is not None else {}
    columns = {}
    for i, f in enumerate(table.schema):
        column = table.column(i)
        if pa.types.is_dictionary(f.type) and f.name == "reason":
            # its labels depend on the data: text, so that appended files agree
            columns[f.name] = column.cast(f.type.value_type).to_pandas()
        elif pa.types.is_dictionary(f.type):  # zscore's categories: 1, 2, ... with labels
            chunks = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            codes = chunks.indices.to_numpy(zero_copy_only=False).astype(np.float64)
            codes[~chunks.is_valid().to_numpy(zero_copy_only=False)] = np.nan
            columns[f.name] = codes + 1
            value_labels[f.name] = {float(k + 1): str(lab) for k, lab
                                    in enumerate(chunks.dictionary.to_pylist())}
        elif pa.types.is_integer(f.type) and column.null_count:
            columns[f.name] = column.to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            columns[f.name] = column.to_pandas()
            stored = like.column_types.get(f.name, "") if like is not None else ""
            if stored.startswith("int") and (pa.types.is_floating(f.type)
                                             or pa.types.is_integer(f.type)):
                values = columns[f.name].to_numpy().astype(np.float64)
                if np.isfinite(values).all() and (values == np.round(values)).all() \
                        and np.abs(values).max(initial=0) < 2**31:  # whole: keep its int type
                    columns[f.name] = values.astype(_INT_TYPES.get(stored, np.int32))
    frame = pd.DataFrame(columns)
    if kind == "stata":
        _within_stata_range(frame)
    rename = valid_names(list(frame.columns), kind)
    renamed = {old: new for old, new in rename.items() if old != new}
    if renamed:
        shown = ", ".join(f"{old!r} -> {new}" for old, new in list(renamed.items())[:6])
        more = f" and {len(renamed) - 6} more" if len(renamed) > 6 else ""
        warnings.warn(f"{kind.capitalize()} does not allow some column names; renamed "
                      f"{shown}{more} (the original names are the variable labels)",
                      ZScoreWarning, stacklevel=4)
        for old in renamed:
            column_labels.setdefault(old, old)
        frame = frame.rename(columns=rename)
    value_labels = {rename[c]: lab for c, lab in value_labels.items() if c in rename}
    column_labels = {rename[c]: lab for c, lab in column_labels.items() if c in rename}
    return frame, value_labels, column_labels


#: The largest double Stata stores (above it are its missing values .a-.z); it has no infinity.
STATA_MAX_DOUBLE = 8.988465674311579e307


def _within_stata_range(frame: Any) -> None:
    """Numbers Stata cannot store (beyond +-8.99e+307, infinities: a z-score of an absurd
    weight) as missing, with a note; pyreadstat would refuse the whole file."""
    changed = []
    for name in frame.columns:
        values = frame[name]
        if values.dtype.kind != "f":
            continue
        array = values.to_numpy()
        outside = np.abs(array) > STATA_MAX_DOUBLE  # NaN compares False; inf is outside
        if outside.any():
            array = array.copy()
            array[outside] = np.nan
            frame[name] = array
            changed.append(f"{int(outside.sum()):,} in {name!r}")
    if changed:
        warnings.warn("Stata stores no number beyond +-8.99e+307 (nor infinity): values written "
                      f"as missing: {', '.join(changed)}", ZScoreWarning, stacklevel=4)


def write_stata(table: Any, path: Path, *, like: Dataset | None = None,
                progress: Callable[[int], None] | None = None, name: str = "") -> None:
    import pyreadstat

    frame, value_labels, column_labels = _frame_and_labels(table, like, "stata")
    labels = [column_labels.get(c) for c in frame.columns]
    pyreadstat.write_dta(frame, str(path), column_labels=labels,
                         variable_value_labels=value_labels or None, version=15)
    if progress is not None:
        progress(len(frame))


#: The longest string SPSS keeps whole (pyreadstat writes longer ones broken, without an error).
SPSS_MAX_STRING = 32_767


def write_spss(table: Any, path: Path, *, like: Dataset | None = None,
               progress: Callable[[int], None] | None = None, name: str = "") -> None:
    import pyreadstat

    from .excel import longest_text

    longest = longest_text(table, SPSS_MAX_STRING)
    if longest is not None:
        from ..errors import InputError

        raise InputError(f"{name or path}: a value of column {longest[0]!r} holds "
                         f"{longest[1]:,} characters; SPSS keeps at most {SPSS_MAX_STRING:,}; "
                         "write .csv, .parquet or .dta")

    frame, value_labels, column_labels = _frame_and_labels(table, like, "spss")
    labels = [column_labels.get(c) for c in frame.columns]
    pyreadstat.write_sav(frame, str(path), column_labels=labels,
                         variable_value_labels=value_labels or None,
                         compress=name.lower().endswith(".zsav"))
    if progress is not None:
        progress(len(frame))
