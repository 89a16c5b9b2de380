"""Batch entry point: normalise codes and units, call the kernel, assemble the output columns."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels, rules, tables
from .frames import (
    Column,
    Factorized,
    InputError,
    arrow_text,
    attach,
    column_values,
    table_columns,
)

#: The measurement arguments, in kernel order, and WHO's default column names.
MEASUREMENTS = ("weight", "lenhei", "headc", "armc", "triskin", "subskin")
ARGUMENTS = ("sex", "age", "measure", "oedema", *MEASUREMENTS)
_CODE_ARGUMENTS = ("sex", "measure", "oedema")
PRECISIONS = ("who", "full")
#: Below this many rows the serial kernel and plain numpy helpers are used: threads would cost
#: more than they save, and a first small call compiles less (numba's cold start).
SMALL = 20_000
AGE_UNITS = ("days", "months")

_MISSING_TEXT = {"", "na", "nan", "none", "null", "<na>"}
_EMPTY = np.empty(0, dtype=np.float64)
_EMPTY_CODES = np.empty(0, dtype=np.int8)
_NO_OTHER = np.zeros((4, 0))


# --- normalisation ------------------------------------------------------------------------------
def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    if isinstance(v, str):
        return v.strip().lower() in _MISSING_TEXT
    return type(v).__name__ in ("NAType", "NaTType")


def _parse_number(v: Any) -> float:
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


def _parse_age(v: Any, months: bool) -> float:
    """An age: a number in the call's unit, or a duration (visit date minus birth date, as
    pandas, polars and numpy give it), converted to days or months (30.4375 days each)."""
    if isinstance(v, datetime.timedelta):  # pandas Timedelta is one too
        days = v / _ONE_DAY
        return days / rules.DAYS_PER_MONTH if months else days
    if isinstance(v, np.timedelta64):
        return math.nan if np.isnat(v) else _parse_age(_from_numpy_duration(v), months)
    return _parse_number(v)


def _from_numpy_duration(v: np.timedelta64) -> datetime.timedelta:
    """A numpy duration as datetime.timedelta, to the microsecond (numpy's own conversion
    gives an int for nanosecond units)."""
    return datetime.timedelta(microseconds=int(v / np.timedelta64(1, "us")))


def as_age(values: np.ndarray | Factorized, months: bool) -> np.ndarray:
    """float64 ages in the call's unit; durations are converted (see _parse_age)."""
    if isinstance(values, Factorized) and any(
            isinstance(u, datetime.timedelta | np.timedelta64) for u in values.uniques):
        lookup = np.array([_parse_age(u, months) for u in values.uniques] + [math.nan])
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
    return np.array([_parse_number(u) for u in uniques], dtype=np.float64)


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


