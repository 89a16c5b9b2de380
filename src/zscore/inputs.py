"""From a table (or arrays) to the kernel's inputs, the same way for every front end.

:func:`gather` resolves the columns (:mod:`zscore.resolve`), reads each value
(:mod:`zscore.parse`), computes ages from dates (:mod:`zscore.dates`), turns survey special
codes into missing values with their own reason, converts units, and checks that values whose
unit nobody stated look like that unit (a height column in metres is one clear error, never a
z-score of -28).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import dates, rules
from .errors import InputError, ZScoreWarning
from .frames import Factorized, column_values, table_columns, unmask
from .parse import ArrowText, as_age, as_code, as_float, code_column, duration_days
from .resolve import (
    CHILD_ARGS,
    CODE_ARGS,
    FACTORS,
    INVALID_CODE,
    MEASUREMENT_ARGS,
    MISSING_CODE,
    UNIT_KIND,
    WHO_UNIT,
    Preset,
    Resolution,
    SpecialCodes,
    detect_preset,
    load_preset,
    nearest,
    not_found,
    option_name,
    parse_units,
    resolve,
    vocabulary,
)

AGE_UNITS = ("days", "months")


@dataclass
class Inputs:
    """The kernel's inputs for n rows: int8 codes, float64 ages and measurements (WHO units)."""

    n: int
    sex: np.ndarray
    age: np.ndarray
    measure: np.ndarray
    oedema: np.ndarray
    measurements: dict[str, np.ndarray]  # only the supplied ones, kg / cm / mm
    age_unit: str = "days"  # the unit of ``age``
    #: measurement -> int8 per row: the reason code of a survey special code (0: none)
    special: dict[str, np.ndarray] = field(default_factory=dict)


def _length(a: Any) -> int | None:
    if isinstance(a, ArrowText):
        return a.size
    inner = a.codes if isinstance(a, Factorized) else a
    return inner.size if np.ndim(inner) == 1 else None


def _broadcast(a: Any, n: int) -> Any:
    """A single value (0-d) repeated for every row."""
    if isinstance(a, Factorized):
        return Factorized(np.zeros(n, dtype=np.int64), a.uniques)
    return np.full(n, a, dtype=a.dtype if isinstance(a, np.ndarray) and a.dtype.kind in "fiuM"
                   else np.float64)


def _duration_days(values: Any) -> np.ndarray | None:
    """Days of a numpy or pandas column of durations (any unit), else None."""
    values = unmask(values)
    if isinstance(values, np.ndarray) and values.dtype.kind == "m":
        return duration_days(values)
    if type(values).__module__.split(".")[0] == "pandas":
        import pandas as pd

        if pd.api.types.is_timedelta64_dtype(values.dtype):
            return duration_days(values.to_numpy(dtype="timedelta64[ns]"))
    return None


def _ages(values: Any, unit: str, special: SpecialCodes | None = None
          ) -> tuple[np.ndarray, str]:
    """An age column in its unit as (ages, kernel unit): years become months; a survey's
    special codes (MICS CAGED 9999) are missing."""
    months = unit in ("months", "years")
    days = _duration_days(values)
    if days is not None:
        ages = days / rules.DAYS_PER_MONTH if months else days
    else:
        if not isinstance(values, np.ndarray | Factorized):
            values = column_values(values)
        ages = as_age(values, months)
        if special is not None:
            hit, _ = special_codes(ages, special)
            ages = np.where(hit, np.nan, ages)
    if unit == "years":
        ages = ages * FACTORS["age"]["years"]
    return ages, "months" if months else "days"


def convert(x: np.ndarray, factor: float) -> np.ndarray:
    """Values times ``factor``, as the decimal a person would write (852 tenths are 85.2 cm, the
    same double as reading "85.2"): division where 1/factor is a whole number, else rounding to
    nine decimals."""
    if factor == 1.0:
        return x
    inverse = 1.0 / factor
    if abs(inverse - round(inverse)) < 1e-9:
        return x / round(inverse)
    return np.round(x * factor, 9)


