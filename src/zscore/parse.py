"""Reading values one by one as WHO's software would: numbers, codes and ages in any of the
types a caller hands over (numpy, pandas, polars, Arrow, Python objects, text).

Every function here takes one column (or its distinct values) and returns plain numpy arrays
for the kernel: float64 numbers (NaN missing, -inf a value that is not a number) and int8 codes.
A value never raises: it is read, or it is invalid for its row.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels, rules
from .frames import Factorized, arrow_text, column_values

#: Below this many rows the serial kernel and plain numpy helpers are used: threads would cost
#: more than they save, and a first small call compiles less (numba's cold start).
SMALL = 20_000

#: Text that means "no value" (compared trimmed, in lower case): what pandas, R, Stata and
#: spreadsheets write for an empty cell, and the dash registers put in one.
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "none", "null", "<na>", "nat", "-", "--", "."})


# --- normalisation ------------------------------------------------------------------------------
def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    if isinstance(v, str):
        return v.strip().lower() in MISSING_TEXT
    return type(v).__name__ in ("NAType", "NaTType")


def parse_number(v: Any) -> float:
    if type(v) is float:  # the common case first (NaN stays NaN: missing)
        return v
    if _is_missing(v):
        return math.nan
    if isinstance(v, bool | np.bool_):
        return -math.inf
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    if isinstance(v, bytes | np.bytes_):
        v = v.decode("utf-8", errors="replace")
    try:
        return float(str(v).strip())
    except ValueError:
        return -math.inf  # not a number: invalid, never an exception


_ONE_DAY = datetime.timedelta(days=1)


def parse_age(v: Any, months: bool) -> float:
    """An age: a number in the call's unit, or a duration (visit date minus birth date, as
    pandas, polars and numpy give it), converted to days or months (30.4375 days each)."""
    if isinstance(v, datetime.timedelta):  # pandas Timedelta is one too
        days = v / _ONE_DAY
        return days / rules.DAYS_PER_MONTH if months else days
    if isinstance(v, np.timedelta64):
        return math.nan if np.isnat(v) else parse_age(_from_numpy_duration(v), months)
    return parse_number(v)


def _from_numpy_duration(v: np.timedelta64) -> datetime.timedelta:
    """A numpy duration as datetime.timedelta, to the microsecond (numpy's own conversion
    gives an int for nanosecond units)."""
    return datetime.timedelta(microseconds=int(v / np.timedelta64(1, "us")))


def as_age(values: np.ndarray | Factorized, months: bool) -> np.ndarray:
    """float64 ages in the call's unit; durations are converted (see parse_age)."""
    if isinstance(values, Factorized) and any(
            isinstance(u, datetime.timedelta | np.timedelta64) for u in values.uniques):
        lookup = np.array([parse_age(u, months) for u in values.uniques] + [math.nan])
        return lookup[values.codes]
    return as_float(values)


def _shortest_float64(values: np.ndarray) -> np.ndarray:
    """float32 (or float16) values as the float64 of their shortest decimal text: a length
    stored as float32 44.3 is 44.2999992..., which would fall just below the 44.3 cm row; its
    text, 44.3, is what was measured. For each value the fewest decimals (0..9) that give the
    same float32 back; values no such rounding reproduces keep their exact widening."""
    exact = values.astype(np.float64)
    out = exact.copy()
    todo = np.isfinite(exact)
    for k in range(10):
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        rounded = np.round(exact[idx], k)
        same = rounded.astype(values.dtype) == values[idx]
        out[idx[same]] = rounded[same]
        todo[idx[same]] = False
    return out


def _parse_uniques(uniques: list) -> np.ndarray:
    try:  # the common case, every distinct value a well-formed number: one numpy conversion
        text = np.array(uniques, dtype=str)
        if not any(isinstance(u, bool | np.bool_) for u in uniques):
            return text.astype(np.float64)
    except (ValueError, TypeError):
        pass
    return np.array([parse_number(u) for u in uniques], dtype=np.float64)


def as_float(values: np.ndarray | Factorized) -> np.ndarray:
    """float64 measurements: NaN = missing; text that is not a number becomes -inf (invalid)."""
    if isinstance(values, Factorized):
        lookup = np.append(_parse_uniques(values.uniques), np.nan)
        return lookup[values.codes]  # code -1 (missing) picks the trailing NaN
    if values.dtype.kind == "f" and values.dtype.itemsize < 8:
        return _shortest_float64(values)
    if values.dtype.kind in "fiu":
        return np.ascontiguousarray(values, dtype=np.float64)
    return as_float(column_values(values))


def code_text(v: Any) -> str | None:
    """The text WHO compares codes as (str, trimmed, lower case); None when missing."""
    if isinstance(v, bytes | np.bytes_):
        v = v.decode("utf-8", errors="replace")
    if type(v) is str:
        key = v.strip().lower()
        return None if key in MISSING_TEXT else key
    if _is_missing(v):
        return None
    if isinstance(v, float | np.floating) and float(v).is_integer():
        v = int(v)
    return str(v).strip().lower()


#: Code points with a precomputed code table (text codes beyond them are looked up one by one).
_ASCII = 128
_POINT_TABLES: dict[tuple, np.ndarray] = {}


def _one_char_text(values: Any) -> bool:
    """A large numpy array of one-character text (``<U1``, native byte order): parsed by
    code point in parallel, without factorizing it first."""
    return (isinstance(values, np.ndarray) and values.ndim == 1 and values.size >= SMALL
            and values.dtype.kind == "U" and values.dtype.itemsize == 4
            and values.dtype.isnative)


