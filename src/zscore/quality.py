"""Data-quality checks on anthropometric data, after the WHO/UNICEF 2019 recommendations.

:func:`quality` takes the output of :func:`zscore.classify` (or raw measurements, which it
scores first) and returns one tidy table: per check, per group and per variable, what was
measured, its value, the reference value or range and its source, and a verdict. Every
formula, threshold and source is in docs/quality.md.

Each row's categories are worked out once (vectorised numpy); then, per grouping, a few passes
count them per group (``np.bincount`` for small data, the numba kernels of
:mod:`zscore._quality_kernels` from 20,000 rows), whatever the number of groups.
"""

from __future__ import annotations

import copy
import importlib
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import _survey, dates, rules
from .accumulate import merge_moments
from .errors import InputError, ZScoreWarning, quiet_numpy
from .frames import Factorized, column_values, table_columns
from .inputs import gather
from .resolve import column_name, column_of, resolve

_classify = importlib.import_module(".classify", __package__)  # the module, not the function

# --- verdicts -------------------------------------------------------------------------------------
PASS, WARN, FAIL, INFO, NA = "pass", "warn", "fail", "info", "n/a"
#: Output columns, in order.
COLUMNS = ("check", "group_by", "group", "variable", "statistic", "n", "value", "expected",
           "low", "high", "p_value", "verdict", "reference", "source", "note")

# --- sources (docs/quality.md gives the full references) ------------------------------------------
WHO_2019 = "WHO/UNICEF 2019 recommendations; WHO Anthro Survey Analyser"
WHO_2019_OVER5 = WHO_2019 + " (under-5 guidance, applied to 5-19 years)"
MEI_2007 = "Mei & Grummer-Strawn 2007, Bull WHO 85:441 (WHO gives no range)"
SMART = "SMART plausibility check (SMART Manual 2.0, 2017); WHO gives no threshold"
WHIPPLE = "Whipple-index categories (UN); WHO gives no threshold"
NONE = "no threshold (WHO/UNICEF 2019: report it)"

#: WHO/UNICEF 2019: more than 1 % flagged z-scores "can be indicative of potential data quality
#: issues" (summary in the WHO Anthro Survey Analyser's data-quality report).
MAX_FLAGGED_PCT = 1.0
#: WHO/UNICEF 2019 rules of thumb: skewness outside -0.5..+0.5 indicates asymmetry, kurtosis
#: outside 2..4 heavy or light tails (kurtosis m4/m2^2, 3 for a normal distribution).
SKEWNESS_RANGE = (-0.5, 0.5)
KURTOSIS_RANGE = (2.0, 4.0)
#: 5th-95th percentiles of the SD of WHO 2006 z-scores (WHO flags excluded) in 51 DHS surveys
#: (Mei & Grummer-Strawn 2007). WHO/UNICEF 2019 gives no range; none exists for 5-19 years.
SD_RANGE_2006 = {"zlen": (1.35, 1.95), "zwei": (1.17, 1.46), "zwfl": (1.08, 1.50),
                 "zbmi": (1.08, 1.55)}
#: SMART: digit preference score 0-7 excellent, 8-12 good, 13-20 acceptable, > 20 problematic.
DPS_PASS, DPS_WARN = 12.0, 20.0
#: SMART classes of a test's p-value (sex ratio, age ratio): > 0.1 excellent, > 0.05 good,
#: > 0.001 acceptable, else problematic.
P_PASS, P_WARN = 0.05, 0.001
#: SMART's expected ratio of children aged 6-29 to 30-59 months.
AGE_RATIO = 0.85
#: Whipple-index categories (UN): < 105 highly accurate, 105-110 fairly accurate, 110-125
#: approximate, 125-175 rough, >= 175 very rough.
HEAPING_PASS, HEAPING_WARN = 110.0, 125.0
#: Default expected sex ratio, boys per girl: about 105 boys are born per 100 girls (WHO).
SEX_RATIO = 1.05
#: Most groups a grouping may have: every group costs a few kB of counts per thread and about
#: fifty output rows, and checks of a handful of children say little.
MAX_GROUPS = 100_000

#: WHO's age groups, months, left-closed (anthro:R/prevalence.R; anthroplus:R/prevalence.R).
AGE_GROUPS_2006 = ((0, 6, "00-05 mo"), (6, 12, "06-11 mo"), (12, 24, "12-23 mo"),
                   (24, 36, "24-35 mo"), (36, 48, "36-47 mo"), (48, 60, "48-59 mo"))