def gather(
    data: Any,
    given: Mapping[str, Any],
    *,
    age_unit: str | None = None,
    units: Mapping[str, str] | str | None = None,
    date_format: str | None = None,
    preset: str | Preset | Mapping | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    date_numbers: str = "excel",
    args: Sequence[str] = CHILD_ARGS,
    require_measurement: bool = True,
    no_age: str = "warn",
    check: bool = True,
    resolution: Resolution | None = None,
) -> tuple[Inputs, Resolution]:
    """Resolve and read the child's columns.

    ``no_age``: what a table without an age (or dates) gets: "warn", "error" (the command line)
    or "ignore". ``check``: refuse values that look like another unit than the one assumed.
    ``resolution``: the resolution of an earlier batch of the same file (see
    :meth:`Resolution.rebind`); its decisions are kept and nothing is checked again."""
    if resolution is not None:
        return _read(data, resolution.rebind(data), date_numbers, first=False)
    if age_unit is not None and age_unit not in AGE_UNITS:
        raise InputError(f"age_unit={age_unit!r}: choose 'days' or 'months'")
    dates.check_date_format(date_format)
    p = load_preset(preset)
    unit_of = parse_units(units)
    if data is not None and p is None:
        _refuse_survey_file(data, given)
    res = resolve(data, given, preset=p, age_unit=age_unit, units=unit_of,
                  date_format=date_format, value_labels=value_labels, args=args)
    names = table_columns(data)[0] if data is not None else []
    if "sex" not in res.found:
        if data is None:
            raise InputError("sex is required (the sex= argument): WHO's standards are by sex")
        raise not_found("sex", names, extra=": WHO's standards are by sex")
    measured = [m for m in MEASUREMENT_ARGS if m in res.found]
    has_age = "age" in res.found or res.age_from_dates
    if not has_age and data is not None and no_age != "ignore":
        message = ("no age column (looked for age, umur, age_months, ... or a birth date and "
                   "a visit date): only weight-for-length/height can be computed")
        if no_age == "error":
            raise InputError(message + "; name the age with --age COLUMN (or --birth-date and "
                             "--visit-date), or give --no-age to score weight-for-length/height "
                             "only")
        warnings.warn(message, ZScoreWarning, stacklevel=4)
    inp, res = _read(data, res, date_numbers, first=True)
    if require_measurement and not measured:
        if data is None:
            raise InputError("no measurement to score: give weight, lenhei (length/height), "
                             "headc, armc, triskin or subskin")
        close = nearest(names, [a for m in ("weight", "lenhei") for a in
                                vocabulary().aliases[m]])
        hint = f"; nearest: {', '.join(map(repr, close))}" if close else ""
        raise InputError(f"no measurement to score: no column looks like a weight or a "
                         f"length/height (name them with --weight COLUMN, --lenhei COLUMN). The "
                         f"table has {len(names)} columns: {', '.join(map(repr, names[:25]))}"
                         f"{hint}")
    if check and data is not None:  # a table's columns; arrays are taken as the caller gives them
        check_units(inp, res)
    return inp, res


def _read(data: Any, res: Resolution, date_numbers: str, *, first: bool
          ) -> tuple[Inputs, Resolution]:
    """The resolved columns' values for the kernel. ``first``: decisions are made here (a name
    column holding none of its codes is left out); later batches keep them."""
    arrays: dict[str, Any] = {}
    for arg in (*CHILD_ARGS, "birth_date", "visit_date"):
        if arg not in res.found or (arg in ("birth_date", "visit_date")
                                    and not res.age_from_dates):
            continue
        v = res.found[arg].values
        if arg in CODE_ARGS:
            arrays[arg] = code_column(v)
        elif arg == "age" and _duration_days(v) is not None:
            arrays[arg] = v
        elif arg in ("birth_date", "visit_date"):
            arrays[arg] = dates.prepare(v)
        else:
            arrays[arg] = column_values(v)
    lengths = {}
    for arg, a in arrays.items():
        size = len(a) if arg == "age" and not isinstance(a, np.ndarray | Factorized) \
            else _length(a)
        if size is not None:
            lengths[arg] = size
    n = res.n if res.n is not None else max(lengths.values(), default=1)
    wrong = {arg: size for arg, size in lengths.items() if size != n}
    if wrong:
        raise InputError(f"every column must have {n} values; got {wrong}")
    for arg, a in arrays.items():
        if arg not in lengths:
            arrays[arg] = _broadcast(a, n)

    def code(arg: str) -> np.ndarray:
        if arg not in arrays:
            return np.full(n, MISSING_CODE[arg], dtype=np.int8)
        return as_code(arrays[arg], res.codes.get(arg, {}), MISSING_CODE[arg], INVALID_CODE[arg])

    age, kernel_unit = _age(res, arrays, n, date_numbers)
    measurements: dict[str, np.ndarray] = {}
    special: dict[str, np.ndarray] = {}
    for m in (m for m in MEASUREMENT_ARGS if m in res.found):
        x = as_float(arrays[m])
        if m in res.special:
            hit, reason = special_codes(x, res.special[m])
            if hit.any():
                x = np.where(hit, np.nan, x)
                if reason.any():
                    special[m] = reason
        factor = FACTORS[UNIT_KIND[m]][res.unit(m)]
        if factor != 1.0:
            x = convert(x, factor)
        elif x is arrays[m] or (isinstance(arrays[m], np.ndarray)
                                and np.shares_memory(x, arrays[m])):
            x = x.copy() if special else x
        measurements[m] = x
    inp = Inputs(n=n, sex=code("sex"), age=age, measure=code("measure"), oedema=code("oedema"),
                 measurements=measurements, age_unit=kernel_unit, special=special)
    if first:
        for arg in ("measure", "oedema"):
            _drop_if_no_code(inp, res, arg)
    return inp, res


