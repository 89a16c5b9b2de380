"""Reading values one by one as WHO's software would: numbers, codes and ages in any of the
types a caller hands over (numpy, pandas, polars, Arrow, Python objects, text).

Every function here takes one column (or its distinct values) and returns plain numpy arrays
for the kernel: float64 numbers (NaN missing, -inf a value that is not a number) and int8 codes.
A value never raises: it is read, or it is invalid for its row.
"""

from __future__ import annotations

import datetime
import decimal
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels, rules
from .frames import Factorized, arrow_text, column_values, unmask

#: Below this many rows the serial kernel and plain numpy helpers are used: threads would cost
#: more than they save, and a first small call compiles less (numba's cold start).
SMALL = 20_000

#: Text that means "no value" (compared trimmed, in lower case): what pandas, R, Stata and
#: spreadsheets write for an empty cell, and the dash registers put in one.
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "none", "null", "<na>", "nat", "-", "--", "."})


# --- normalisation ------------------------------------------------------------------------------
#: What is trimmed from both ends of text before it is read: white space and NUL characters
#: (numpy's fixed-width text and Stata's str# pad with NULs, and numpy drops trailing ones).
_TRIM = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\x00"


def trim(text: str) -> str:
    return text.strip(_TRIM)


def _is_missing(v: Any) -> bool:
    """None, NaN of any kind (float, complex, Decimal, numpy's NaT), pandas' NA and NaT, a
    masked cell, or text that means no value: missing, as pandas' factorize (used for object
    columns) holds them."""
    if v is None or v is np.ma.masked:
        return True
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    if isinstance(v, str):
        return trim(v).lower() in MISSING_TEXT
    if type(v).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(v, decimal.Decimal):
        return v.is_nan()
    if isinstance(v, complex | np.complexfloating | np.datetime64 | np.timedelta64):
        return bool(v != v)  # NaN parts, NaT
    return False


def _scalar(v: Any) -> Any:
    """A 0-d numpy array is the value it holds (as a single value given for a column is)."""
    if isinstance(v, np.ndarray) and v.ndim == 0 and v is not np.ma.masked:
        return v.item()
    return v


def _is_time(v: Any) -> bool:
    """A date or a duration: never a measurement or a code (numpy's durations are integers to
    Python, and True == 1; each is read as what it is, not as a number)."""
    return isinstance(v, np.timedelta64 | np.datetime64 | datetime.timedelta | datetime.date)


def narrow_float(v: Any) -> bool:
    return isinstance(v, np.float16 | np.float32)


#: Integers up to this size are floats exactly (beyond it, float() rounds or overflows).
_EXACT_INT = 2**53


def parse_number(v: Any) -> float:
    """One value as a float: NaN when missing, -inf when it is not a number (text that is not a
    number, a bool, a date or a duration, a complex number, a list); ±inf beyond the float range.
    This is the definition: every faster path of :func:`as_float` gives the same float."""
    if type(v) is float:  # the common cases first (NaN stays NaN: missing)
        return v
    if type(v) is int and -_EXACT_INT <= v <= _EXACT_INT:  # (bool is not int here)
        return float(v)
    v = _scalar(v)
    try:
        if _is_missing(v):
            return math.nan
        if isinstance(v, bool | np.bool_) or _is_time(v):
            return -math.inf
        if narrow_float(v):  # as a float32 column is read: the decimal that was written
            return float(_shortest_float64(np.array([v]))[0])
        if isinstance(v, numbers.Real | decimal.Decimal):  # numpy numbers, Fraction too
            try:
                return float(v)
            except OverflowError:  # an integer or a fraction beyond the float range
                return math.inf if v > 0 else -math.inf
        if isinstance(v, bytes | np.bytes_):
            v = v.decode("utf-8", errors="replace")
        if not isinstance(v, str):
            return -math.inf  # a complex number, a list, any other object
        return float(trim(v))
    except (ValueError, TypeError, ArithmeticError):
        return -math.inf  # not a number (Decimal('sNaN'), '1,5', 'abc'): invalid, never raised


_ONE_DAY = datetime.timedelta(days=1)
_NUMPY_DAY = np.timedelta64(1, "D")


def duration_days(values: np.ndarray) -> np.ndarray:
    """Days of a numpy array of durations (any unit; NaT missing). Months and years have no
    fixed length in days, so such durations are not ages (-inf: invalid)."""
    if np.datetime_data(values.dtype)[0] in ("Y", "M", "generic"):
        return np.where(np.isnat(values), np.nan, -np.inf)
    out = values / _NUMPY_DAY
    return np.where(np.isnat(values), np.nan, out).astype(np.float64)


def parse_age(v: Any, months: bool) -> float:
    """An age: a number in the call's unit, or a duration (visit date minus birth date, as
    pandas, polars and numpy give it), converted to days or months (30.4375 days each)."""
    if isinstance(v, datetime.timedelta):  # pandas Timedelta is one too
        try:
            days = v / _ONE_DAY
        except (ValueError, TypeError, ArithmeticError):
            return -math.inf
        return days / rules.DAYS_PER_MONTH if months else days
    if isinstance(v, np.timedelta64):  # as a numpy column of durations is read
        days = float(duration_days(np.array([v]))[0])
        return days / rules.DAYS_PER_MONTH if months else days
    return parse_number(v)


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
    """parse_number of each distinct value. When every one is text, numpy reads them all at
    once (its reading of text is Python's float(), after dropping trailing NULs, so it agrees
    with parse_number wherever it succeeds); anything else is read value by value."""
    if all(type(u) is str for u in uniques):
        try:
            return np.array(uniques, dtype=str).astype(np.float64)
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
    """The text WHO compares codes as (str, trimmed, lower case); None when missing. A value
    that cannot be text (a dict, an integer too long to print) gives a key no code has."""
    v = _scalar(v)
    if isinstance(v, bytes | np.bytes_):
        v = v.decode("utf-8", errors="replace")
    if type(v) is str:
        key = trim(v).lower()
        return None if key in MISSING_TEXT else key
    try:
        if _is_missing(v):
            return None
        if isinstance(v, np.ndarray | list | tuple | dict | set):
            return _NO_CODE  # a collection in a cell
        if isinstance(v, float | np.floating | decimal.Decimal) and v == int(v):
            v = int(v)  # 1.0, Decimal("1.0"): the code 1
        return trim(str(v)).lower()
    except (ValueError, TypeError, ArithmeticError, OverflowError):
        return _NO_CODE


#: The key of a value that cannot be a code (no code has it).
_NO_CODE = "\x00invalid"


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
    values = unmask(values)
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