def _code_key(v: Any) -> str | None:
    """The text WHO compares codes as (str, trimmed, lower case); None when missing."""
    if isinstance(v, bytes | np.bytes_):
        v = v.decode("utf-8", errors="replace")
    if type(v) is str:
        key = v.strip().lower()
        return None if key in _MISSING_TEXT else key
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
    key = _code_key(chr(point) if point else "")  # numpy stores "" as code point 0
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
    for chunk in values.chunks:
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
        lookup = [codes.get(key, invalid) if (key := _code_key(u)) is not None else missing
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


# --- inputs -------------------------------------------------------------------------------------
@dataclass
class Inputs:
    n: int
    sex: np.ndarray
    age: np.ndarray
    measure: np.ndarray
    oedema: np.ndarray
    measurements: dict[str, np.ndarray]  # only the supplied ones


def _resolve(data: Any, given: Mapping[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Map each argument to its column (or array), applying WHO's default column names."""
    chosen: dict[str, Any] = {}
    nrows: int | None = None
    if data is not None:
        names, getter, nrows = table_columns(data)
        for arg in ARGUMENTS:
            value = given[arg]
            if value is None:
                if arg in names:
                    chosen[arg] = getter(arg)
            elif isinstance(value, str):
                if value not in names:
                    raise InputError(
                        f"{arg}={value!r}: no such column; the table has {names[:20]}"
                    )
                chosen[arg] = getter(value)
            else:
                chosen[arg] = value
    else:
        # without a table, a single value (number or code) applies to every row
        chosen = {arg: v for arg, v in given.items() if v is not None}
    return chosen, nrows


def gather_inputs(data: Any, given: Mapping[str, Any], age_unit: str = "days") -> Inputs:
    chosen, nrows = _resolve(data, given)
    if "sex" not in chosen:
        raise InputError("sex is required (column 'sex' or the sex= argument): WHO's standards "
                         "are by sex")
    arrays = {arg: code_column(v) if arg in _CODE_ARGUMENTS else column_values(v)
              for arg, v in chosen.items()}
    lengths = {arg: a.size for arg, a in arrays.items() if isinstance(a, ArrowText)
               or np.ndim(a.codes if isinstance(a, Factorized) else a) == 1}
    n = nrows if nrows is not None else max(lengths.values(), default=1)
    wrong = {arg: size for arg, size in lengths.items() if size != n}
    if wrong:
        raise InputError(f"every column must have {n} values; got {wrong}")
    for arg, a in arrays.items():
        if arg not in lengths:  # a single value for every row
            arrays[arg] = (Factorized(np.zeros(n, dtype=np.int64), a.uniques)
                           if isinstance(a, Factorized) else np.full(n, a, dtype=np.float64))

    def code(arg: str, mapping: Mapping[str, int], missing: int, invalid: int) -> np.ndarray:
        if arg not in arrays:
            return np.full(n, missing, dtype=np.int8)
        return as_code(arrays[arg], mapping, missing, invalid)

    return Inputs(
        n=n,
        sex=code("sex", rules.SEX_CODES, rules.SEX_MISSING, rules.SEX_INVALID),
        age=(as_age(arrays["age"], age_unit == "months") if "age" in arrays
             else np.full(n, np.nan)),
        measure=code("measure", rules.MEASURE_CODES, rules.MEASURE_MISSING, rules.MEASURE_INVALID),
        oedema=code("oedema", rules.OEDEMA_CODES, rules.OEDEMA_NO, rules.OEDEMA_INVALID),
        measurements={m: as_float(arrays[m]) for m in MEASUREMENTS if m in arrays},
    )


# --- the computation ------------------------------------------------------------------------------
_CONSTANTS = np.array([
    rules.DAYS_PER_MONTH, rules.MAX_AGE_MONTHS_2006, rules.MAX_AGE_DAYS_2006,
    rules.LENGTH_HEIGHT_SWITCH_DAY, rules.STANDING_MIN_AGE_MONTHS, rules.LENHEI_ADJUSTMENT_CM,
    rules.WFL_WFH_SWITCH_CM, *rules.WFL_RANGE_CM, *rules.WFH_RANGE_CM,
    rules.MIN_AGE_MONTHS_2007, rules.MAX_AGE_MONTHS_2007, rules.MAX_AGE_MONTHS_WFA_2007,
], dtype=np.float64)
_FLAG_LOW = np.array([i.flag_low for i in rules.INDICATORS_2006])
_FLAG_HIGH = np.array([i.flag_high for i in rules.INDICATORS_2006])
_RESTRICTED = np.array([i.restricted for i in rules.INDICATORS_2006])
_MIN_DAY = np.array([i.min_day for i in rules.INDICATORS_2006], dtype=np.float64)
_NEEDS = {"len": ("lenhei",), "wei": ("weight",), "wfl": ("weight", "lenhei"),
          "bmi": ("weight", "lenhei"), "hc": ("headc",), "ac": ("armc",), "ts": ("triskin",),
          "ss": ("subskin",)}


#: Output columns a category rule may not take.
_RESERVED = {"clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex", "reason", "standard",
             *("z" + n for n in rules.INDICATOR_NAMES), *("f" + n for n in rules.INDICATOR_NAMES)}


def category_scheme(labels: str | Sequence[rules.Category]) -> tuple[rules.Category, ...]:
    """The category rules for ``labels=``: a scheme's name or the user's own rules (checked)."""
    if isinstance(labels, str):
        try:
            return rules.CATEGORY_SCHEMES[labels]
        except KeyError:
            raise InputError(f"labels={labels!r}: choose one of "
                             f"{sorted(rules.CATEGORY_SCHEMES)} or give Category rules") from None
    scheme = tuple(labels)
    if not all(isinstance(c, rules.Category) for c in scheme):
        raise InputError("labels must name a scheme or be a sequence of zscore.rules.Category")
    for c in scheme:
        _check_category(c)
    for i, c in enumerate(scheme):
        for other in scheme[i + 1:]:
            if other.column == c.column and set(other.standards) & set(c.standards):
                raise InputError(f"two category rules write column {c.column!r} for the same "
                                 f"standard ({sorted(set(other.standards) & set(c.standards))})")
    return scheme


def _check_category(c: rules.Category) -> None:
    where = f"Category {c.column!r}"
    if not isinstance(c.column, str) or not c.column or c.column in _RESERVED:
        raise InputError(f"{where}: the column name clashes with an output column")
    if c.indicator not in rules.INDICATOR_NAMES:
        raise InputError(f"{where}: indicator {c.indicator!r} is not one of "
                         f"{list(rules.INDICATOR_NAMES)}")
    values = [value for value, _ in c.cuts]
    if any(not math.isfinite(v) for v in values) or values != sorted(set(values)):
        raise InputError(f"{where}: cuts must be finite and strictly ascending")
    if len(c.labels) != len(c.cuts) + 1:
        raise InputError(f"{where}: {len(c.cuts)} cuts need {len(c.cuts) + 1} labels, "
                         f"got {len(c.labels)}")
    if not set(c.condition) <= set(c.labels):
        raise InputError(f"{where}: condition {c.condition} names labels it does not have")
    if not c.standards or not set(c.standards) <= set(rules.STANDARD_LABELS):
        raise InputError(f"{where}: standards must be among {list(rules.STANDARD_LABELS)}")
    if c.indicator not in rules.INDICATORS_2007 and "2007" in c.standards \
            and "2006" not in c.standards:
        raise InputError(f"{where}: the 2007 reference has no z{c.indicator}")


def check_options(precision: str, age_unit: str, standard: Any = "auto") -> str:
    """Check the options; returns ``standard`` as text (2007 and "2007" are the same)."""
    standard = str(standard)
    if standard not in rules.STANDARDS:
        raise InputError(f"standard={standard!r}: choose 'auto' (WHO 2006 under 60 months, the "
                         "WHO 2007 reference from 60 months), '2006' or '2007'")
    if precision not in PRECISIONS:
        raise InputError(f"precision={precision!r}: choose 'who' (2 decimals, as WHO publishes) "
                         "or 'full'")
    if age_unit not in AGE_UNITS:
        raise InputError(f"age_unit={age_unit!r}: choose 'days' or 'months'")
    return standard


@dataclass
class Raw:
    """Kernel outputs for n rows (numpy), before they become columns."""

    active: tuple[str, ...]  # indicator names computed, WHO order
    standard: np.ndarray  # int8[n]: 0 WHO 2006, 1 WHO 2007
    clenhei: np.ndarray
    cmeasure: np.ndarray
    c9mo: np.ndarray
    cbmi: np.ndarray
    z: np.ndarray  # float64[len(active), n]
    f: np.ndarray  # int8[len(active), n]
    reason: np.ndarray  # int64[n], 5 bits per indicator in kernel order
    cat_columns: tuple[tuple[str, tuple[str, ...]], ...]  # (column, labels) per row of cat
    cat: np.ndarray  # int8[len(cat_columns), n]: index into the column's labels, -1 missing


@dataclass(frozen=True)
class Plan:
    """What the kernel computes for a set of supplied measurements, a standard and a category
    scheme."""

    active: tuple[str, ...]
    slot: np.ndarray
    slot_indicator: np.ndarray
    cat_columns: tuple[tuple[str, tuple[str, ...]], ...]
    cat_slot: np.ndarray
    cat_col: np.ndarray
    cat_std: np.ndarray
    cat_cuts: np.ndarray
    cat_up: np.ndarray
    cat_n: np.ndarray
    cat_remap: np.ndarray  # int8[ncat, max cuts + 1]: a rule's class -> index in its column
    cat_lut: np.ndarray  # int8[ncat, 2 * HUNDREDTHS - 1]: column code of z = k/100


_PLANS: dict[tuple[frozenset[str], str, int], tuple[tuple[rules.Category, ...], Plan]] = {}


def plan(supplied: frozenset[str], standard: str, scheme: tuple[rules.Category, ...]) -> Plan:
    """The cached plan (keyed by the scheme's identity: hashing categories costs more than
    building a small plan, and a one-child call should not pay for it)."""
    key = (supplied, standard, id(scheme))
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is scheme:
        return hit[1]
    if len(_PLANS) > 256:
        _PLANS.clear()
    result = _make_plan(supplied, standard, scheme)
    _PLANS[key] = (scheme, result)
    return result


def _make_plan(supplied: frozenset[str], standard: str,
               scheme: tuple[rules.Category, ...]) -> Plan:
    names = rules.INDICATOR_NAMES if standard != "2007" else rules.INDICATORS_2007
    active = tuple(name for name in names if supplied.issuperset(_NEEDS[name]))
    slot = np.full(len(rules.INDICATOR_NAMES), -1, dtype=np.int64)
    for s, name in enumerate(active):
        slot[rules.INDICATOR_NAMES.index(name)] = s
    wanted = set(rules.STANDARD_LABELS) if standard == "auto" else {standard}
    categories = tuple(c for c in scheme if c.indicator in active and wanted & set(c.standards))
    # one output column per distinct name, its labels the union of its rules' labels
    columns: dict[str, list[str]] = {}
    for c in categories:
        labels = columns.setdefault(c.column, [])
        labels += [lab for lab in c.labels if lab not in labels]
    cat_columns = tuple((name, tuple(labels)) for name, labels in columns.items())
    col_names = list(columns)
    ncut = max((len(c.cuts) for c in categories), default=0)
    cat_slot = np.array([slot[rules.INDICATOR_NAMES.index(c.indicator)] for c in categories],
                        dtype=np.int64)
    cat_col = np.array([col_names.index(c.column) for c in categories], dtype=np.int64)
    cat_std = np.array([sum(1 << rules.STANDARD_LABELS.index(s) for s in set(c.standards))
                        for c in categories], dtype=np.int64)
    cat_cuts = np.zeros((len(categories), ncut))
    cat_up = np.zeros((len(categories), ncut), dtype=np.bool_)
    cat_n = np.array([len(c.cuts) for c in categories], dtype=np.int64)
    cat_remap = np.zeros((len(categories), ncut + 1), dtype=np.int8)
    for j, c in enumerate(categories):
        for k, (value, up) in enumerate(c.cuts):
            cat_cuts[j, k], cat_up[j, k] = value, up
        union = columns[c.column]
        cat_remap[j, : len(c.labels)] = [union.index(lab) for lab in c.labels]
    # the class of every 2-decimal z (WHO precision), by the same boundary rule as the kernel
    h = _kernels.HUNDREDTHS
    zs = np.arange(-(h - 1), h) / 100.0
    cat_lut = np.zeros((len(categories), zs.size), dtype=np.int8)
    for j, c in enumerate(categories):
        classes = np.zeros(zs.size, dtype=np.int64)
        for value, up in c.cuts:
            classes += (zs > value) | ((zs == value) & up)
        cat_lut[j] = cat_remap[j, classes]
    slot_indicator = np.array([rules.INDICATOR_NAMES.index(name) for name in active],
                              dtype=np.int64)
    return Plan(active, slot, slot_indicator, cat_columns, cat_slot, cat_col, cat_std, cat_cuts,
                cat_up, cat_n, cat_remap, cat_lut)


_MODE = {"auto": _kernels.STANDARD_AUTO, "2006": _kernels.STANDARD_2006,
         "2007": _kernels.STANDARD_2007}


def _allocate(n: int, p: Plan, has_len: bool, has_bmi: bool) -> Raw:
    return Raw(
        active=p.active,
        standard=np.empty(n, dtype=np.int8),
        clenhei=np.empty(n if has_len else 0),
        cmeasure=np.empty(n if has_len else 0, dtype=np.int8),
        c9mo=np.empty(n if has_len else 0, dtype=np.int8),
        cbmi=np.empty(n if has_bmi else 0),
        z=np.empty((len(p.active), n)),
        f=np.empty((len(p.active), n), dtype=np.int8),
        reason=np.empty(n, dtype=np.int64),
        cat_columns=p.cat_columns,
        cat=np.empty((len(p.cat_columns), n), dtype=np.int8),
    )


def compute(inp: Inputs, *, age_unit: str, precision: str, scheme: tuple[rules.Category, ...],
            standard: str = "auto", parallel: bool = True,
            buffers: dict | None = None) -> Raw:
    """Run the kernel on normalised inputs. ``buffers`` (one thread's dict, for repeated calls
    on one child) keeps the output arrays of each plan for reuse: the caller must copy what it
    needs before the next call."""
    n = inp.n
    p = plan(frozenset(inp.measurements), standard, scheme)
    slot = p.slot

    m = inp.measurements
    has_len = "lenhei" in m
    has_bmi = has_len and "weight" in m
    other = _NO_OTHER
    if standard != "2007" and any(name in m for name in MEASUREMENTS[2:]):
        other = np.zeros((4, n))
        for row, name in enumerate(MEASUREMENTS[2:]):
            if name in m:
                other[row] = m[name]

    packed = tables.packed_2006()
    if buffers is None:
        raw = _allocate(n, p, has_len, has_bmi)
    else:
        key = (id(p), n, has_len, has_bmi)
        raw = buffers.get(key)
        if raw is None or raw.active is not p.active:
            if len(buffers) > 64:
                buffers.clear()
            raw = buffers[key] = _allocate(n, p, has_len, has_bmi)
    args = (
        inp.sex, inp.age, age_unit == "months", m.get("weight", _EMPTY), m.get("lenhei", _EMPTY),
        inp.measure if has_len else _EMPTY_CODES, inp.oedema, other,
        packed.day_tables, packed.lenhei_tables, tables.packed_2007(), _MODE[standard],
        slot, p.slot_indicator, _FLAG_LOW, _FLAG_HIGH, _RESTRICTED, _MIN_DAY, _CONSTANTS,
        p.cat_slot, p.cat_col, p.cat_std, p.cat_cuts, p.cat_up, p.cat_n, p.cat_remap, p.cat_lut,
        precision == "who",
        raw.standard, raw.clenhei, raw.cmeasure, raw.c9mo, raw.cbmi, raw.z, raw.f, raw.reason,
        raw.cat,
    )
    if parallel and n >= SMALL:
        _kernels.score_parallel(*args)
    else:
        _kernels.score_rows(0, n, *args)
    return raw


# --- reasons ------------------------------------------------------------------------------------
def reason_codes(key: int, active: Sequence[str]) -> dict[str, str]:
    """Per z-score column, the reason name for a packed per-row key (computed ones omitted)."""
    out = {}
    for name in active:
        k = rules.INDICATOR_NAMES.index(name)
        code = (key >> (rules.REASON_BITS * k)) & ((1 << rules.REASON_BITS) - 1)
        if code:
            out["z" + name] = rules.REASONS[code][0]
    return out


def reason_label(key: int, active: Sequence[str]) -> str | None:
    """'oedema: zwei zwfl zbmi; measurement_missing: zhc' (None when every z was computed)."""
    grouped: dict[str, list[str]] = {}
    for column, reason in reason_codes(key, active).items():
        grouped.setdefault(reason, []).append(column)
    if not grouped:
        return None
    return "; ".join(f"{reason}: {' '.join(cols)}" for reason, cols in grouped.items())


def factorize_reasons(
    keys: np.ndarray, active: Sequence[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """int32 codes (-1 where every z was computed) and their labels."""
    if keys.size >= SMALL:  # key 0 (every z computed) is code -1 straight away
        codes, uniques, ok = _kernels.factorize_int64(keys, 1 << 12, True)
        if ok:
            return codes, tuple(reason_label(int(k), active) for k in uniques)
    # numpy for a small batch (nothing to compile for a first call), or many distinct keys
    uniques, codes = np.unique(keys, return_inverse=True)
    codes = codes.astype(np.int32)
    labels = [reason_label(int(k), active) for k in uniques]
    # give OK rows code -1 and renumber the rest densely
    remap = np.full(len(labels), -1, dtype=np.int32)
    kept: list[str] = []
    for j, lab in enumerate(labels):
        if lab is not None:
            remap[j] = len(kept)
            kept.append(lab)
    if len(kept) == len(labels):
        return codes, tuple(kept)
    return remap[codes], tuple(kept)


def columns(raw: Raw, inp: Inputs) -> list[Column]:
    """The output columns, in WHO's order, then categories and the reason."""
    out: list[Column] = []
    if raw.clenhei.size or (inp.n == 0 and "lenhei" in inp.measurements):
        out += [Column("clenhei", "float", raw.clenhei),
                Column("cmeasure", "category", raw.cmeasure - 1, ("l", "h")),
                Column("c9mo_flag", "int", raw.c9mo)]
    if raw.cbmi.size or (inp.n == 0 and {"lenhei", "weight"} <= set(inp.measurements)):
        out.append(Column("cbmi", "float", raw.cbmi))
    csex = np.where(inp.sex > 0, inp.sex, -1).astype(np.int8)
    out.append(Column("csex", "nullable", csex))
    for s, name in enumerate(raw.active):
        out += [Column("z" + name, "float", raw.z[s]), Column("f" + name, "nullable", raw.f[s])]
    for j, (column, labels) in enumerate(raw.cat_columns):
        out.append(Column(column, "category", raw.cat[j], labels))
    codes, labels = factorize_reasons(raw.reason, raw.active)
    out.append(Column("reason", "category", codes, labels))
    out.append(Column("standard", "category", raw.standard, rules.STANDARD_LABELS))
    return out


def classify(
    data: Any = None,
    *,
    sex: Any = None,
    age: Any = None,
    age_unit: str = "days",
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    headc: Any = None,
    armc: Any = None,
    triskin: Any = None,
    subskin: Any = None,
    precision: str = "who",
    labels: str | Sequence[rules.Category] = "who",
    standard: str = "auto",
) -> Any:
    """WHO z-scores, flags and nutrition status, exactly as WHO's R packages compute them:
    ``anthro`` (WHO Child Growth Standards 2006, 0-5 years) and ``anthroplus`` (WHO Growth
    Reference 2007, 5-19 years).

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table, dict of arrays, or None
        The table holding the measurements. When given, each argument below is a column name
        (default: WHO's name, used if the table has it); when None, each argument is an array.
    sex : column name or array
        1/"m"/"M" male, 2/"f"/"F" female (required).
    age : column name or array
        Age in ``age_unit``: exact, not rounded. Missing age: only weight-for-length/height.
    age_unit : {"days", "months"}
        Months are converted with WHO's 30.4375 days per month.
    weight : kg. lenhei : length or height, cm. measure : "l" lying / "h" standing.
    oedema : "y"/"n" (or 1 yes / 2 no; missing means no oedema, as in WHO's software).
    headc, armc : cm. triskin, subskin : mm.
    precision : {"who", "full"}
        "who" (default): z rounded to 2 decimals as WHO publishes, flags and categories from the
        rounded z. "full": unrounded z, flags and categories from it.
    labels : {"who", "id"} or sequence of zscore.rules.Category
        Category scheme: WHO/UNICEF (English) or Indonesia's Permenkes 2/2020.
    standard : {"auto", "2006", "2007"}
        "auto" (default): each row under 60 months (or without an age) is scored with the 2006
        standards, each row from 60 months with the 2007 reference (``zlen``, ``zwei``,
        ``zbmi`` then hold anthroplus's ``zhfa``, ``zwfa``, ``zbfa``). "2006" or "2007": one
        standard for every row, as ``anthro_zscores`` or ``anthroplus_zscores`` would.

    Returns
    -------
    The same kind of table with the columns appended (``clenhei cmeasure c9mo_flag cbmi csex``,
    ``z*``/``f*`` per indicator computed, the category columns, ``reason`` and ``standard``),
    rows untouched. With ``data=None``, a dict of numpy arrays (flags as float32 with NaN for
    missing, categories as object arrays with None).

    Examples
    --------
    >>> import zscore
    >>> out = zscore.classify(sex=[1, 2], age=[400, 1000], weight=[9.1, 11.0],
    ...                       lenhei=[74.0, 86.2], measure=["l", "h"])
    >>> out["zlen"].tolist(), out["stunting"].tolist()
    ([-1.27, -1.81], ['normal', 'normal'])
    >>> teen = zscore.classify(sex=["f"], age=[150.5], age_unit="months", weight=[38.0],
    ...                        lenhei=[146.0])
    >>> teen["standard"].tolist(), teen["zbmi"].tolist(), teen["thinness"].tolist()
    (['2007'], [-0.26], ['normal'])
    """
    standard = check_options(precision, age_unit, standard)
    scheme = category_scheme(labels)
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure, oedema=oedema,
                 headc=headc, armc=armc, triskin=triskin, subskin=subskin)
    inp = gather_inputs(data, given, age_unit)
    raw = compute(inp, age_unit=age_unit, precision=precision, scheme=scheme, standard=standard)
    return attach(data, columns(raw, inp))