AGE_GROUPS_2007 = ((60, 120, "60-119 mo"), (120, 180, "120-179 mo"), (180, 228, "180-228 mo"))
#: z-score columns checked, and their names for rows scored with the 2007 reference (anthroplus).
INDICATORS = ("zlen", "zwei", "zwfl", "zbmi")
NAMES_2007 = {"zlen": "zhfa", "zwei": "zwfa", "zbmi": "zbfa"}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: Mean days per calendar month in the Gregorian 400-year cycle.
_DAYS_IN_MONTH = np.array([31, 28.2425, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_DAYS_PER_YEAR = 365.2425

#: From here up a measurement has no decimal a float can hold (see _quality_kernels._HUGE).
_HUGE_DIGIT = 1e15


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError('zscore.quality returns a pandas DataFrame: pip install '
                          '"zscore-who[pandas]"') from None
    return pandas


# --- the data the checks read ---------------------------------------------------------------------
@dataclass
class _Data:
    """Normalised columns, one value per row (n rows)."""

    n: int
    sex: np.ndarray  # int8: 1 male, 2 female, else missing or invalid
    age_months: np.ndarray  # float64, unrounded; NaN missing or invalid
    given: set[str]  # the arguments supplied (sex, age, weight, lenhei, measure, birth_date)
    weight: np.ndarray | None
    lenhei: np.ndarray | None
    measure: np.ndarray | None  # int8 rules.MEASURE_* codes
    standard: np.ndarray  # int8: 0 WHO 2006, 1 WHO 2007
    z: dict[str, np.ndarray] = field(default_factory=dict)  # NaN = missing
    flagged: dict[str, np.ndarray] = field(default_factory=dict)  # bool
    birth_month: np.ndarray | None = None  # int8 1-12, 0 = missing or unreadable
    birth_day: np.ndarray | None = None  # int8 1-31, 0 = missing or unreadable
    weights: np.ndarray | None = None  # NaN: left out of weighted checks
    columns: list[str] = field(default_factory=list)  # where each argument was found
    decisions: Any = None  # _Columns: what was found, for the table's later parts


@dataclass
class _Groups:
    """One grouping: ``codes`` (int64, -1 = no group) into ``labels``."""

    by: str
    labels: list[str]
    codes: np.ndarray
    #: the value of each label and how the labels are ordered: "categories" (a categorical's
    #: order), "sorted" (by value), "first" (values that do not sort together: as met)
    values: list[Any] = field(default_factory=list)
    order: str = "sorted"
    #: rows with no group (None: counted from ``codes``)
    no_group: int | None = None

    @property
    def size(self) -> int:
        return len(self.labels)

    def without_group(self) -> int:
        return int(np.count_nonzero(self.codes < 0)) if self.no_group is None else self.no_group


def _resolve(data: Any, arg: str, value: Any) -> Any:
    """The column (or array) an argument names, matched as the resolver matches names."""
    if data is not None and isinstance(value, str):
        return column_of(data, arg, value)
    return value


def _as_series(values: Any, n: int) -> Any:
    """A pandas Series of n values from a column of any supported library or an array."""
    pd = _pandas()
    mod = type(values).__module__.split(".")[0]
    if mod == "pandas" and isinstance(values, pd.Series):
        out = values.reset_index(drop=True)
    elif mod in ("polars", "pyarrow"):
        out = values.to_pandas()
        out = out if isinstance(out, pd.Series) else pd.Series(out)
    else:
        arr = np.asarray(values)
        if arr.ndim == 0:
            arr = np.full(n, arr.item(), dtype=object if arr.dtype.kind in "OUS" else arr.dtype)
        if arr.ndim != 1:
            raise InputError(f"expected a 1-dimensional column, got shape {arr.shape}")
        out = pd.Series(arr)
    if len(out) != n:
        raise InputError(f"every column must have {n} values; got {len(out)}")
    return out


def _weights(values: Any, n: int) -> np.ndarray:
    raw = column_values(values)
    w = _classify.as_float(raw)
    if w.ndim == 0:
        w = np.full(n, float(w))
    if w.size != n:
        raise InputError(f"weights must have {n} values; got {w.size}")
    bad = ~np.isnan(w) & ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        raise InputError(f"weights must be zero or positive numbers; {int(bad.sum())} are "
                         "negative, infinite or not numbers")
    return w


def _existing_scores(data: Any) -> dict[str, tuple[Any, Any]] | None:
    """The z-score and flag columns of a table classify already scored, or None."""
    if data is None:
        return None
    names, getter, _ = table_columns(data)
    found = {z: (getter(z), getter("f" + z[1:])) for z in INDICATORS
             if z in names and "f" + z[1:] in names}
    return found or None


#: The child's arguments the checks read.
_ARGS = ("sex", "age", "weight", "lenhei", "measure", "oedema")


@dataclass
class _Columns:
    """What the first part of a table decided, kept for its later parts: the child's
    resolution (without data), the z-score columns of a classified table, where the birth date
    and the weights come from and the order of the birth dates' day and month."""

    res: Any
    scored: list[str] | None
    standard: bool
    birth: tuple[str, Any] | None  # ("res", None) | ("column", name) | ("array", None)
    birth_order: str | None
    weights: tuple[str, Any] | None  # ("column", name) | ("array", None)
    by: list[tuple[str, Any]] | None = None  # (name, column name or None for an array)


def _gather(data: Any, given: dict[str, Any], options: dict[str, Any], standard: str,
            birth_date: Any, weights: Any, cols: _Columns | None = None) -> _Data:
    names = table_columns(data)[0] if data is not None else []
    first = cols is None
    if cols is None:
        scored = _existing_scores(data)
        if given["sex"] is None and "csex" in names and \
                "sex" not in resolve(data, given, args=("sex",)).found:
            given = {**given, "sex": "csex"}  # a classify output without its input columns
        inp, res = gather(data, given, args=_ARGS, require_measurement=False, no_age="ignore",
                          check=scored is None, **options)
    else:
        inp, res = gather(data, {}, resolution=cols.res)
        getter = table_columns(data)[1]
        scored = ({z: (getter(z), getter("f" + z[1:])) for z in cols.scored}
                  if cols.scored else None)
    n = inp.n
    # months, unrounded; negative or unreadable ages are no age, +inf is too old (as classify)
    age = inp.age / rules.DAYS_PER_MONTH if inp.age_unit == "days" else inp.age.copy()
    age[~(np.isfinite(age) & (age >= 0)) & (age != np.inf)] = np.nan
    supplied = {arg for arg in _ARGS if arg in res.found}
    if res.age_from_dates:
        supplied.add("age")
    m = inp.measurements
    d = _Data(n=n, sex=inp.sex, age_months=age, given=supplied, columns=res.describe(),
              weight=m.get("weight"), lenhei=m.get("lenhei"),
              measure=inp.measure if "measure" in supplied else None,
              standard=np.zeros(n, dtype=np.int8))
    has_standard = "standard" in names if cols is None else cols.standard
    if scored is not None:
        for z, (zcol, fcol) in scored.items():
            d.z[z] = _classify.as_float(column_values(zcol))
            d.flagged[z] = _classify.as_float(column_values(fcol)) == 1
        if has_standard:
            d.standard = _standard_codes(table_columns(data)[1]("standard"), n)
    else:
        raw = _classify.compute(inp, precision="who", scheme=(), standard=standard)
        for s, name in enumerate(raw.active):
            if "z" + name in INDICATORS:
                d.z["z" + name] = raw.z[s]
                d.flagged["z" + name] = raw.f[s] == 1
        d.standard = raw.standard

    if cols is None:
        bd, birth = res.column("birth_date"), None
        if bd is not None:
            birth = ("res", None)
        if bd is None and birth_date is not None:
            bd = _resolve(data, "birth_date", birth_date)
            birth = (("column", column_name(data, "birth_date", birth_date))
                     if data is not None and isinstance(birth_date, str) else ("array", None))
        if bd is None and data is not None and birth_date is None:
            found = resolve(data, {}, args=("birth_date",)).found.get("birth_date")
            if found is not None:
                bd, birth = found.values, ("column", found.column)
        order = res.date_format
    else:
        birth, order = cols.birth, cols.birth_order
        bd = None
        if birth is not None:
            kind, name = birth
            if kind == "array":
                raise InputError("birth_date: values given as an array cannot be read in parts; "
                                 "name a column")
            bd = res.column("birth_date") if kind == "res" else table_columns(data)[1](name)
    if bd is not None:
        d.birth_month, d.birth_day, order = _month_day(bd, n, order)
        d.given.add("birth_date")
    if cols is None:
        wsrc = None
        if weights is not None:
            wsrc = (("column", column_name(data, "weights", weights))
                    if data is not None and isinstance(weights, str) else ("array", None))
        cols = _Columns(res.detached(), list(scored) if scored else None, has_standard, birth,
                        order, wsrc)
    if weights is not None:
        kind, name = cols.weights
        if kind == "array" and not first:
            raise InputError("weights: values given as an array cannot be read in parts; name a "
                             "column")
        d.weights = _weights(weights if kind == "array" else table_columns(data)[1](name), n)
    d.decisions = cols
    return d


def _month_day(values: Any, n: int, order: str | None
               ) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Calendar month and day of dates (0 where missing or unreadable), read as the age's dates
    are (zscore.dates), and the order of day and month used."""
    prepared = dates.prepare(values)
    if isinstance(prepared, Factorized) and prepared.codes.ndim == 0:
        prepared = Factorized(np.zeros(n, dtype=np.int64), prepared.uniques)
    if order is None:
        order = dates.day_month_order({"birth_date": prepared}, None)
    days = dates.to_days(prepared, order)
    if days.size != n:
        raise InputError(f"birth_date: every column must have {n} values; got {days.size}")
    ok = np.isfinite(days)
    stamp = np.where(ok, days, 0).astype(np.int64).astype("datetime64[D]")
    month = (stamp.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)
    day = (stamp - stamp.astype("datetime64[M]")).astype(np.int64).astype(np.int8) + 1
    return np.where(ok, month, 0).astype(np.int8), np.where(ok, day, 0).astype(np.int8), order


def _standard_codes(values: Any, n: int) -> np.ndarray:
    """0 for rows scored with the 2006 standards, 1 for the 2007 reference (classify's
    ``standard`` column)."""
    pd = _pandas()
    series = _as_series(values, n)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    is_2007 = [_label(u) == "2007" for u in uniques]
    return np.array([*is_2007, False], dtype=np.int8)[codes]


def _label(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _grouping(name: str, values: Any, n: int) -> _Groups:
    pd = _pandas()
    series = _as_series(values, n)
    order = "sorted"
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy(dtype=np.int64)
        uniques = list(series.cat.categories)
        order = "categories"
    else:
        try:
            codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
        except TypeError:  # values that do not sort together (numbers and text)
            codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
            order = "first"
        codes = codes.astype(np.int64, copy=False)
        uniques = list(uniques)
    return _Groups(name, [_label(u) for u in uniques], codes, uniques, order)


def _by_items(data: Any, by: Any) -> list[tuple[str, Any]]:
    """The groupings asked for: (name, column name) or (name, array)."""
    if by is None:
        return []
    if isinstance(by, Mapping):
        items = list(by.items())
    else:
        if data is None:
            raise InputError("without a table, by= must map names to arrays: by={'region': "
                             "array}")
        names = [by] if isinstance(by, str) else list(by)
        if not all(isinstance(b, str) for b in names):
            raise InputError("by= takes column names (or a dict of name: array)")
        items = list(zip(names, names, strict=True))
    return [(str(name), column_name(data, "by", v) if isinstance(v, str) and data is not None
             else v) for name, v in items]


def _groupings(data: Any, by: Any, n: int, items: list[tuple[str, Any]] | None = None,
               later: bool = False) -> list[_Groups]:
    """The groupings of the rows: "all", then each of ``by`` (``items``: as :func:`_by_items`
    found them; ``later``: in a later part of the table, where arrays cannot be used)."""
    out = [_Groups("all", ["All"], np.zeros(n, dtype=np.int64), ["All"], "categories")]
    for name, values in _by_items(data, by) if items is None else items:
        if isinstance(values, str):
            values = table_columns(data)[1](values)
        elif later:
            raise InputError(f"by={name!r}: values given as an array cannot be read in parts; "
                             "name a column")
        groups = _grouping(name, values, n)
        if groups.size > MAX_GROUPS:
            raise InputError(f"by={name!r} has {groups.size:,} groups; the checks describe groups "
                             f"of many children (at most {MAX_GROUPS:,} groups per grouping)")
        out.append(groups)
    return out


# --- per-group sums in numpy: for small data (nothing to compile) and the kernels' reference --
#: From this many rows the numba kernels of zscore._quality_kernels count instead.
SMALL = 20_000


def _np_count_true(codes: np.ndarray, size: int, flags: np.ndarray) -> np.ndarray:
    """Rows per group where each row of ``flags`` (bool[k, n]) holds: float64[size, k]."""
    ok = codes >= 0
    out = np.zeros((size, flags.shape[0]))
    for j in range(flags.shape[0]):
        out[:, j] = np.bincount(codes[ok & flags[j]], minlength=size)
    return out


def _np_histogram(codes: np.ndarray, size: int, category: np.ndarray, k: int,
                  weights: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Rows per group and category (0..k-1; -1 not counted): ``(counts,)``; with weights
    ``(rows, sum of weights, sum of squared weights)`` over the rows with a weight."""
    keep = (codes >= 0) & (category >= 0)
    if weights is not None:
        keep &= ~np.isnan(weights)
    flat = codes[keep] * k + category[keep].astype(np.int64)
    if weights is None:
        return (np.bincount(flat, minlength=size * k).reshape(size, k).astype(np.float64),)
    w = weights[keep]
    return tuple(np.bincount(flat, weights=x, minlength=size * k).reshape(size, k)
                 for x in (np.ones_like(w), w, w * w))


def _np_moments(codes: np.ndarray, size: int, z: np.ndarray,
                keep: np.ndarray) -> tuple[np.ndarray, ...]:
    """n, mean and the central moments m2, m3, m4 (divided by n) per group over ``keep``."""
    keep = keep & (codes >= 0)
    c, z = codes[keep], z[keep]
    n = np.bincount(c, minlength=size).astype(np.float64)
    mean = _divide(np.bincount(c, weights=z, minlength=size), n)
    dev = z - mean[c]
    dev2 = dev * dev
    return (n, mean, *(_divide(np.bincount(c, weights=x, minlength=size), n)
                       for x in (dev2, dev2 * dev, dev2 * dev2)))


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


# --- tests -------------------------------------------------------------------------------------
def _prop_test(x: np.ndarray, n: np.ndarray, p0: float) -> np.ndarray:
    """p-value of the one-sample test of a proportion with Yates' continuity correction, as R's
    prop.test(x, n, p0) (the test of SMART's plausibility check)."""
    from scipy import stats  # lazily: importing scipy.stats takes ~0.5 s

    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.abs(x - n * p0)
        stat = (diff - np.minimum(0.5, diff)) ** 2 / (n * p0 * (1 - p0))
    return np.where(n > 0, stats.chi2.sf(stat, 1), np.nan)


def _chisq(observed: np.ndarray, expected_share: np.ndarray,
           n_eff: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pearson's goodness-of-fit test per group (rows of ``observed``) against shares; with
    ``n_eff`` the observed shares are scaled to that sample size (weighted data)."""
    from scipy import stats

    total = observed.sum(axis=1)
    n = total if n_eff is None else n_eff
    share = observed / np.where(total > 0, total, 1.0)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = n * ((share - expected_share) ** 2 / expected_share).sum(axis=1)
    k = observed.shape[1]
    return stat, np.where(total > 0, stats.chi2.sf(stat, k - 1), np.nan)


def _heaping(heap: np.ndarray, others: np.ndarray,
             share: float) -> tuple[np.ndarray, np.ndarray]:
    """Index 100 * observed / expected heaped values, ``share`` being the heaped cells' expected
    share of ``heap + others``, and the one-sided binomial p-value of so many or more."""
    from scipy import stats

    total = heap + others
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(total > 0, 100.0 * heap / (total * share), np.nan)
    p = np.where(total > 0, stats.binom.sf(heap - 1, total, share), np.nan)
    return index, p


def _heaping_verdict(index: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.select([np.isnan(index), p > P_PASS, index < HEAPING_PASS, index < HEAPING_WARN],
                     [NA, PASS, PASS, WARN], FAIL)


def _p_verdict(p: np.ndarray) -> np.ndarray:
    return np.select([np.isnan(p), p > P_PASS, p > P_WARN], [NA, PASS, WARN], FAIL)


def _range_verdict(value: np.ndarray, low: float, high: float, outside: str = WARN) -> np.ndarray:
    inside = (value >= low) & (value <= high)
    return np.select([np.isnan(value), inside], [NA, PASS], outside)


# --- assembling rows ------------------------------------------------------------------------------
class _Rows:
    """The rows of one grouping: each ``add`` is one check x variable x statistic, with one
    value per group (arrays of the grouping's size, or scalars for every group)."""

    def __init__(self, groups: _Groups) -> None:
        self.groups = groups
        self.blocks: list[dict[str, Any]] = []

    def add(self, check: str, variable: str, statistic: str, n: Any, value: Any, *,
            verdict: Any, reference: str, source: str, expected: Any = math.nan,
            low: Any = math.nan, high: Any = math.nan, p_value: Any = math.nan,
            note: Any = "") -> None:
        g = self.groups.size
        value = np.broadcast_to(np.asarray(value, dtype=np.float64), g)
        n = np.broadcast_to(np.nan_to_num(np.asarray(n, dtype=np.float64)), g)
        verdict = np.broadcast_to(np.asarray(verdict, dtype=object), g).copy()
        note = np.broadcast_to(np.asarray(note, dtype=object), g).copy()
        # a statistic without a value: say why, unless the check already did
        empty = np.isnan(value) & (note == "")
        note[empty & (n == 0)] = "no values"
        note[empty & (n > 0)] = "too few values"
        verdict[np.isnan(value)] = NA
        self.blocks.append(dict(
            check=check, variable=variable, statistic=statistic, n=n, value=value,
            expected=expected, low=low, high=high, p_value=p_value, verdict=verdict,
            reference=reference, source=source, note=note))

    def unavailable(self, check: str, variable: str, statistic: str, note: str,
                    reference: str = "", source: str = "") -> None:
        self.add(check, variable, statistic, 0, math.nan, verdict=NA, reference=reference,
                 source=source, note=note)


def _frame(all_rows: list[_Rows]) -> Any:
    pd = _pandas()
    parts: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
    order_set, order_group, order_block = [], [], []
    for s, rows in enumerate(all_rows):
        g = rows.groups.size
        labels = np.array(rows.groups.labels, dtype=object)
        for b, block in enumerate(rows.blocks):
            for col in COLUMNS:
                if col == "group_by":
                    parts[col].append(np.full(g, rows.groups.by, dtype=object))
                elif col == "group":
                    parts[col].append(labels)
                else:
                    value = block[col]
                    kind = object if isinstance(value, str) or (
                        isinstance(value, np.ndarray) and value.dtype == object) else np.float64
                    parts[col].append(np.broadcast_to(np.asarray(value, dtype=kind), g))
            order_set.append(np.full(g, s))
            order_group.append(np.arange(g))
            order_block.append(np.full(g, b))
    if not order_set:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    order = np.lexsort((np.concatenate(order_block), np.concatenate(order_group),
                        np.concatenate(order_set)))
    out = pd.DataFrame({c: np.concatenate(parts[c])[order] for c in COLUMNS})
    out["n"] = out["n"].astype(np.int64)
    return out


# --- what the checks count, per group ------------------------------------------------------------
#: Completed months of age counted: 0-59 for rows scored with WHO 2006, 60-228 with WHO 2007.
_MONTHS = 229
_MISSING = ("sex", "age", "weight", "lenhei", "measure", "birth_date")


@dataclass
class _Sums:
    """Everything the checks need, per group of one grouping (float64 arrays, group first)."""

    total: np.ndarray  # rows
    missing: dict[str, np.ndarray]  # rows missing or unusable, per variable supplied
    digits: dict[str, np.ndarray]  # [size, 10] decimal digits of weight and lenhei
    months: np.ndarray  # [size, 229] completed months of age
    sex: np.ndarray  # [size, 2]: boys, girls
    position: np.ndarray  # [size, 6]: 2 * age band (< 9, 9-23, >= 24 months) + standing
    birth: np.ndarray | None  # [size, 24]: 2 * calendar month + born on the 1st or 15th
    z: list[dict[str, np.ndarray]]  # per combination of _combos: counts and moments
    weighted_months: tuple[np.ndarray, ...] | None = None  # (rows, sum w, sum w^2)
    weighted_sex: tuple[np.ndarray, ...] | None = None


def _combos(d: _Data) -> list[tuple[str, int, float]]:
    """(z column, standard, oldest age in months) for every indicator of every standard in the
    data; the 2007 weight-for-age stops at 120 months."""
    out = []
    for s in _standards(d):
        for z in INDICATORS if s == 0 else NAMES_2007:
            limit = rules.MAX_AGE_MONTHS_WFA_2007 if (s, z) == (1, "zwei") else math.inf
            out.append((z, s, limit))
    return out


def _sums(d: _Data, combos: list[tuple[str, int, float]], codes: np.ndarray,
          size: int) -> _Sums:
    if d.n >= SMALL:
        return _kernel_sums(d, combos, codes, size)
    return _numpy_sums(d, combos, codes, size)


def _numpy_sums(d: _Data, combos: list[tuple[str, int, float]], codes: np.ndarray,
                size: int) -> _Sums:
    """The counts with numpy, one masked ``bincount`` per statistic."""
    age = d.age_months
    missing = {"sex": d.sex <= 0, "age": np.isnan(age)}
    digits = {}
    for name, values in (("weight", d.weight), ("lenhei", d.lenhei)):
        if values is not None:
            ok = np.isfinite(values) & (values > 0)
            missing[name] = ~ok
            digit = np.full(d.n, -1, dtype=np.int8)
            small = ok & (values < _HUGE_DIGIT)  # from 1e15 up no decimal is held: digit 0
            digit[small] = np.fmod(np.rint(values[small] * 10), 10)
            digit[ok & ~small] = 0
            digits[name] = _np_histogram(codes, size, digit, 10)[0]
    position = np.full(d.n, -1, dtype=np.int8)
    if d.measure is not None:
        missing["measure"] = d.measure <= 0
        known = (d.measure > 0) & (age < rules.MAX_AGE_MONTHS_2006) & (d.standard == 0)
        band = np.where(age < rules.STANDING_MIN_AGE_MONTHS, 0, np.where(age < 24, 1, 2))
        position[known] = 2 * band[known] + (d.measure[known] == rules.MEASURE_HEIGHT)
    birth = None
    if d.birth_month is not None and d.birth_day is not None:
        missing["birth_date"] = d.birth_month == 0
        heaped = (d.birth_day == 1) | (d.birth_day == 15)
        category = np.where(d.birth_month > 0, 2 * (d.birth_month.astype(np.int64) - 1) + heaped,
                            -1)
        birth = _np_histogram(codes, size, category, 24)[0]
    with np.errstate(invalid="ignore"):
        month = np.floor(age)
        in_range = np.where(d.standard == 0, month < 60, (month >= 60) & (month <= 228))
    months = np.where(in_range & (month >= 0), month, -1).astype(np.int64)
    sex = np.where(d.sex == rules.SEX_MALE, 0, np.where(d.sex == rules.SEX_FEMALE, 1, -1))
    counts = _np_count_true(codes, size, np.stack(list(missing.values())))
    z = []
    for name, standard, limit in combos:
        if name not in d.z:
            z.append({})
            continue
        values, flagged = d.z[name], d.flagged[name]
        rows = (d.standard == standard) & ~(age > limit)
        scored = rows & ~np.isnan(values)
        c = _np_count_true(codes, size, np.stack([rows, scored, scored & flagged]))
        n, mean, m2, m3, m4 = _np_moments(codes, size, values, scored & ~flagged)
        z.append(dict(rows=c[:, 0], scored=c[:, 1], flagged=c[:, 2], n=n, mean=mean, m2=m2,
                      m3=m3, m4=m4))
    out = _Sums(
        total=_np_histogram(codes, size, np.zeros(d.n, dtype=np.int8), 1)[0][:, 0],
        missing={name: counts[:, j] for j, name in enumerate(missing)}, digits=digits,
        months=_np_histogram(codes, size, months, _MONTHS)[0],
        sex=_np_histogram(codes, size, sex, 2)[0],
        position=_np_histogram(codes, size, position, 6)[0], birth=birth, z=z)
    if d.weights is not None:
        out.weighted_months = _np_histogram(codes, size, months, _MONTHS, d.weights)
        out.weighted_sex = _np_histogram(codes, size, sex, 2, d.weights)
    return out


_NONE_F = np.empty(0)
_NONE_I = np.empty(0, dtype=np.int8)


def _kernel_sums(d: _Data, combos: list[tuple[str, int, float]], codes: np.ndarray,
                 size: int) -> _Sums:
    """The same counts from the numba kernels: one pass for everything but the z-scores, two
    per z-score column."""
    from . import _quality_kernels as k

    def given(x: np.ndarray | None, empty: np.ndarray) -> np.ndarray:
        return empty if x is None else x

    out, wout = k.tally(codes, size, d.sex, d.age_months, d.standard, given(d.weight, _NONE_F),
                        given(d.lenhei, _NONE_F), given(d.measure, _NONE_I),
                        given(d.birth_month, _NONE_I), given(d.birth_day, _NONE_I),
                        given(d.weights, _NONE_F))
    per_column = {}  # one kernel call per z-score column covers both standards
    for name in {c[0] for c in combos if c[0] in d.z}:
        limits = [next((c[2] for c in combos if c[:2] == (name, s)), math.inf) for s in (0, 1)]
        per_column[name] = k.zstats(codes, size, d.z[name], d.flagged[name], d.standard,
                                    d.age_months, limits)
    z: list[dict[str, np.ndarray]] = []
    for name, standard, _ in combos:
        if name not in d.z:
            z.append({})
            continue
        counts, moments = (x[:, standard] for x in per_column[name])
        z.append(dict(rows=counts[:, 0], scored=counts[:, 1], flagged=counts[:, 2],
                      n=moments[:, 0], mean=moments[:, 1], m2=moments[:, 2], m3=moments[:, 3],
                      m4=moments[:, 4]))
    supplied = {name for name, values in zip(_MISSING, (d.sex, d.age_months, d.weight, d.lenhei,
                                                        d.measure, d.birth_month), strict=True)
                if values is not None}
    sums = _Sums(
        total=out[:, k.TOTAL],
        missing={name: out[:, k.MISSING + j] for j, name in enumerate(_MISSING)
                 if name in supplied},
        digits={name: out[:, first:first + 10] for name, first, values in (
            ("weight", k.DIGITS_WEIGHT, d.weight), ("lenhei", k.DIGITS_LENHEI, d.lenhei))
            if values is not None},
        months=out[:, k.MONTHS:k.MONTHS + k.MONTH_COUNT], sex=out[:, k.SEX:k.SEX + 2],
        position=out[:, k.POSITION:k.POSITION + 6],
        birth=None if d.birth_month is None else out[:, k.BIRTH:k.BIRTH + 24], z=z)
    if d.weights is not None:
        sums.weighted_months = tuple(wout[:, c, :k.MONTH_COUNT] for c in range(3))
        sums.weighted_sex = tuple(wout[:, c, k.WEIGHTED_SEX:] for c in range(3))
    return sums


# --- the checks ----------------------------------------------------------------------------------
def _name(z: str, std: int) -> str:
    return z if std == 0 else NAMES_2007[z]


def _standards(d: _Data) -> list[int]:
    """The standards the rows were scored with (0 = WHO 2006, 1 = WHO 2007); 2006 when empty."""
    return [s for s in (0, 1) if (d.standard == s).any()] or [0]


_Z_STATISTICS = {"flagged": "% of z-scores flagged (WHO flags)",
                 "mean": "mean z (flagged excluded)", "sd": "SD of z (flagged excluded)",
                 "skewness": "skewness m3/m2^1.5 (flagged excluded)",
                 "kurtosis": "kurtosis m4/m2^2 (flagged excluded)"}
_COMPLETENESS = "no threshold: report completeness"


def _missing(d: _Data, combos: list, t: _Sums, r: _Rows,
             groupings: Sequence[_Groups]) -> None:
    for name in ("sex", "age", "weight", "lenhei", "measure", "birth_date"):
        if name not in d.given:
            if name != "birth_date":
                r.unavailable("missing", name, "% missing or unusable", f"no {name} column",
                              _COMPLETENESS, NONE)
            continue
        r.add("missing", name, "% missing or unusable", t.total,
              100 * _divide(t.missing[name], t.total), verdict=INFO, reference=_COMPLETENESS,
              source=NONE)
    for (z, s, _), sums in zip(combos, t.z, strict=True):
        if not sums:
            r.unavailable("missing", _name(z, s), "% of z-scores missing", "not computed: its "
                          "measurements are not given", _COMPLETENESS, NONE)
            continue
        r.add("missing", _name(z, s), "% of z-scores missing", sums["rows"],
              100 * _divide(sums["rows"] - sums["scored"], sums["rows"]), verdict=INFO,
              reference=_COMPLETENESS, source=NONE)
    if r.groups.by == "all":  # rows without a group, for each grouping
        for other in groupings[1:]:
            count = np.array([float(other.without_group())])
            r.add("missing", other.by, "% missing (no group)", t.total,
                  100 * _divide(count, t.total), verdict=INFO, reference=_COMPLETENESS,
                  source=NONE)


def _zscores(combos: list, t: _Sums, r: _Rows) -> None:
    for (z, s, _), sums in zip(combos, t.z, strict=True):
        name = _name(z, s)
        if not sums:
            for check, statistic in _Z_STATISTICS.items():
                r.unavailable(check, name, statistic, "not computed: its measurements are not "
                              "given")
            continue
        src = WHO_2019 if s == 0 else WHO_2019_OVER5
        pct = 100 * _divide(sums["flagged"], sums["scored"])
        r.add("flagged", name, _Z_STATISTICS["flagged"], sums["scored"], pct,
              verdict=_range_verdict(pct, 0.0, MAX_FLAGGED_PCT), high=MAX_FLAGGED_PCT,
              reference=f"<= {MAX_FLAGGED_PCT:g} %", source=src)
        n, m2 = sums["n"], sums["m2"]
        r.add("mean", name, _Z_STATISTICS["mean"], n, sums["mean"], verdict=INFO,
              reference="no reference: context for the SD", source=NONE)
        with np.errstate(divide="ignore", invalid="ignore"):
            sd = np.where(n >= 2, np.sqrt(m2 * n / np.maximum(n - 1, 1)), np.nan)
            shape = (n >= 3) & (m2 > 0)
            skewness = np.where(shape, sums["m3"] / m2**1.5, np.nan)
            kurtosis = np.where(shape, sums["m4"] / m2**2, np.nan)
        if s == 0:  # WHO: "large SDs may be a sign of data quality problems"
            low, high = SD_RANGE_2006[z]
            narrow = np.where(sd < low, f"narrower than in 95 % of DHS surveys (< {low:.2f})", "")
            r.add("sd", name, _Z_STATISTICS["sd"], n, sd, verdict=_range_verdict(sd, 0.0, high),
                  high=high, note=narrow, source=MEI_2007,
                  reference=f"<= {high:.2f} (DHS surveys: {low:.2f} to {high:.2f})")
        else:
            r.add("sd", name, _Z_STATISTICS["sd"], n, sd, verdict=INFO,
                  reference="no reference for 5-19 years", source="WHO gives no range")
        low, high = SKEWNESS_RANGE
        r.add("skewness", name, _Z_STATISTICS["skewness"], n, skewness,
              verdict=_range_verdict(skewness, low, high), expected=0.0, low=low, high=high,
              reference=f"{low:+g} to {high:+g}", source=src)
        low, high = KURTOSIS_RANGE
        r.add("kurtosis", name, _Z_STATISTICS["kurtosis"], n, kurtosis,
              verdict=_range_verdict(kurtosis, low, high), expected=3.0, low=low, high=high,
              reference=f"{low:g} to {high:g} (3 = normal)", source=src)


_DPS = "digit preference score (decimal digit)"


def _digits(t: _Sums, r: _Rows, details: bool) -> None:
    ref = f"DPS <= {DPS_PASS:g} pass, <= {DPS_WARN:g} warn, > {DPS_WARN:g} fail"
    for name in ("weight", "lenhei"):
        if name not in t.digits:
            r.unavailable("digit_preference", name, _DPS, f"no {name} column", ref, SMART)
            continue
        table = t.digits[name]
        n = table.sum(axis=1)
        stat, p = _chisq(table, np.full(10, 0.1))
        dps = 100 * np.sqrt(_divide(stat, n * 9))
        verdict = np.select([np.isnan(dps), dps <= DPS_PASS, dps <= DPS_WARN],
                            [NA, PASS, WARN], FAIL)
        r.add("digit_preference", name, _DPS, n, dps, verdict=verdict, expected=0.0,
              high=DPS_PASS, p_value=p, reference=ref, source=SMART)
        r.add("digit_preference", name, "% with decimal digit 0 or 5", n,
              100 * _divide(table[:, 0] + table[:, 5], n), verdict=INFO, expected=20.0,
              reference="20 % without preference", source=NONE)
        if details:
            for k in range(10):
                r.add("digit_preference", name, f"% with decimal digit {k}", n,
                      100 * _divide(table[:, k], n), verdict=INFO, expected=10.0,
                      reference="10 % each without preference", source=NONE)


def _age_span(d: _Data) -> tuple[int, int]:
    """The completed months the data's standards cover: 0-59, 60-228 or 0-228."""
    has = [(d.standard == s).any() for s in (0, 1)]
    return (0 if has[0] or not has[1] else 60), (228 if has[1] else 59)


_HEAPING = (f"index < {HEAPING_PASS:g} or p > {P_PASS:g} pass, < {HEAPING_WARN:g} warn, "
            "else fail")


def _age_heaping(d: _Data, t: _Sums, r: _Rows, details: bool) -> None:
    if "age" not in d.given:
        for what in ("whole years", "half years"):
            r.unavailable("age_heaping", "age", f"heaping index, {what}", "no age column",
                          _HEAPING, WHIPPLE)
        return
    low, high = _age_span(d)
    table = t.months[:, low:high + 1]
    for start, what in ((12, "whole years"), (6, "half years")):
        heaps = np.array([h for h in range(start, high + 1, 12) if low <= h - 1 and h < high])
        heap = table[:, heaps - low].sum(axis=1)
        others = table[:, heaps - low - 1].sum(axis=1) + table[:, heaps - low + 1].sum(axis=1)
        index, p = _heaping(heap, others, 1 / 3)
        r.add("age_heaping", "age", f"heaping index, {what}", heap + others, index,
              verdict=_heaping_verdict(index, p), expected=100.0, high=HEAPING_PASS, p_value=p,
              reference=f"{_HEAPING}; ages {', '.join(map(str, heaps))} mo vs the months "
                        "either side", source=WHIPPLE)
    if details:
        n = table.sum(axis=1)
        for k in range(table.shape[1]):
            r.add("age_heaping", "age", f"% aged {low + k} completed months", n,
                  100 * _divide(table[:, k], n), verdict=INFO, reference="a smooth histogram",
                  source=NONE)


_BIRTH_MONTH = "dissimilarity index vs days per month, %"
_BIRTH_DAY = "heaping index, born on the 1st or 15th"


def _birth_dates(t: _Sums, r: _Rows, details: bool) -> None:
    if t.birth is None:
        r.unavailable("birth_month", "birth_date", _BIRTH_MONTH, "no birth_date column")
        r.unavailable("birth_day", "birth_date", _BIRTH_DAY, "no birth_date column")
        return
    table = t.birth[:, 0::2] + t.birth[:, 1::2]
    n = table.sum(axis=1)
    expected = _DAYS_IN_MONTH / _DAYS_PER_YEAR
    share = table / np.where(n > 0, n, 1.0)[:, None]
    dissimilarity = np.where(n > 0, 50 * np.abs(share - expected).sum(axis=1), np.nan)
    _, p = _chisq(table, expected)
    top = np.argmax(share / expected, axis=1)
    notes = np.array([f"most over-represented: {_MONTH_NAMES[k]}" for k in top], dtype=object)
    r.add("birth_month", "birth_date", _BIRTH_MONTH, n, dissimilarity, verdict=INFO,
          expected=0.0, p_value=p, note=np.where(n > 0, notes, ""),
          reference="no threshold: births are seasonal", source=NONE)
    if details:
        for k in range(12):
            r.add("birth_month", "birth_date", f"% born in {_MONTH_NAMES[k]}", n,
                  100 * _divide(table[:, k], n), verdict=INFO, expected=100 * expected[k],
                  reference="in proportion to the month's days", source=NONE)
    # dates of birth made up as the 1st or 15th of a month (a known sign of imputed dates)
    heap = t.birth[:, 1::2].sum(axis=1)
    index, p = _heaping(heap, n - heap, 24 / _DAYS_PER_YEAR)
    r.add("birth_day", "birth_date", _BIRTH_DAY, n, index, verdict=_heaping_verdict(index, p),
          expected=100.0, high=HEAPING_PASS, p_value=p, reference=_HEAPING, source=WHIPPLE)


def _weighted_note(d: _Data) -> str:
    return "" if d.weights is None else "weighted; test on Kish's effective sample size"


def _kish(s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Kish's effective sample size (sum w)^2 / sum w^2 (of the group's rescaled weights,
    :func:`_rescale_weights`, when the weights are absurd: the ratio does not change)."""
    return _divide(s1 * s1, s2)


def _check_weight_range(w: np.ndarray) -> bool:
    """Warn about absurd weights (NaN: not used); whether they are rescaled per group."""
    low, high = _survey.weight_range(w, np.empty(0, dtype=np.int64), w.size)
    note = _survey.weight_note(low, high, "the weighted checks")
    if note:
        warnings.warn(note, ZScoreWarning, stacklevel=3)
    return _survey.needs_rescaling(low, high)


def _largest_weights(w: np.ndarray, groups: _Groups) -> np.ndarray:
    """The largest weight of each group (0: none positive)."""
    ok = (groups.codes >= 0) & (w > 0)  # NaN fails too
    largest = np.zeros(groups.size)
    np.maximum.at(largest, groups.codes[ok], w[ok])
    return largest


def _rescale_weights(w: np.ndarray, groups: _Groups, largest: np.ndarray | None = None
                     ) -> np.ndarray:
    """The weights of each group times the power of two that brings the group's largest into
    [0.5, 1): exact, and no weighted check changes (every one is a ratio within its group),
    but their squares stay inside float64's range (see zscore._survey, "weights of any
    size")."""
    if largest is None:
        largest = _largest_weights(w, groups)
    scale = np.append(_survey.scales_of(largest), 1.0)  # the last: code -1, no group
    return w * scale[groups.codes]


def _sex_ratio(d: _Data, t: _Sums, r: _Rows, expected_ratio: float) -> None:
    ref = f"{expected_ratio:g} boys per girl; p > {P_PASS:g} pass, > {P_WARN:g} warn"
    if "sex" not in d.given:
        r.unavailable("sex_ratio", "sex", "boys per girl", "no sex column", ref, SMART)
        return
    if t.weighted_sex is None:
        counts = t.sex
        n = n_eff = counts.sum(axis=1)
    else:
        raw, counts, squares = t.weighted_sex
        n, n_eff = raw.sum(axis=1), _kish(counts.sum(axis=1), squares.sum(axis=1))
    boys, girls = counts[:, 0], counts[:, 1]
    p = _prop_test(n_eff * _divide(boys, boys + girls), n_eff,
                   expected_ratio / (1 + expected_ratio))
    r.add("sex_ratio", "sex", "boys per girl", n, _divide(boys, girls), verdict=_p_verdict(p),
          expected=expected_ratio, p_value=p, reference=ref, source=SMART,
          note=_weighted_note(d))


#: A standard's age distribution is judged only when it holds at least this share of the rows
#: with an age (otherwise its rows are stray ages in a survey of the other age range).
MIN_SHARE_AGE_DISTRIBUTION = 0.10


def _age_distribution(d: _Data, t: _Sums, r: _Rows) -> None:
    note = _weighted_note(d)
    ref = f"p > {P_PASS:g} pass, > {P_WARN:g} warn, else fail"
    if "age" not in d.given:
        r.unavailable("age_groups", "age", "dissimilarity index vs expected shares, % (0-59 "
                      "months)", "no age column", ref, SMART)
        r.unavailable("age_ratio", "age", "ratio 6-29 / 30-59 months", "no age column", ref,
                      SMART)
        return
    if t.weighted_months is None:
        raw = counts = squares = t.months  # squares: a weight of 1 squared is 1
    else:
        raw, counts, squares = t.weighted_months

    def band_sums(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
        return x[:, lo:hi].sum(axis=1)


    for s in _standards(d):
        bands = AGE_GROUPS_2006 if s == 0 else AGE_GROUPS_2007

        # the last 2007 group includes 228 months exactly (anthroplus: 60 <= age <= 228)
        edges = [(lo, hi + (s == 1 and hi == 228)) for lo, hi, _ in bands]
        table = np.stack([band_sums(counts, lo, hi) for lo, hi in edges], axis=1)
        lo, hi = edges[0][0], edges[-1][1]
        n, n_eff = band_sums(raw, lo, hi), _kish(band_sums(counts, lo, hi),
                                                 band_sums(squares, lo, hi))
        widths = np.array([b[1] - b[0] for b in bands], dtype=np.float64)
        expected = widths / widths.sum()
        total = table.sum(axis=1)
        share = table / np.where(total > 0, total, 1.0)[:, None]
        dissimilarity = np.where(total > 0, 50 * np.abs(share - expected).sum(axis=1), np.nan)
        _, p = _chisq(table, expected, n_eff)
        label = f"{bands[0][0]}-{bands[-1][1] - 1 if s == 0 else bands[-1][1]} months"
        # a standard holding only a few stray ages (children of 60-62 months in an under-five
        # survey) has no distribution to judge: reported, not given a verdict
        with_age = raw.sum(axis=1)
        stray = n < MIN_SHARE_AGE_DISTRIBUTION * with_age
        verdict = np.where(stray, INFO, _p_verdict(p))
        stray_note = np.where(stray, f"under {MIN_SHARE_AGE_DISTRIBUTION:.0%} of the rows with "
                              "an age: stray ages, not judged", note)
        r.add("age_groups", "age", f"dissimilarity index vs expected shares, % ({label})", n,
              dissimilarity, verdict=verdict, expected=0.0, p_value=p, note=stray_note,
              reference="shares in proportion to the groups' widths; " + ref, source=SMART)
        for k, (_, _, name) in enumerate(bands):
            r.add("age_groups", "age", f"% aged {name}", n, 100 * _divide(table[:, k], total),
                  verdict=INFO, expected=100 * expected[k], note=note,
                  reference="in proportion to the group's width", source=NONE)
        if s == 0:  # SMART's age ratio: children 6-29 months over 30-59 months
            young, old = band_sums(counts, 6, 30), band_sums(counts, 30, 60)
            n = band_sums(raw, 6, 60)
            n_eff = _kish(young + old, band_sums(squares, 6, 60))
            p = _prop_test(n_eff * _divide(young, young + old), n_eff,
                           AGE_RATIO / (1 + AGE_RATIO))
            r.add("age_ratio", "age", "ratio 6-29 / 30-59 months", n, _divide(young, old),
                  verdict=_p_verdict(p), expected=AGE_RATIO, p_value=p, note=note,
                  reference=f"{AGE_RATIO:g}; " + ref, source=SMART)
    if 0 not in _standards(d):
        r.unavailable("age_ratio", "age", "ratio 6-29 / 30-59 months", "no children scored "
                      "with the WHO 2006 standards (0-59 months)", ref, SMART)


def _position(d: _Data, t: _Sums, r: _Rows) -> None:
    ref = "WHO: lying under 24 months, standing from 24 months; no threshold"
    statistics = ("% measured standing, under 24 months", "% measured lying, 24 months or older",
                  "% measured standing, under 9 months")
    if d.measure is None or "age" not in d.given:
        missing = "measure" if d.measure is None else "age"
        for statistic in statistics:
            r.unavailable("measure_position", "measure", statistic, f"no {missing} column",
                          ref, WHO_2019)
        return
    x = t.position  # columns: (band, lying), (band, standing) for the three age bands
    under24 = x[:, 0:4].sum(axis=1)
    cases = ((under24, x[:, 1] + x[:, 3]), (x[:, 4] + x[:, 5], x[:, 4]),
             (x[:, 0] + x[:, 1], x[:, 1]))
    for statistic, (n, wrong) in zip(statistics, cases, strict=True):
        r.add("measure_position", "measure", statistic, n, 100 * _divide(wrong, n),
              verdict=INFO, expected=0.0, reference=ref, source=WHO_2019)


# --- the checks of a table given in parts -----------------------------------------------------
def _all_combos(d: _Data) -> list[tuple[str, int, float]]:
    """:func:`_combos` for both standards (a later part may hold the other)."""
    return _combos(replace(d, standard=np.array([0, 1], dtype=np.int8)))


def _take(t: _Sums, rows: np.ndarray) -> _Sums:
    """The sums of groups ``rows``, in that order."""
    def tk(x: Any) -> Any:
        return None if x is None else x[rows]

    return _Sums(total=t.total[rows], missing={k: v[rows] for k, v in t.missing.items()},
                 digits={k: v[rows] for k, v in t.digits.items()}, months=t.months[rows],
                 sex=t.sex[rows], position=t.position[rows], birth=tk(t.birth),
                 z={k: {c: v[rows] for c, v in z.items()} for k, z in t.z.items()},
                 weighted_months=None if t.weighted_months is None else tuple(
                     x[rows] for x in t.weighted_months),
                 weighted_sex=None if t.weighted_sex is None else tuple(
                     x[rows] for x in t.weighted_sex))


def _moments(z: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """n, mean and the sums M2, M3, M4 of a z-score's moments (they are kept divided by n)."""
    n = z["n"]
    return (n, z["mean"], *(np.where(n > 0, z[k] * n, 0.0) for k in ("m2", "m3", "m4")))


@dataclass
class _Grouped:
    """One grouping's sums over the rows of the parts added so far; its labels keyed by their
    text (``index``). ``wscale``: the power of two each group's weights were multiplied by in
    the weighted sums (None: 1), ``largest``: each group's largest weight (or a bound)."""

    groups: _Groups  # labels, values and order; no codes
    index: dict[str, int]
    sums: _Sums
    wscale: np.ndarray | None
    largest: np.ndarray | None

    def nbytes(self) -> int:
        t = self.sums
        arrays = [t.total, t.months, t.sex, t.position, *t.missing.values(), *t.digits.values()]
        arrays += [] if t.birth is None else [t.birth]
        arrays += [x for z in t.z.values() for x in z.values()]
        for w in (t.weighted_months, t.weighted_sex):
            arrays += [] if w is None else list(w)
        return sum(x.nbytes for x in arrays)


@dataclass
class _QState:
    """Everything the checks need from the rows added so far."""

    d: _Data  # what the table supplies (no rows): given, columns, standards met, weights?
    standards: list[bool]  # rows scored with WHO 2006 / 2007 met
    wlow: float
    whigh: float
    grouped: list[_Grouped]

    def summary(self) -> _Data:
        """A :class:`_Data` without rows for the checks: what was supplied and met."""
        return replace(self.d, standard=np.array([s for s in (0, 1) if self.standards[s]],
                                                 dtype=np.int8))

    def merge(self, other: _QState) -> _QState:
        """The rows of ``self`` and ``other`` (``self`` is updated)."""
        self.standards = [a or b for a, b in zip(self.standards, other.standards, strict=True)]
        low, high = min(self.wlow, other.wlow), max(self.whigh, other.whigh)
        rescale = _survey.needs_rescaling(low, high)
        for k, (mine, theirs) in enumerate(zip(self.grouped, other.grouped, strict=True)):
            self.grouped[k] = _merge_grouped(mine, theirs, rescale, self.whigh, other.whigh)
        self.wlow, self.whigh = low, high
        return self


def _merge_grouped(a: _Grouped, b: _Grouped, rescale: bool, a_high: float, b_high: float
                   ) -> _Grouped:
    gmap = np.zeros(b.groups.size, dtype=np.int64)
    labels, values = list(a.groups.labels), list(a.groups.values)
    index = dict(a.index)
    for k, text in enumerate(b.groups.labels):
        at = index.get(text)
        if at is None:
            at = index[text] = len(labels)
            labels.append(text)
            values.append(b.groups.values[k])
        gmap[k] = at
    size = len(labels)
    fa = fb = scale = largest = None
    if rescale:
        def bound(g: _Grouped, high: float) -> np.ndarray:
            if g.largest is not None:
                return g.largest
            return np.where(g.sums.total > 0, high, 0.0)

        largest = _grow(bound(a, a_high), size)
        np.maximum.at(largest, gmap, bound(b, b_high))
        scale = _survey.scales_of(largest)
        fa = scale[: a.groups.size] / (a.wscale if a.wscale is not None else 1.0)
        fb = scale[gmap] / (b.wscale if b.wscale is not None else 1.0)
    ta, tb = a.sums, b.sums

    def add(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = _grow(x, size).copy()
        np.add.at(out, gmap, y)
        return out

    def weighted(x, y, f_x, f_y):
        if x is None:
            return None
        out = []
        for power, (u, v) in enumerate(zip(x, y, strict=True)):
            if f_x is not None:  # sums of w^power: times f^power, one factor at a time
                for _ in range(power):
                    u, v = u * f_x[:, None], v * f_y[:, None]
            out.append(add(u, v))
        return tuple(out)

    z = {}
    for key in dict.fromkeys([*ta.z, *tb.z]):
        za = ta.z.get(key) or _no_z(a.groups.size)
        zb = tb.z.get(key) or _no_z(b.groups.size)
        merged = {c: add(za[c], zb[c]) for c in ("rows", "scored", "flagged")}
        mb = [np.zeros(size) for _ in range(5)]
        for arr, x in zip(mb, _moments(zb), strict=True):
            arr[gmap] = x
        ma = [_grow(x, size) for x in _moments(za)]
        n, mean, m2, m3, m4 = merge_moments(ma, mb)
        merged.update(n=n, mean=mean, m2=_divide(m2, n), m3=_divide(m3, n), m4=_divide(m4, n))
        z[key] = merged
    sums = _Sums(
        total=add(ta.total, tb.total),
        missing={k: add(v, tb.missing[k]) for k, v in ta.missing.items()},
        digits={k: add(v, tb.digits[k]) for k, v in ta.digits.items()},
        months=add(ta.months, tb.months), sex=add(ta.sex, tb.sex),
        position=add(ta.position, tb.position),
        birth=None if ta.birth is None else add(ta.birth, tb.birth), z=z,
        weighted_months=weighted(ta.weighted_months, tb.weighted_months, fa, fb),
        weighted_sex=weighted(ta.weighted_sex, tb.weighted_sex, fa, fb))
    groups = replace(a.groups, labels=labels, values=values,
                     no_group=a.groups.without_group() + b.groups.without_group())
    return _Grouped(groups, index, sums, scale, largest)


def _no_z(size: int) -> dict[str, np.ndarray]:
    """The sums of a z-score no row had."""
    zero, nan = np.zeros(size), np.full(size, np.nan)
    return dict(rows=zero, scored=zero, flagged=zero, n=zero, mean=nan, m2=nan, m3=nan, m4=nan)


def _grow(x: np.ndarray, size: int) -> np.ndarray:
    from .accumulate import grow

    return grow(x, size, 0)


def _output_order(groups: _Groups) -> np.ndarray:
    """The groups in the order of the in-memory table: a categorical's categories, else sorted
    by value (values that do not sort together: as met)."""
    if groups.order == "sorted" and groups.size > 1:
        pd = _pandas()
        try:
            codes, _ = pd.factorize(pd.Series(groups.values), sort=True)
            return np.argsort(codes, kind="stable")
        except TypeError:
            pass
    return np.arange(groups.size)


def _part_state(d: _Data, groupings: list[_Groups], whole: bool) -> _QState:
    """The sums of one part for every grouping (``whole``: the part is the whole table, so
    only its own standards' z-scores are summed)."""
    combos = _combos(d) if whole else _all_combos(d)
    low, high = (math.inf, 0.0) if d.weights is None else _survey.weight_range(
        d.weights, np.empty(0, dtype=np.int64), d.weights.size)
    rescale = d.weights is not None and _survey.needs_rescaling(low, high)
    grouped = []
    for groups in groupings:
        dg, largest, wscale = d, None, None
        if rescale:
            largest = _largest_weights(d.weights, groups)
            wscale = _survey.scales_of(largest)
            dg = replace(d, weights=_rescale_weights(d.weights, groups, largest))
        t = _sums(dg, combos, groups.codes, groups.size)
        t.z = {(z, s): sums for (z, s, _), sums in zip(combos, t.z, strict=True) if sums}
        kept = replace(groups, codes=np.zeros(0, dtype=np.int64), no_group=groups.without_group())
        index = {}
        for k, text in enumerate(groups.labels):
            index.setdefault(text, k)
        grouped.append(_Grouped(kept, index, t, wscale, largest))
    return _QState(_no_rows(d), [bool((d.standard == s).any()) for s in (0, 1)], low, high,
                   grouped)


def _no_rows(d: _Data) -> _Data:
    """``d`` without its rows: what was supplied (an empty array for a supplied column)."""
    def empty(x: np.ndarray | None) -> np.ndarray | None:
        return None if x is None else x[:0]

    return _Data(n=0, sex=d.sex[:0], age_months=d.age_months[:0], given=set(d.given),
                 weight=empty(d.weight), lenhei=empty(d.lenhei), measure=empty(d.measure),
                 standard=d.standard[:0], birth_month=empty(d.birth_month),
                 birth_day=empty(d.birth_day), weights=empty(d.weights), columns=d.columns,
                 decisions=d.decisions)


def _checks(state: _QState, expected_sex_ratio: float, details: bool, stacklevel: int) -> Any:
    """The table of checks from the sums."""
    d = state.summary()
    if d.weights is not None:
        note = _survey.weight_note(state.wlow, state.whigh, "the weighted checks")
        if note:
            warnings.warn(note, ZScoreWarning, stacklevel=stacklevel)
    combos = _combos(d)
    groupings, sums = [], []
    for g in state.grouped:
        rows = _output_order(g.groups)
        t = g.sums
        groups = g.groups
        if (rows != np.arange(rows.size)).any():
            t = _take(t, rows)
            groups = replace(groups, labels=[groups.labels[k] for k in rows],
                             values=[groups.values[k] for k in rows])
        t = replace(t, z=[t.z.get((z, s), {}) for z, s, _ in combos])
        groupings.append(groups)
        sums.append(t)
    out = []
    for groups, t in zip(groupings, sums, strict=True):
        r = _Rows(groups)
        _missing(d, combos, t, r, groupings)
        _zscores(combos, t, r)
        _digits(t, r, details)
        _age_heaping(d, t, r, details)
        _birth_dates(t, r, details)
        _sex_ratio(d, t, r, expected_sex_ratio)
        _age_distribution(d, t, r)
        _position(d, t, r)
        out.append(r)
    table = _frame(out)
    table.attrs["columns"] = d.columns
    return table


def _signature(options: dict[str, Any]) -> tuple:
    out = []
    for k, v in sorted(options.items()):
        if v is None or isinstance(v, str | int | float | bool):
            out.append((k, v))
        elif isinstance(v, list | tuple) and all(isinstance(x, str) for x in v):
            out.append((k, tuple(v)))
        else:
            out.append((k, repr(type(v))))
    return tuple(out)


class QualityAccumulator:
    """:func:`quality` over a table given in parts: the rows of a file read in batches, of Dask
    partitions, of several tables. ``add`` takes a part (a pandas or polars DataFrame, a pyarrow
    Table or a dict of arrays: some of the rows), ``merge`` another accumulator made with the
    same options, ``result`` the table :func:`quality` gives on all the rows at once: the same
    groups (keyed by their text), counts, and means, SDs, skewness and kurtosis merged exactly
    (Chan et al. / Pébay), up to floating-point rounding. :func:`quality` is this class with one
    part. The columns, units and codes found in the first part are used for every later part.

    An accumulator is small and picklable: counts per group (a few kB per group), never rows.
    Every keyword is that of :func:`quality`.

    Examples
    --------
    >>> from zscore.quality import QualityAccumulator
    >>> kids = dict(sex=[1, 2, 1, 2], age=[400, 800, 1200, 1500],
    ...             weight=[9.1, 11.4, 13.0, 14.2], lenhei=[74.0, 84.2, 92.0, 97.5])
    >>> a = QualityAccumulator().add({k: v[:2] for k, v in kids.items()})
    >>> b = QualityAccumulator().add({k: v[2:] for k, v in kids.items()})
    >>> q = a.merge(b).result()
    >>> int(q.loc[q.check == "sex_ratio", "n"].iloc[0])
    4
    """

    def __init__(
        self,
        *,
        sex: Any = None,
        age: Any = None,
        age_unit: str | None = None,
        weight: Any = None,
        lenhei: Any = None,
        measure: Any = None,
        oedema: Any = None,
        birth_date: Any = None,
        by: Any = None,
        standard: str = "auto",
        weights: Any = None,
        expected_sex_ratio: float = SEX_RATIO,
        details: bool = False,
        visit_date: Any = None,
        date_format: str | None = None,
        units: Any = None,
        preset: Any = None,
        value_labels: Any = None,
    ) -> None:
        _pandas()
        self._standard = _classify.check_options("who", age_unit, standard)
        if not (isinstance(expected_sex_ratio, int | float) and expected_sex_ratio > 0
                and math.isfinite(expected_sex_ratio)):
            raise InputError(f"expected_sex_ratio={expected_sex_ratio!r}: give boys per girl, a "
                             "positive number")
        self._given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                           oedema=oedema, birth_date=birth_date, visit_date=visit_date)
        self._options = dict(age_unit=age_unit, units=units, date_format=date_format,
                             preset=preset, value_labels=value_labels)
        self._birth_date, self._weights, self._by = birth_date, weights, by
        self._expected_sex_ratio, self._details = expected_sex_ratio, details
        self._signature = _signature({**self._given, **self._options, "weights": weights,
                                      "by": by if by is None or isinstance(by, str)
                                      else tuple(by),
                                      "standard": standard, "details": details,
                                      "expected_sex_ratio": expected_sex_ratio})
        self._cols: _Columns | None = None
        self._state: _QState | None = None

    def add(self, part: Any) -> QualityAccumulator:
        """Count the rows of ``part``; returns self."""
        with np.errstate(all="ignore"):
            return self._add(part, whole=False)

    def _add(self, data: Any, whole: bool) -> QualityAccumulator:
        if self._cols is not None and data is None:
            raise InputError("quality: a later part needs a table")
        d = _gather(data, dict(self._given), self._options, self._standard, self._birth_date,
                    self._weights, self._cols)
        first = self._cols is None
        if first:
            self._cols = d.decisions
            self._cols.by = _by_items(data, self._by)
        groupings = _groupings(data, None, d.n, self._cols.by, later=not first)
        part = _part_state(d, groupings, whole)
        self._state = part if self._state is None else self._state.merge(part)
        return self

    @quiet_numpy
    def merge(self, other: QualityAccumulator) -> QualityAccumulator:
        """Add the rows of ``other`` (an accumulator made with the same options); returns
        self."""
        if not isinstance(other, QualityAccumulator) or other._signature != self._signature:
            raise InputError("merge: the other accumulator was made with other options")
        if other._state is None:
            return self
        if self._state is None:
            self.__setstate__(copy.deepcopy(other.__getstate__()))
            return self
        if self._state.d.columns != other._state.d.columns:
            raise InputError("merge: the parts' columns were found differently: "
                             f"{self._state.d.columns} and {other._state.d.columns}")
        self._state.merge(other._state)
        return self

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        arrays = ("<array>" if v is not None and not isinstance(v, str | Mapping) else v
                  for v in (self._birth_date, self._weights))
        state["_birth_date"], state["_weights"] = arrays
        state["_given"] = {k: v if v is None or isinstance(v, str) else "<array>"
                           for k, v in self._given.items()}
        if isinstance(self._by, Mapping):
            state["_by"] = {k: v if isinstance(v, str) else "<array>"
                            for k, v in self._by.items()}
        if self._cols is not None and self._cols.by:
            state["_cols"] = replace(self._cols, by=[(k, v if isinstance(v, str) else "<array>")
                                                     for k, v in self._cols.by])
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def nbytes(self) -> int:
        """Bytes of the counts held."""
        return 0 if self._state is None else sum(g.nbytes() for g in self._state.grouped)

    def result(self) -> Any:
        """The table :func:`quality` gives on the rows of every part added and merged."""
        with np.errstate(all="ignore"):
            return self._result(stacklevel=4)

    def _result(self, stacklevel: int) -> Any:
        if self._state is None:
            raise InputError("quality: no rows were added")
        return _checks(self._state, self._expected_sex_ratio, self._details, stacklevel)


# --- public ---------------------------------------------------------------------------------------
def quality(
    data: Any = None,
    *,
    sex: Any = None,
    age: Any = None,
    age_unit: str | None = None,
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    birth_date: Any = None,
    by: Any = None,
    standard: str = "auto",
    weights: Any = None,
    expected_sex_ratio: float = SEX_RATIO,
    details: bool = False,
    visit_date: Any = None,
    date_format: str | None = None,
    units: Any = None,
    preset: Any = None,
    value_labels: Any = None,
) -> Any:
    """Data-quality checks of the WHO/UNICEF 2019 recommendations, overall and by group.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table, dict of arrays, or None
        The output of :func:`zscore.classify` (its ``zlen``/``flen`` ... columns are used as
        they are) or raw measurements, which are scored first with WHO's precision.
    sex, age, age_unit, weight, lenhei, measure, oedema : as for :func:`zscore.classify`
        Column names (default: WHO's names when the table has them) or arrays.
    birth_date : column name or array, optional
        Dates of birth (read as :func:`zscore.classify` reads them): birth-month and birth-day
        checks; with ``visit_date`` (and no ``age``), the age too.
    visit_date, date_format, units, preset, value_labels : as for :func:`zscore.classify`
    by : column name, list of names, or dict of name: array, optional
        Each grouping is checked on its own (not crossed), after the whole data set ("All").
    standard : {"auto", "2006", "2007"}
        Passed to :func:`zscore.classify` when ``data`` is raw measurements.
    weights : column name or array, optional
        Sampling weights for the checks of the population's make-up (sex ratio, age groups,
        age ratio); the tests then use Kish's effective sample size. Negative weights raise
        :class:`zscore.InputError`; rows with a missing weight are left out of those checks.
    expected_sex_ratio : float
        Boys per girl expected in the population (default 1.05, the ratio at birth); use the
        country's own figure where known.
    details : bool
        Also give the distributions behind the indices: the share of each decimal digit, each
        completed month of age and each month of birth.

    Returns
    -------
    pandas.DataFrame
        One row per check x group x variable x statistic, with columns ``check``, ``group_by``
        (``"all"`` or the grouping's name), ``group``, ``variable``, ``statistic``, ``n`` (the
        values the statistic is computed on), ``value``, ``expected``, ``low`` and ``high``
        (the range that passes), ``p_value`` (of the check's test, where it has one),
        ``verdict`` (``pass``, ``warn``, ``fail``, ``info`` where no threshold exists, ``n/a``
        where the check cannot be computed), ``reference``, ``source`` and ``note``.
        Percentages are in percent. docs/quality.md explains every check.

    Examples
    --------
    >>> import zscore
    >>> q = zscore.quality(sex=[1, 2, 1], age=[400, 800, 1200], weight=[9.1, 11.4, 13.0],
    ...                    lenhei=[74.0, 84.2, 92.0], measure=["l", "h", "h"])
    >>> q.loc[q.check == "flagged", ["variable", "value", "verdict"]].to_numpy().tolist()
    [['zlen', 0.0, 'pass'], ['zwei', 0.0, 'pass'], ['zwfl', 0.0, 'pass'], ['zbmi', 0.0, 'pass']]
    """
    acc = QualityAccumulator(
        sex=sex, age=age, age_unit=age_unit, weight=weight, lenhei=lenhei, measure=measure,
        oedema=oedema, birth_date=birth_date, by=by, standard=standard, weights=weights,
        expected_sex_ratio=expected_sex_ratio, details=details, visit_date=visit_date,
        date_format=date_format, units=units, preset=preset, value_labels=value_labels)
    with np.errstate(all="ignore"):  # bad values get reasons, not numpy's warnings
        return acc._add(data, whole=True)._result(stacklevel=5)


def summary(table: Any, group: str = "All", group_by: str | None = None) -> str:
    """A readable text of a :func:`quality` table for one group: one line per statistic with
    its verdict, value and reference.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`quality`.
    group : str
        The group to show (default "All", the whole data set).
    group_by : str, optional
        The grouping the group belongs to, when two groupings share a label.
    """
    rows = table[table["group"] == group]
    if group_by is not None or group == "All":
        rows = rows[rows["group_by"] == (group_by or "all")]
    lines = [f"Data quality: {group} ({len(rows)} statistics)"]
    for row in rows.itertuples(index=False):
        value = "-" if math.isnan(row.value) else f"{row.value:.4g}"
        p = "" if math.isnan(row.p_value) else f", p = {row.p_value:.3g}"
        extra = f"  [{row.note}]" if row.note else ""
        lines.append(f"{row.verdict:>5}  {row.check:<17} {row.variable:<10} {row.statistic}: "
                     f"{value}{p} (ref. {row.reference or '-'}){extra}")
    return "\n".join(lines)


__all__: Sequence[str] = ("QualityAccumulator", "quality", "summary")
