"""Dates of birth and of measurement, read as users store them, and the age between them.

A date column may hold real dates (numpy, pandas, polars or Arrow dates and timestamps, Python
``date``/``datetime`` objects), text (ISO ``2024-03-15``, ``15/03/2024``, ``15-03-2024``,
``15.03.24``, ``15 Maret 2024``, ``Mar 15, 2024``, ``20240315``) or numbers (Excel serial days,
Stata ``%td`` days, SPSS seconds). Every distinct value is read once, so a register of ten
million weighings with a few thousand distinct dates costs a few thousand parses.

The result is days since 1970-01-01 as float64: NaN where the date is missing, ``-inf`` where it
cannot be read (which the kernel reports as ``age_invalid``). The age in days is the visit's day
minus the birth's day, as WHO Anthro computes it from two dates; a time of day is ignored.

Text with the day and the month both as numbers (``03/04/2024``) is read in one order for the
whole call: day first when some first field exceeds 12, month first when some second field
does, and otherwise the caller must say (``date_format="dmy"`` or ``"mdy"``): guessing would
move a child's age by months without a trace.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError
from .frames import Factorized, column_values
from .parse import MISSING_TEXT, as_float

#: ``date_format`` values: the order of numeric day/month/year text, or what a number means.
#: Any other value containing ``%`` is a ``datetime.strptime`` pattern ("%d/%m/%Y").
ORDERS = ("dmy", "mdy", "ymd")
NUMBER_SYSTEMS = ("excel", "stata", "spss", "cdc")
DATE_FORMATS = (*ORDERS, *NUMBER_SYSTEMS)

_EPOCH = datetime.date(1970, 1, 1).toordinal()
#: Day 0 of each number system, in days since 1970-01-01. Excel: serial 25569 is 1970-01-01 (the
#: 1900 date system, Windows Excel's default); Stata %td: days since 1960-01-01; SPSS: seconds
#: since 1582-10-14. DHS century day codes (CDC) count days as Excel does, 1900 a leap year
#: included (DHS Program, "calculating the age of children"): a CDC is an Excel serial.
_EXCEL_1970 = 25569
_EXCEL_LAST = 2958465  # 9999-12-31
_STATA_ZERO = datetime.date(1960, 1, 1).toordinal() - _EPOCH
_SPSS_ZERO = datetime.date(1582, 10, 14).toordinal() - _EPOCH

_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january", "janv", "janvier", "enero", "ene"), 1),
    **dict.fromkeys(("feb", "februari", "pebruari", "february", "febr", "feb", "fev",
                     "fevrier", "février", "febrero"), 2),
    **dict.fromkeys(("mar", "maret", "march", "mrt", "mars", "marzo"), 3),
    **dict.fromkeys(("apr", "april", "avr", "avril", "abr", "abril"), 4),
    **dict.fromkeys(("mei", "may", "mai", "mayo"), 5),
    **dict.fromkeys(("jun", "juni", "june", "juin", "junio"), 6),
    **dict.fromkeys(("jul", "juli", "july", "juil", "juillet", "julio"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agus", "agustus", "aug", "august", "aout", "août",
                     "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre", "septiembre"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october", "octobre", "octubre"), 10),
    **dict.fromkeys(("nov", "nopember", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december", "decembre", "décembre", "dic",
                     "diciembre"), 12),
}
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?(?: ?[ap]m)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME, re.IGNORECASE)
_NUMERIC_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[ \-/.]+([^\W\d_]+)\.?[ \-/.,]+(\d{4}|\d{2})" + _TIME,
                            re.IGNORECASE)
_NAME_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?[ \-/.]+(\d{1,2})(?:st|nd|rd|th)?,?[ \-/.]+(\d{4})"
                            + _TIME, re.IGNORECASE)
_YEAR_NAME_DAY = re.compile(r"(\d{4})[ \-/.]+([^\W\d_]+)\.?[ \-/.]+(\d{1,2})" + _TIME,
                            re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d*)?")
_EIGHT_DIGITS = re.compile(r"\d{8}")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class DateColumns:
    """A date held as three columns of numbers: day, month and year (DHS, MICS). A day that is
    missing or above 31 is unknown: ``impute_day`` when given (DHS uses 16), else the date is
    missing; an unknown month or year makes it missing."""

    day: Any
    month: Any
    year: Any
    impute_day: int | None = None

    def __len__(self) -> int:
        return len(self.year)


def imputed_days(parts: DateColumns) -> np.ndarray:
    """Which rows of a day/month/year date had their day imputed (an unknown day)."""
    if parts.impute_day is None:
        return np.zeros(len(parts), dtype=bool)
    day = as_float(column_values(parts.day))
    return ~((day >= 1) & (day <= 31))


def _from_parts(parts: DateColumns) -> np.ndarray:
    day, month, year = (as_float(column_values(c)) for c in (parts.day, parts.month,
                                                                 parts.year))
    unknown_day = ~((day >= 1) & (day <= 31))
    if parts.impute_day is not None:
        day = np.where(unknown_day, float(parts.impute_day), day)
        unknown_day = np.zeros(day.shape, dtype=bool)
    whole = (day == np.floor(day)) & (month == np.floor(month)) & (year == np.floor(year))
    known = ~unknown_day & whole & (month >= 1) & (month <= 12) & (year >= 1) & (year <= 9990)
    out = np.full(day.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    rows = np.flatnonzero(known)
    y, m, d = (a[rows].astype(np.int64) for a in (year, month, day))
    first = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    start = first.astype("datetime64[D]")
    length = ((first + 1).astype("datetime64[D]") - start).astype(np.int64)
    fits = d <= length  # 31/02 is no date
    out[rows[fits]] = start[fits] + (d[fits] - 1)
    return out


def check_date_format(date_format: str | None) -> None:
    if date_format is None or date_format in DATE_FORMATS or "%" in str(date_format):
        return
    raise InputError(f"date_format={date_format!r}: choose one of {list(DATE_FORMATS)} or a "
                     "strptime pattern such as '%d/%m/%Y'")


def _ordinal_days(year: int, month: int, day: int) -> float:
    try:
        return float(datetime.date(year, month, day).toordinal() - _EPOCH)
    except ValueError:  # 31/02/2024, month 13, ...
        return -math.inf


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one as strptime reads it (69-99: 1900s, else 2000s)."""
    value = int(text)
    if len(text) == 2:
        return value + (1900 if value >= 69 else 2000)
    return value