def _point_code(point: int, codes: Mapping[str, int], missing: int, invalid: int) -> int:
    key = code_text(chr(point) if point else "")  # numpy stores "" as code point 0
    return missing if key is None else codes.get(key, invalid)


def _codes_from_text(values: np.ndarray, codes: Mapping[str, int], missing: int,
                     invalid: int) -> np.ndarray:
    """int8 codes of a ``<U1`` array (see _one_char_text): ASCII through a table in one
    parallel pass, any other character by its own text."""
    table = _point_table(codes, missing, invalid)
    points = values.view(np.uint32)
    out, unmapped = _kernels.codes_from_points(points, table)
    if unmapped:
        where = np.flatnonzero(out == _kernels.UNMAPPED)
        distinct, index = np.unique(points[where], return_inverse=True)
        lookup = [_point_code(int(p), codes, missing, invalid) for p in distinct]
        out[where] = np.array(lookup, dtype=np.int8)[index]
    return out


def _point_table(codes: Mapping[str, int], missing: int, invalid: int) -> np.ndarray:
    """int8 code of "" (at 0) and of each ASCII character (cached per mapping)."""
    key = (tuple(codes.items()), missing, invalid)
    table = _POINT_TABLES.get(key)
    if table is None:
        table = np.array([_point_code(p, codes, missing, invalid) for p in range(_ASCII)],
                         dtype=np.int8)
        _POINT_TABLES[key] = table
    return table


@dataclass(frozen=True)
class ArrowText:
    """A large text column held by Arrow (see frames.arrow_text): its string chunks."""

    chunks: list

    @property
    def size(self) -> int:
        return sum(len(c) for c in self.chunks)


def _arrow_text(values: Any) -> ArrowText | None:
    """ArrowText for a large Arrow-held text column, else None."""
    if isinstance(values, np.ndarray | list | tuple | str) or not hasattr(values, "__len__"):
        return None
    if len(values) < SMALL:
        return None
    chunks = arrow_text(values)
    return ArrowText(chunks) if chunks is not None else None


def _codes_from_arrow(values: ArrowText, codes: Mapping[str, int], missing: int,
                      invalid: int) -> np.ndarray:
    """int8 codes of Arrow strings: "" and one ASCII character through a table in one
    parallel pass over the offsets and bytes, null as missing, any other string by its text."""
    table = _point_table(codes, missing, invalid)
    parts = []
    chunks = values.chunks
    if len(chunks) > 8 and sum(c.nbytes for c in chunks) < 1 << 30:
        import pyarrow as pa  # one parallel pass, not one per chunk (a CSV has hundreds)

        chunks = [pa.concat_arrays(chunks)]
    for chunk in chunks:
        validity, offsets, data = chunk.buffers()
        wide = np.int64 if chunk.type.id == _large_string_id() else np.int32
        out, unmapped = _kernels.codes_from_utf8(
            np.frombuffer(offsets, dtype=wide),
            np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(1, np.uint8),
            np.frombuffer(validity, dtype=np.uint8) if validity is not None and chunk.null_count
            else np.zeros(0, np.uint8),
            chunk.offset, len(chunk), table, np.int8(missing))
        if unmapped:
            import pyarrow as pa

            where = np.flatnonzero(out == _kernels.UNMAPPED)
            out[where] = as_code(column_values(chunk.take(pa.array(where))), codes, missing,
                                 invalid)
        parts.append(out)
    return np.concatenate(parts) if len(parts) != 1 else parts[0]


def _large_string_id() -> int:
    import pyarrow as pa

    return pa.large_string().id


def code_column(values: Any) -> np.ndarray | Factorized | ArrowText:
    """A sex, measure or oedema column as :func:`as_code` takes it: large one-character numpy
    text and Arrow-held text as they are (read in parallel), anything else through
    column_values."""
    if _one_char_text(values):
        return values
    text = _arrow_text(values)
    return text if text is not None else column_values(values)


def as_code(values: np.ndarray | Factorized | ArrowText, codes: Mapping[str, int], missing: int,
            invalid: int) -> np.ndarray:
    """int8 codes for sex, measure or oedema values."""
    if isinstance(values, ArrowText):
        return _codes_from_arrow(values, codes, missing, invalid)
    if isinstance(values, Factorized):
        lookup = [codes.get(key, invalid) if (key := code_text(u)) is not None else missing
                  for u in values.uniques]
        return np.array([*lookup, missing], dtype=np.int8)[values.codes]
    if _one_char_text(values):
        return _codes_from_text(values, codes, missing, invalid)
    if values.dtype.kind not in "fiu":
        return as_code(column_values(values), codes, missing, invalid)
    if (values.size >= SMALL and values.ndim == 1 and values.dtype.isnative
            and values.dtype != np.float16):  # one parallel pass (numpy: one per code)
        numbers = {float(k): c for k, c in codes.items() if k.isdigit()}
        return _kernels.codes_from_numbers(
            values, np.array(list(numbers), dtype=np.float64),
            np.array(list(numbers.values()), dtype=np.int8), np.int8(missing), np.int8(invalid))
    out = np.full(values.shape, invalid, dtype=np.int8)
    for number, code in {float(k): c for k, c in codes.items() if k.isdigit()}.items():
        out[values == number] = code
    if values.dtype.kind == "f":
        out[np.isnan(values)] = missing
    return out