def _drop_if_no_code(inp: Inputs, res: Resolution, arg: str) -> None:
    """A column found only by its name (``position``) that holds none of the argument's codes
    (1 and 2 where l and h are meant) is not that argument: left out, with a note, rather than
    making every z-score that needs it invalid."""
    f = res.found.get(arg)
    if f is None or f.how != "alias":
        return
    codes = getattr(inp, arg)
    given = codes != MISSING_CODE[arg]
    if not given.any() or not (codes[given] == INVALID_CODE[arg]).all():
        return
    setattr(inp, arg, np.full(inp.n, MISSING_CODE[arg], dtype=np.int8))
    del res.found[arg]
    res.absent[arg] = [f.column]
    warnings.warn(f"{f.column!r} looks like the {arg} by its name but holds none of its codes: "
                  f"not used; name it ({option_name(arg)} {f.column}) and give its codes in a "
                  f"mapping file ([codes.{arg}]) to use it", ZScoreWarning, stacklevel=4)


def special_codes(x: np.ndarray, codes: SpecialCodes) -> tuple[np.ndarray, np.ndarray]:
    """Which values are survey special codes (bool), and each one's reason code (int8; 0 for
    a plain missing value)."""
    hit = np.zeros(x.shape, dtype=bool)
    reason = np.zeros(x.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for value, name in codes.exact.items():
            rows = x == value
            hit |= rows
            reason[rows] = rules.REASON_CODE.get(name, 0)
        for low, name in codes.at_least:  # highest threshold first
            rows = (x >= low) & ~hit
            hit |= rows
            reason[rows] = rules.REASON_CODE.get(name, 0)
    return hit, reason


def _age(res: Resolution, arrays: Mapping[str, Any], n: int,
         date_numbers: str) -> tuple[np.ndarray, str]:
    """Ages for the kernel and their unit: days between the dates where both are given (an age
    column, if any, where a date is missing), else the age column in its unit."""
    column_age, column_unit = (None, "days")
    if "age" in arrays:
        column_age, column_unit = _ages(arrays["age"], res.unit("age"), res.special.get("age"))
    if not res.age_from_dates:
        if column_age is None:
            return np.full(n, np.nan), "days"
        return column_age, column_unit
    birth, visit = arrays["birth_date"], arrays["visit_date"]
    order = dates.day_month_order(
        {res.found["birth_date"].column or "birth_date": birth,
         res.found["visit_date"].column or "visit_date": visit}, res.date_format)
    res.date_format = order
    age = dates.age_days(dates.to_days(birth, order, date_numbers),
                         dates.to_days(visit, order, date_numbers))
    parts = res.found["birth_date"].values
    if isinstance(parts, dates.DateColumns) and column_age is not None:
        # an imputed day of birth (DHS: the 16th) after a measurement in the birth month is
        # the imputation's fault, not the child's: the age column is used there
        age[(age < 0) & dates.imputed_days(parts)] = np.nan
    if column_age is not None:
        fill = np.isnan(age)
        if fill.any():
            other = column_age if column_unit == "days" else column_age * rules.DAYS_PER_MONTH
            age[fill] = other[fill]
    return age, "days"


def _refuse_survey_file(data: Any, given: Mapping[str, Any]) -> None:
    """A DHS or MICS file read without its preset would be scored in the wrong units and with
    its special codes as measurements: one error saying which preset to use."""
    if any(given.get(m) is not None for m in MEASUREMENT_ARGS):
        return  # the caller named the measurements: they are read as named
    kinds = detect_preset(data)
    if kinds:
        p = kinds[0]
        raise InputError(
            f"this looks like a {p.title or p.name} file: give preset={p.name!r} (--preset "
            f"{p.name}), which reads its columns, units and special codes; or name the "
            "measurement columns (--weight, --lenhei) to read them as they are")


# --- values that look like another unit -----------------------------------------------------------
#: Fewer valid values than this are not judged (a handful of odd rows get their reasons).
_MIN_VALUES = 5


#: Unit checks look at an evenly spaced sample of at most this many rows.
_SAMPLE = 100_000


def _sample(x: np.ndarray) -> np.ndarray:
    return x if x.size <= _SAMPLE else x[:: x.size // _SAMPLE]


def _median(x: np.ndarray) -> float | None:
    x = _sample(x)
    ok = x[np.isfinite(x) & (x > 0)]
    return float(np.median(ok)) if ok.size >= _MIN_VALUES else None


def _unit_error(arg: str, res: Resolution, looks: str, median: float, suggest: str) -> InputError:
    f = res.found[arg]
    where = repr(f.column) if f.column is not None else f"the {arg} values"
    unit = res.unit(arg)
    read = {"default": "", "name": " (the unit in its name)", "preset": " (the preset's unit)"}
    who = WHO_UNIT[UNIT_KIND[arg]]
    return InputError(
        f"{arg}: the values in {where}, read in {unit}{read.get(f.unit_from, '')}, have a "
        f"median of {median:g} {who}, which no child measures: they look like {looks}; give "
        f"--units {arg}={suggest} (units={{'{arg}': '{suggest}'}} in Python) to convert them, "
        f"or --units {arg}={unit} if they are right")


def check_units(inp: Inputs, res: Resolution) -> None:
    """Raise InputError where a measurement (or age) whose unit the caller did not state (a
    default, a preset's or a column name's unit) gives values no child has: heights in metres,
    inches or millimetres, weights in grams or tenths of a kilogram, circumferences in
    millimetres, ages in months read as days."""
    def assumed(arg: str) -> bool:
        f = res.found.get(arg)
        return f is not None and f.unit_from != "argument" and arg in inp.measurements

    m = inp.measurements
    if assumed("lenhei"):
        med = _median(m["lenhei"])
        if med is not None and med < 3.0:
            raise _unit_error("lenhei", res, "metres", med, "m")
        if med is not None and med < 38.0:  # no cohort of children has a median under 38 cm
            raise _unit_error("lenhei", res, "inches", med, "in")
        if med is not None and med > 300.0:
            raise _unit_error("lenhei", res, "millimetres (or tenths of a centimetre)", med, "mm")
    if assumed("weight"):
        med = _median(m["weight"])
        bmi = None
        if med is not None and "lenhei" in m:
            with np.errstate(all="ignore"):
                bmi = _median(_sample(m["weight"]) / (_sample(m["lenhei"]) / 100.0) ** 2)
        if med is not None and (med > 200.0 or (bmi is not None and bmi > 60.0)):
            if med > 1500.0 or (bmi is not None and bmi > 600.0):
                raise _unit_error("weight", res, "grams", med, "g")
            raise _unit_error("weight", res, "tenths of a kilogram", med, "0.1kg")
        if med is not None and med < 0.5:
            raise _unit_error("weight", res, "kilograms read as grams", med, "kg")
    for arg, limit in (("headc", 150.0), ("armc", 80.0)):  # cm: at most ~55 and ~35
        if assumed(arg):
            med = _median(m[arg])
            if med is not None and med > limit:
                raise _unit_error(arg, res, "millimetres", med, "mm")
    f = res.found.get("age")
    if f is not None and f.unit_from == "default" and not res.age_from_dates:
        _check_age_unit(inp, res)


def _check_age_unit(inp: Inputs, res: Resolution) -> None:
    """Ages assumed in days that fit WHO's curves only when read as months: every age at most
    240, and the children's lengths (or weights) far from the median for their age in days but
    close for the age in months."""
    age = _sample(inp.age)
    step = 1 if age.size == inp.age.size else inp.age.size // _SAMPLE
    ok = np.isfinite(age) & (age >= 0)
    if ok.sum() < 20 or np.quantile(age[ok], 0.95) > 240:  # a few typos do not hide months
        return
    for name in ("lenhei", "weight"):
        if name in inp.measurements:
            break
    else:
        return
    from .classify import compute  # the kernel, on a sample of at most 2,000 rows

    rows = np.flatnonzero(ok & (_sample(inp.sex) > 0)
                          & np.isfinite(_sample(inp.measurements[name])))[:2000] * step
    if rows.size < 20:
        return
    scores = []
    for unit in ("days", "months"):
        sample = Inputs(n=rows.size, sex=inp.sex[rows], age=inp.age[rows],
                        measure=inp.measure[rows], oedema=np.zeros(rows.size, np.int8),
                        measurements={name: inp.measurements[name][rows]}, age_unit=unit)
        raw = compute(sample, age_unit=unit, precision="full", scheme=(), standard="auto",
                      parallel=False)
        z = raw.z[0]
        z = z[np.isfinite(z)]
        scores.append(float(np.median(np.abs(z))) if z.size >= 10 else np.inf)
    days, months = scores
    if days > 3.5 and months < 2.0:
        f = res.found["age"]
        where = repr(f.column) if f.column is not None else "the ages"
        raise InputError(
            f"age: the values in {where} look like months, not days (the heights and weights "
            f"fit WHO's curves for ages in months: median |z| {months:.1f}, against {days:.1f} "
            "for days); give age_unit='months' (--age-unit months), or age_unit='days' "
            "(--age-unit days) if they are days")