def _from_number(x: float, system: str) -> float:
    if not math.isfinite(x):
        return -math.inf
    if 19000101 <= x <= 21001231 and x == int(x):  # 20240315: year, month, day as one number
        v = int(x)
        return _ordinal_days(v // 10000, v // 100 % 100, v % 100)
    if system in ("excel", "cdc"):
        serial = math.floor(x)
        if serial == 60 or serial < 1 or serial > _EXCEL_LAST:  # 1900-02-29 never existed
            return -math.inf
        return float(serial - _EXCEL_1970 + (1 if serial < 60 else 0))
    if system == "stata":
        return float(math.floor(x) + _STATA_ZERO)
    if system == "spss":
        return float(math.floor(x / 86400.0) + _SPSS_ZERO)
    return -math.inf


def _numeric_fields(text: str) -> tuple[int, int] | None:
    """(first, second) of day/month text such as 03/04/2024, else None."""
    m = _NUMERIC_DMY.fullmatch(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _from_text(text: str, order: str | None, system: str) -> float:
    text = text.strip()
    if text.lower() in MISSING_TEXT:
        return math.nan
    if "%" in (order or ""):
        try:
            return float(datetime.datetime.strptime(text, order).date().toordinal() - _EPOCH)
        except ValueError:
            return -math.inf
    if _EIGHT_DIGITS.fullmatch(text):  # 20240315, or 15032024 (day/month as decided)
        year_first = _ordinal_days(int(text[:4]), int(text[4:6]), int(text[6:]))
        if 1900 <= int(text[:4]) <= 2100 and year_first > -math.inf:
            return year_first
        a, b = int(text[:2]), int(text[2:4])
        if order == "mdy":
            a, b = b, a
        return _ordinal_days(int(text[4:]), b, a)
    if _YEAR.fullmatch(text):
        return -math.inf  # a year alone is not a date
    if _NUMBER.fullmatch(text):
        return _from_number(float(text.replace(",", ".")), system)
    m = _YMD.fullmatch(text)
    if m:
        return _ordinal_days(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_DMY.fullmatch(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if order == "mdy":
            a, b = b, a
        return _ordinal_days(year, b, a)
    for pattern, fields in ((_DAY_NAME_YEAR, (3, 2, 1)), (_NAME_DAY_YEAR, (3, 1, 2)),
                            (_YEAR_NAME_DAY, (1, 2, 3))):
        m = pattern.fullmatch(text)
        if m:
            month = _MONTHS.get(m.group(fields[1]).lower().rstrip("."))
            if month is None:
                return -math.inf
            return _ordinal_days(_year(m.group(fields[0])), month, int(m.group(fields[2])))
    return -math.inf


def _from_value(v: Any, order: str | None, system: str) -> float:
    """Days since 1970-01-01 of one value (NaN missing, -inf unreadable)."""
    if v is None:
        return math.nan
    if isinstance(v, datetime.datetime):  # pandas Timestamp too; NaT is caught below
        if v != v:
            return math.nan
        return float(v.date().toordinal() - _EPOCH)
    if isinstance(v, datetime.date):
        return float(v.toordinal() - _EPOCH)
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return math.nan
        return float(v.astype("datetime64[D]").astype(np.int64))
    if type(v).__name__ in ("NAType", "NaTType"):
        return math.nan
    if isinstance(v, bool | np.bool_):
        return -math.inf
    if isinstance(v, int | float | np.integer | np.floating):
        x = float(v)
        return math.nan if math.isnan(x) else _from_number(x, system)
    if isinstance(v, bytes | np.bytes_):
        v = v.decode("utf-8", errors="replace")
    if isinstance(v, str):
        return _from_text(v, order, system)
    return -math.inf


def _datetime_days(arr: np.ndarray) -> np.ndarray:
    days = arr.astype("datetime64[D]")
    out = days.astype(np.int64).astype(np.float64)
    out[np.isnat(days)] = np.nan
    return out


def _native_days(values: Any) -> np.ndarray | None:
    """Days of a column of real dates without reading value by value, or None."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return _datetime_days(values)
    mod = type(values).__module__.split(".")[0]
    if mod == "pandas":
        import pandas as pd

        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            if getattr(values.dtype, "tz", None) is not None:
                values = values.dt.tz_localize(None)  # the local (wall-clock) date
            return _datetime_days(values.to_numpy(dtype="datetime64[ns]"))
    if mod == "polars":
        if values.dtype.is_temporal() and str(values.dtype).startswith(("Date", "Datetime")):
            return _datetime_days(values.cast(_polars_date()).to_numpy())
    if mod == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        typ = values.type
        if pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            if pa.types.is_timestamp(typ) and typ.tz is not None:
                values = pc.local_timestamp(values)
            days = pc.cast(pc.cast(values, pa.date32(), safe=False), pa.int32())
            return pc.cast(days, pa.float64()).to_numpy(zero_copy_only=False)
    return None


def _polars_date() -> Any:
    import polars as pl

    return pl.Date


def _text_fields(uniques: Iterable[Any]) -> list[tuple[int, int]]:
    out = []
    for u in uniques:
        if isinstance(u, bytes | np.bytes_):
            u = u.decode("utf-8", errors="replace")
        if isinstance(u, str):
            fields = _numeric_fields(u.strip())
            if fields is not None:
                out.append(fields)
    return out


def day_month_order(columns: Mapping[str, Any], date_format: str | None) -> str | None:
    """The order of numeric day/month text in these date columns, decided once for all of
    them: the given ``date_format``, or the only order the values allow. Raises InputError when
    the values allow both (every day and month at most 12) or neither."""
    if date_format is not None:
        return date_format
    fields: list[tuple[int, int]] = []
    for values in columns.values():
        if isinstance(values, Factorized):
            fields += _text_fields(values.uniques)
    if not fields:
        return None
    first = np.array([f for f, _ in fields])
    second = np.array([s for _, s in fields])
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    names = ", ".join(repr(n) for n in columns)
    if day_first and month_first:
        raise InputError(f"the dates in {names} mix day/month/year and month/day/year (both "
                         "fields exceed 12 in different rows); give date_format "
                         "(--date-format dmy or mdy) to choose one")
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if (first == second).all():
        return "dmy"  # either order gives the same dates
    example = next(f"{a:02d}/{b:02d}" for a, b in fields if a != b)
    raise InputError(f"the dates in {names} could be day/month/year or month/day/year (no "
                     f"day is above 12, e.g. {example}/...): give date_format='dmy' or 'mdy' "
                     "(--date-format dmy or --date-format mdy)")


def prepare(values: Any) -> np.ndarray | Factorized:
    """A date column as :func:`to_days` and :func:`day_month_order` take it: real dates as
    ``datetime64[D]``, numbers as float64, anything else as Factorized distinct values."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    if isinstance(values, DateColumns):
        return _from_parts(values)
    native = _native_days(values)
    if native is not None:
        out = np.full(native.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = np.isfinite(native)
        out[ok] = native[ok].astype(np.int64).astype("datetime64[D]")
        return out
    if isinstance(values, list | tuple):
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
        values = arr
    return column_values(values)


def to_days(values: np.ndarray | Factorized, order: str | None = None,
            numbers: str = "excel") -> np.ndarray:
    """Days since 1970-01-01 (float64; NaN missing, -inf unreadable) of a column read by
    :func:`prepare`. ``order`` is "dmy", "mdy", "ymd" or a strptime pattern; ``numbers`` says
    what a number is ("excel", "stata", "spss" or "cdc"; a ``date_format`` naming one of these
    overrides it)."""
    if order in NUMBER_SYSTEMS:
        numbers, order = order, None
    if isinstance(values, Factorized):
        lookup = np.array([_from_value(u, order, numbers) for u in values.uniques] + [math.nan])
        return lookup[values.codes]
    if values.dtype.kind == "M":
        return _datetime_days(values)
    x = values.astype(np.float64)
    uniq, inverse = np.unique(x, return_inverse=True)
    lookup = np.array([math.nan if math.isnan(u) else _from_number(u, numbers)
                       for u in uniq.tolist()])
    return lookup[inverse].reshape(x.shape)


def age_days(birth: np.ndarray, visit: np.ndarray) -> np.ndarray:
    """Visit minus birth, in days: NaN when a date is missing, -inf when one cannot be read
    (negative when the visit is before the birth: both are ``age_invalid`` for the kernel)."""
    with np.errstate(invalid="ignore"):
        age = visit - birth
    age[np.isneginf(birth) | np.isneginf(visit)] = -np.inf
    age[np.isnan(birth) | np.isnan(visit)] = np.nan
    return age
