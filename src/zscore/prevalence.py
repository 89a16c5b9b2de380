"""Survey prevalence tables, exactly as WHO's ``anthro_prevalence`` (0-5 years) and
``anthroplus_prevalence`` (5-19 years) compute them.

This module reads the columns, applies WHO's row exclusions and groupings and lays out the
table; the estimators live in :mod:`zscore._survey`. Every rule and formula, with its source, is
in docs/prevalence.md.

:class:`PrevalenceAccumulator` takes the table in parts (a file read in batches, Dask
partitions): each part's rows become sums that merge (per stratum and group, and for clustered
designs per PSU and group), and the table is computed from them at the end. :func:`prevalence`
is that accumulator given one part, the whole table (docs/scale.md).
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import _survey, accumulate, rules
from .classify import check_options, compute
from .errors import InputError, ZScoreWarning, quiet_numpy
from .frames import Factorized, column_values, table_columns
from .inputs import gather
from .parse import as_float
from .resolve import DESIGN_ARGS, Preset, column_name, load_preset, resolve

LAYOUTS = ("tidy", "who")

#: WHO's grouping arguments of anthro_prevalence and the label each gets (anthro:R/prevalence.R).
WHO_GROUPINGS = {
    "typeres": "Area",
    "gregion": "Geographical region",
    "wealthq": "Wealth quintile",
    "mothered": "Maternal education",
    "othergr": "Other grouping",
}
#: Wealth quintile labels for the codes 1-5 / Q1-Q5 (anthro:R/prevalence.R).
WEALTH_LABELS = ("Q1: Poorest", "Q2", "Q3", "Q4", "Q5: Richest")

#: Age groups of the 0-5 year table, left-closed, months (anthro:R/utils.R, anthro_age_groups).
AGE_BREAKS_2006 = (0.0, 6.0, 12.0, 24.0, 36.0, 48.0, 60.0)
AGE_LABELS_2006 = ("00-05 mo", "06-11 mo", "12-23 mo", "24-35 mo", "36-47 mo", "48-59 mo")
#: The 5-19 year table (anthroplus:R/prevalence.R): ages kept, inclusive, months.
AGE_RANGE_2007 = (rules.MIN_AGE_MONTHS_2007, rules.MAX_AGE_MONTHS_2007)
AGE_BREAKS_2007 = (60.0, 72.0, 84.0, 96.0, 108.0, 120.0, 132.0, 144.0, 156.0, 168.0, 180.0,
                   192.0, 204.0, 216.0, 228.0, 229.0)
AGE_LABELS_2007 = ("60-71 mo", "72-83 mo", "84-95 mo", "96-107 mo", "108-119 mo", "120-131 mo",
                   "132-143 mo", "144-155 mo", "156-167 mo", "168-179 mo", "180-191 mo",
                   "192-203 mo", "204-215 mo", "216-227 mo", "228-228 mo")
WIDE_BREAKS_2007 = (60.0, 120.0, 180.0, 229.0)
WIDE_LABELS_2007 = ("60-119 mo", "120-179 mo", "180-228 mo")
#: Years/Months columns of the 5-19 year table, one per WHO row.
YEARS_2007 = ("Total (5-19)",) * 3 + tuple(str(y) for y in range(5, 20)) + (
    "Total (5-9)", "Total (10-14)", "Total (15-19)") + (
    "Total (5-9)", "Total (5-9)", "Total (10-14)", "Total (10-14)", "Total (15-19)",
    "Total (15-19)")
MONTHS_2007 = ("(60-228)",) * 3 + tuple(f"({a.removesuffix(' mo')})" for a in AGE_LABELS_2007) + (
    "(60-119)", "(120-179)", "(180-228)") + ("(60-119)",) * 2 + ("(120-179)",) * 2 + (
    "(180-228)",) * 2

#: Most levels a ``by`` column may have: each group is a row (44 in the tidy table) and its
#: sums are kept per thread, so a column of identifiers by mistake would exhaust memory.
MAX_LEVELS = 100_000

#: WHO's prefixes (column order of the table) and the z column each reads.
INDICATORS = ("HA", "WA", "BMI", "WH")
Z_COLUMNS = ("zlen", "zwei", "zbmi", "zwfl")
CUT_SUFFIXES = ("_3", "_2", "_1", "1", "2", "3")
CUT_NAMES = ("% z < -3", "% z < -2", "% z < -1", "% z > +1", "% z > +2", "% z > +3")
COMBINED = ("HA_2_WH_2", "HA_2_WH2")
COMBINED_NAMES = ("% HA < -2 and WH < -2", "% HA < -2 and WH > +2")
#: Flag thresholds of the four indicators (rules.INDICATORS_2006), used when a table has
#: z-scores without their flag columns.
_FLAG_LOW = np.array([rules.INDICATORS_2006[rules.INDICATOR_NAMES.index(z[1:])].flag_low
                      for z in Z_COLUMNS])
_FLAG_HIGH = np.array([rules.INDICATORS_2006[rules.INDICATOR_NAMES.index(z[1:])].flag_high
                       for z in Z_COLUMNS])
_EMPTY = np.empty(0)
_NO_FLAGS = np.empty(0, dtype=np.bool_)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise ImportError('zscore.prevalence returns a pandas DataFrame and needs pandas: '
                          'pip install "zscore-who[pandas]"') from None
    return pd


# --- reading the table ----------------------------------------------------------------------------
@dataclass
class _Table:
    data: Any
    names: list[str]
    get: Callable[[str], Any]
    n: int

    def column(self, arg: str, value: Any) -> Any:
        """The column an argument names (matched as the resolver matches names: exactly, else
        ignoring case and spacing), an array given in its place, or None."""
        if value is None:
            return None
        if isinstance(value, str):
            return self.get(column_name(self.data, arg, value))
        try:
            size = len(value)
        except TypeError:
            raise InputError(f"{arg}: give a column name or an array of {self.n} values, not "
                             f"{value!r}") from None
        if size != self.n:
            raise InputError(f"{arg}: {size} values for a table of {self.n} rows")
        return value


def _floats(values: Any) -> np.ndarray:
    return np.ascontiguousarray(as_float(column_values(values)), dtype=np.float64)


def _labels(values: Any) -> tuple[np.ndarray, list[str], list[tuple]]:
    """Integer codes (-1 missing), the text of each distinct value and its sort key (R sorts
    numbers as numbers, text as text)."""
    values = column_values(values)
    if isinstance(values, Factorized):
        codes = np.asarray(values.codes, dtype=np.int64)
        uniques = list(values.uniques)
    else:
        pd = _pandas()
        codes, uniq = pd.factorize(np.asarray(values, dtype=np.float64), use_na_sentinel=True)
        codes = codes.astype(np.int64, copy=False)
        uniques = list(uniq)
    labels = [_text(u) for u in uniques]
    keys = [(0, float(u), "") if isinstance(u, int | float | np.integer | np.floating)
            and not isinstance(u, bool | np.bool_) else (1, 0.0, lab)
            for u, lab in zip(uniques, labels, strict=True)]
    return codes, labels, keys


def _text(value: Any) -> str:
    """A value as R's as.character writes it (1.0 -> "1", TRUE -> "TRUE")."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else format(v, ".15g")
    return str(value)


def _flagged(values: Any) -> np.ndarray:
    """A flag column (1 = flagged, 0, missing) as bool."""
    if type(values).__module__.split(".")[0] == "pandas":
        return (values == 1).to_numpy(dtype=bool, na_value=False)
    return _floats(values) == 1


# --- the z-scores and the child's columns ---------------------------------------------------------
@dataclass
class _Children:
    z: list[np.ndarray]  # zlen, zwei, zbmi, zwfl (length 0: not supplied)
    flagged: list[np.ndarray]  # bool (length 0: flag by WHO's thresholds)
    sex: np.ndarray  # float: 1 male, 2 female, NaN
    age_days: np.ndarray  # exact, NaN missing or invalid
    age_months: np.ndarray
    oedema: np.ndarray  # int8, 1 = yes


def _ages(age: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Ages in days and in months from the kernel's ages: negative or invalid ages are no age
    (methods.md §12); +inf is too old, left out as WHO would."""
    a = np.where((np.isfinite(age) & (age >= 0)) | (age == np.inf), age, np.nan)
    if unit == "days":
        return a, a / rules.DAYS_PER_MONTH
    return a * rules.DAYS_PER_MONTH, a


def _standard_of(ages_months: np.ndarray, standard: str) -> str:
    if standard != "auto":
        return standard
    known = ages_months[~np.isnan(ages_months)]
    if known.size and (known >= rules.MIN_AGE_MONTHS_2007).all():
        return "2007"
    return "2006"


#: The child's arguments prevalence and quality read (no head/arm circumference or skinfolds).
SURVEY_ARGS = ("sex", "age", "weight", "lenhei", "measure", "oedema")


@dataclass
class _Columns:
    """What the first part decided about the table's columns, kept for every later part:
    the child's resolution (without its data), whether the table is classify's output (and
    which of its z-score, flag and standard columns it has), the design's and the groupings'
    columns."""

    res: Any
    scored: bool
    z: list[bool]  # zlen, zwei, zbmi, zwfl present (a classified table)
    flags: list[bool]
    standard: bool
    design: dict[str, tuple[str, Any]]  # arg -> ("column", name) | ("array", values)
    weight_scale: float
    by: list[str]
    lines: list[str]  # attrs["columns"]
    age_unit: str = "days"
    population: str | None = None  # the preset's population column (DHS hv103), if any
    population_why: str = ""


def _read_child(table: _Table, given: dict[str, Any], options: dict[str, Any],
                cols: _Columns | None) -> tuple[Any, Any, bool]:
    """The child's inputs of a part: (Inputs, Resolution, classified table)."""
    if cols is not None:
        inp, _ = gather(table.data, {}, resolution=cols.res)
        return inp, cols.res, cols.scored
    scored = "csex" in table.names and any(z in table.names for z in Z_COLUMNS)
    if scored:  # classify's output: its z-scores and flags; age and oedema from the columns
        g = {**given, "sex": given["sex"] if given["sex"] is not None else "csex"}
        inp, res = gather(table.data, g, args=("sex", "age", "oedema"),
                          require_measurement=False, check=False, no_age="ignore", **options)
    else:
        inp, res = gather(table.data, given, args=SURVEY_ARGS, no_age="ignore", **options)
    if not ("age" in res.found or res.age_from_dates):
        warnings.warn("no age column: the table has no age groups, and WHO's age exclusions "
                      "cannot be applied", ZScoreWarning, stacklevel=4)
    return inp, res, scored


def _children(table: _Table, inp: Any, res: Any, cols: _Columns, std: str, precision: str,
              age_days: np.ndarray, age_months: np.ndarray) -> tuple[_Children, int]:
    """The z-scores of the standard ``std`` and the child's columns; the rows whose
    ``standard`` column disagrees with their age (classified tables)."""
    oedema = ((inp.oedema == rules.OEDEMA_YES).astype(np.int8) if "oedema" in res.found
              else np.zeros(0, dtype=np.int8))
    sex = np.where(inp.sex > 0, inp.sex, np.nan).astype(np.float64)
    disagree = 0
    if cols.scored:
        z = [_floats(table.get(c)) if has else _EMPTY for c, has in zip(Z_COLUMNS, cols.z,
                                                                           strict=True)]
        flagged = [_flagged(table.get("f" + c[1:])) if has else _NO_FLAGS
                   for c, has in zip(Z_COLUMNS, cols.flags, strict=True)]
        if cols.standard:  # z-scores of the other standard are not this table's
            codes, labels, _ = _labels(table.get("standard"))
            other = np.array([lab != std for lab in labels] + [False])[codes]
            scored_2007 = np.array([lab == "2007" for lab in labels] + [False])[codes]
            by_age = age_months >= rules.MIN_AGE_MONTHS_2007  # NaN (no age): False
            known = np.array([lab in ("2006", "2007") for lab in labels] + [False])[codes]
            disagree = int(np.count_nonzero(known & ~np.isnan(age_months)
                                            & (scored_2007 != by_age)))
            if other.any():  # never write into the caller's columns
                z = [np.where(other, np.nan, zj) if zj.size else zj for zj in z]
    else:
        raw = compute(inp, precision=precision, scheme=(), standard=std)
        slot = {"z" + name: s for s, name in enumerate(raw.active)}
        z = [np.ascontiguousarray(raw.z[slot[c]]) if c in slot else _EMPTY for c in Z_COLUMNS]
        flagged = [raw.f[slot[c]] == 1 if c in slot else _NO_FLAGS for c in Z_COLUMNS]
    return _Children(z, flagged, sex, age_days, age_months, oedema), disagree


# --- rows used and the design ---------------------------------------------------------------------
def _round_half_up(x: np.ndarray) -> np.ndarray:
    low = np.floor(x)
    with np.errstate(invalid="ignore"):  # an infinite age: inf - inf, and inf stays inf
        return low + (x - low >= 0.5)


def _plural(n: int, word: str = "row") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _keep_rows(ch: _Children, std: str, cluster: Any, strata: Any,
               population: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """WHO's row exclusions (bool mask) and how many rows each left out; ``population``: the rows
    of the survey's own population (a preset's, such as DHS's de facto children)."""
    n = ch.sex.size
    keep = np.ones(n, dtype=bool)
    left_out = {}
    if std == "2006":
        too_old = _round_half_up(ch.age_days) > rules.PREVALENCE_MAX_AGE_DAYS_2006  # NaN: kept
        left_out["too_old"] = int(np.count_nonzero(too_old))
        keep &= ~too_old
    else:
        lo, hi = AGE_RANGE_2007
        inside = (ch.age_months >= lo) & (ch.age_months <= hi)
        left_out["outside"] = int(n - np.count_nonzero(inside))
        keep &= inside
    if population is not None:
        left_out["population"] = int(np.count_nonzero(keep & ~population))
        keep &= population
    for name, codes in (("cluster", cluster), ("strata", strata)):
        if codes is not None:
            left_out["missing_" + name] = int(np.count_nonzero(keep & (codes < 0)))
            keep &= codes >= 0
    return keep, left_out


def _exclusion_notes(left_out: dict[str, int], std: str, auto: bool, why: str = ""
                     ) -> list[str]:
    notes = []
    if left_out.get("population"):
        notes.append(f"{_plural(left_out['population'])} left out: {why}")
    if left_out.get("too_old"):
        limit = rules.PREVALENCE_MAX_AGE_DAYS_2006
        hint = (" (5-19 years: call zscore.prevalence on those rows alone, or with "
                "standard='2007')") if auto else ""
        notes.append(f"{_plural(left_out['too_old'])} older than {limit} days (rounded) left "
                     f"out of this 0-5 year table, as WHO's anthro_prevalence does{hint}")
    if left_out.get("outside"):
        lo, hi = AGE_RANGE_2007
        notes.append(f"{_plural(left_out['outside'])} with a missing age or an age outside "
                     f"{lo:g}-{hi:g} months left out, as WHO's anthroplus_prevalence does")
    for name in ("cluster", "strata"):
        if left_out.get("missing_" + name):
            notes.append(f"{_plural(left_out['missing_' + name])} with a missing {name} left "
                         "out, as WHO's anthro_prevalence does")
    return notes


def _weights(table: _Table, weights: Any, scale: float = 1.0) -> tuple[np.ndarray | None, int]:
    """The sampling weights (missing: 0) and how many were missing."""
    col = table.column("weights", weights)
    if col is None:
        return None, 0
    w = _floats(col)
    if scale != 1.0:  # a preset's weights (DHS: v005 / 1,000,000)
        w = w * scale
    bad = ~np.isnan(w) & ~((w >= 0) & (w < np.inf))
    if bad.any():
        raise InputError(f"weights: {_plural(int(bad.sum()), 'value')} negative, infinite or not "
                         "a number; sampling weights must be >= 0")
    missing = np.isnan(w)
    count = int(np.count_nonzero(missing))
    if count:
        w = np.where(missing, 0.0, w)
    return w, count


@dataclass
class _Coded:
    """A cluster or strata column as integer codes (-1: missing) and the value of each code."""

    codes: np.ndarray
    uniques: Any  # sequence of values, or None: code c is the number low + c
    low: float = 0.0

    def keys(self, codes: np.ndarray) -> Any:
        """The values of ``codes`` (float64 numbers, else a list of keys)."""
        if self.uniques is None:
            return self.low + codes.astype(np.float64)
        if isinstance(self.uniques, np.ndarray) and self.uniques.dtype.kind == "f":
            return self.uniques[codes].astype(np.float64)
        return [accumulate.key(self.uniques[c]) for c in codes.tolist()]


def _design_codes(table: _Table, arg: str, value: Any) -> _Coded | None:
    """Integer codes of a cluster or strata column (-1: missing)."""
    col = table.column(arg, value)
    if col is None:
        return None
    values = column_values(col)
    if isinstance(values, Factorized):
        return _Coded(np.asarray(values.codes, dtype=np.int64), list(values.uniques))
    values = np.asarray(values, dtype=np.float64)
    known = values[~np.isnan(values)]
    if known.size and (known == np.round(known)).all():
        low, high = known.min(), known.max()
        if high - low < 4 * values.size + 1024:  # whole numbers in a small range: no hashing
            return _Coded(np.where(np.isnan(values), -1, values - low).astype(np.int64), None,
                          float(low))
    codes, uniques = _pandas().factorize(values, use_na_sentinel=True)
    return _Coded(codes.astype(np.int64, copy=False), uniques)


@dataclass(frozen=True)
class _Rows:
    """The rows used: ``index`` (int64), or every row 0..m-1 when ``index`` is empty."""

    index: np.ndarray
    m: int

    @staticmethod
    def of(keep: np.ndarray) -> _Rows:
        m = int(keep.sum())
        return _Rows(np.empty(0, dtype=np.int64) if m == keep.size else np.flatnonzero(keep), m)

    def row(self, positions: np.ndarray) -> np.ndarray:
        """The row numbers of positions among the rows used."""
        return self.index[positions] if self.index.size else positions


def _present(codes: np.ndarray, ncodes: int, rows: _Rows, w: np.ndarray = _EMPTY,
             with_missing: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First position, row count and any weight != 0 of codes 0..ncodes-1 in the rows used;
    ``with_missing``: also slot ncodes for code -1."""
    first, count, positive = _survey.code_presence(codes, ncodes, rows.index, rows.m, w)
    k = ncodes + 1 if with_missing else ncodes
    return first[:k], count[:k], positive[:k]


def _renumber(codes: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of the present values renumbered 0..k-1 (order kept), -1 elsewhere."""
    remap = np.append(np.where(present, np.cumsum(present) - 1, -1), -1)
    return remap[codes], int(present.sum())  # code -1 reads the last entry


_NO_INT = np.empty(0, dtype=np.int64)


@dataclass
class _PartDesign:
    """The design of one part: its rows' codes for the kernels (``design``) and what the
    accumulator keeps: the values of its strata and clusters, rows and weights per stratum
    and PSU (PSU = stratum x cluster, numbered as ``design.psu``)."""

    design: _survey.Design
    all_ones: bool
    positive: int  # rows used with a weight != 0
    wrange: tuple[float, float]
    strata: list[Any] | None  # each local stratum's value (None: no strata column)
    stratum_rows: np.ndarray
    stratum_positive: np.ndarray
    clusters: list[Any] | None  # each local cluster's value (None: no cluster column)
    psu_stratum: np.ndarray = field(default_factory=lambda: _NO_INT)
    psu_cluster: np.ndarray = field(default_factory=lambda: _NO_INT)
    psu_rows: np.ndarray = field(default_factory=lambda: _NO_INT)
    psu_positive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def _psu_codes(key: np.ndarray, space: int, used: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """The rows' PSU codes 0..k-1 (-1: none) from their (stratum, cluster) keys 0..space-1,
    numbered in the keys' order among the keys of the rows used, and those k keys. A table
    with many strata and clusters has a key space far larger than its rows (1,000 strata x
    20,000 clusters: 2e7 keys for 1e6 rows), so the keys are then sorted, not counted."""
    if space <= max(4 * key.size, 1 << 16):
        first, _, _ = _present(key, space, used)
        present = first >= 0
        return _renumber(key, present)[0], np.flatnonzero(present)
    mine = key[used.index] if used.index.size else key[: used.m]
    at = np.unique(mine[mine >= 0])
    if at.size == 0:
        return np.full(key.size, -1, dtype=np.int64), at
    slot = np.minimum(np.searchsorted(at, key), at.size - 1)
    return np.where((key >= 0) & (at[slot] == key), slot, -1), at


def _part_design(w: np.ndarray | None, cluster: _Coded | None, strata: _Coded | None,
                 keep: np.ndarray) -> _PartDesign:
    n = keep.size
    used = _Rows.of(keep)
    rows, m = used.index, used.m
    weights = np.ones(n) if w is None else w
    wk = weights[keep] if w is not None else None
    positive = m if w is None else int(np.count_nonzero(wk))
    # the simple method (weights all 1) matters only without a design
    all_ones = w is None or cluster is not None or strata is not None or bool((wk == 1).all())
    wrange = _survey.weight_range(weights, rows, m) if w is not None else (1.0, 1.0)
    empty = np.empty(0, dtype=np.int64)
    nan = math.nan
    if cluster is None and strata is None:
        method = "simple" if all_ones else "hybrid"
        design = _survey.Design(method, weights, rows, m, empty, 1, empty, 0, empty, nan, nan, 0)
        return _PartDesign(design, all_ones, positive, wrange, None, np.array([m]),
                           np.array([positive > 0]), None)
    # svydesign(ids = ~cluster or ~1, strata = ~strata, weights, nest = TRUE)
    if strata is not None:
        first, count, positive_strata = _present(strata.codes,
                                                 int(strata.codes.max(initial=-1)) + 1, used,
                                                 weights)
        stratum, nstrata = _renumber(strata.codes, first >= 0)
        present_strata = np.flatnonzero(first >= 0)
        strata_values = strata.keys(present_strata)
        stratum_rows = count[present_strata]
        positive_strata = positive_strata[present_strata]
    else:
        stratum, nstrata = np.zeros(n, dtype=np.int64), 1
        strata_values = None
        stratum_rows = np.array([m])
        positive_strata = np.array([positive > 0])
    if cluster is None:
        design = _survey.Design("survey", weights, rows, m, stratum, nstrata, empty, 0, empty,
                                nan, nan, 0)
        return _PartDesign(design, all_ones, positive, wrange, strata_values, stratum_rows,
                           positive_strata, None)
    first, _, _ = _present(cluster.codes, int(cluster.codes.max(initial=-1)) + 1, used)
    present_clusters = np.flatnonzero(first >= 0)
    cluster_code, nclusters = _renumber(cluster.codes, first >= 0)
    # PSUs nested in strata: one code per (stratum, cluster), numbered stratum by stratum
    key = np.where((stratum >= 0) & (cluster_code >= 0), stratum * nclusters + cluster_code, -1)
    psu, at = _psu_codes(key, nstrata * nclusters, used)
    npsu = at.size
    _, count, positive_psu = _present(psu, npsu, used, weights)
    design = _survey.Design("survey", weights, rows, m, stratum, nstrata, psu, npsu,
                            at // max(nclusters, 1), nan, nan, 0)
    return _PartDesign(design, all_ones, positive, wrange, strata_values, stratum_rows,
                       positive_strata, cluster.keys(present_clusters),
                       at // max(nclusters, 1), at % max(nclusters, 1), count,
                       positive_psu)


# --- groups ---------------------------------------------------------------------------------------
@dataclass
class _Grouping:
    label: str  # "Age group", "Sex", "Geographical region", ...
    levels: list[str]


class _Codes:
    """The rows' level codes of every grouping, one int32 row each (-1: none)."""

    def __init__(self, n: int, most: int) -> None:
        self.matrix = np.empty((most, n), dtype=np.int32)
        self.sizes: list[int] = []

    def _next(self, size: int) -> np.ndarray:
        row = self.matrix[len(self.sizes)]
        self.sizes.append(size)
        return row

    def cut(self, values: np.ndarray, breaks: Sequence[float], size: int) -> None:
        """Left-closed intervals [breaks[k], breaks[k + 1]) as levels k."""
        b = np.asarray(breaks, dtype=np.float64)
        k = np.searchsorted(b, values, side="right") - 1
        np.copyto(self._next(size), np.where((values >= b[0]) & (values < b[-1]), k, -1),
                  casting="unsafe")

    def cross(self, slow: np.ndarray, fast: np.ndarray, nfast: int, size: int) -> None:
        """The interaction of two groupings, ``fast`` varying fastest."""
        both = (slow >= 0) & (fast >= 0)
        np.copyto(self._next(size), np.where(both, slow * nfast + fast, -1), casting="unsafe")

    def remap(self, codes: np.ndarray, remap: np.ndarray, size: int) -> None:
        """Levels from codes 0..k-1 through ``remap`` (its last entry: for code -1)."""
        np.take(remap.astype(np.int32), codes, out=self._next(size), mode="wrap")

    def row(self, k: int) -> np.ndarray:
        return self.matrix[k]

    @property
    def offsets(self) -> np.ndarray:
        return np.cumsum([1, *self.sizes])[:-1].astype(np.int64)

    @property
    def ngroups(self) -> int:
        return 1 + sum(self.sizes)


@dataclass
class _Levels:
    """One grouping's levels in an accumulator: WHO's (``fixed``) or those of a by= column met
    in the rows used, keyed by their text, each with its group id, sort key (R sorts numbers as
    numbers) and first row (WHO's closed-form methods keep that order); ``missing_first``: the
    first row used with no value (-1: none)."""

    label: str
    fixed: bool
    levels: list[str]
    gids: list[int]
    keys: list[tuple] = field(default_factory=list)
    first: list[int] = field(default_factory=list)
    missing_first: int = -1
    index: dict[str, int] = field(default_factory=dict)


def _who_groupings(std: str) -> list[tuple[str, list[str]]]:
    sexes = ("Female", "Male")
    if std == "2006":
        return [("Age group", list(AGE_LABELS_2006)), ("Sex", list(sexes)),
                ("Age + sex", [f"{a}.{s}" for s in sexes for a in AGE_LABELS_2006])]
    return [("Sex", list(sexes)), ("Age Group 1", list(AGE_LABELS_2007)),
            ("Age Group 2", list(WIDE_LABELS_2007)),
            ("Age + Sex", [f"{s}.{a}" for a in WIDE_LABELS_2007 for s in sexes])]


def _wealth(codes: np.ndarray, labels: list[str], rows: _Rows) -> tuple[np.ndarray, int]:
    """Remap of wealth codes to WHO's quintiles (other values are missing) and how many of the
    rows used have another value."""
    lookup = {str(k): k - 1 for k in range(1, 6)} | {f"Q{k}": k - 1 for k in range(1, 6)}
    quintile = np.array([lookup.get(lab, -2) for lab in labels] + [-1], dtype=np.int64)
    _, count, _ = _present(codes, len(labels), rows)
    bad = int(count[quintile[:-1] == -2].sum())
    return np.where(quintile == -2, -1, quintile), bad


def _groupings(table: _Table, ch: _Children, std: str, names: list[str], rows: _Rows,
               offset: int) -> tuple[_Codes, list[_Levels], int]:
    """Every grouping's codes for one part (all of WHO's, then the by= columns), their levels
    (first rows numbered from ``offset``) and the wealthq values that are no quintile."""
    out = _Codes(ch.sex.size, 4 + len(names))
    sex = np.where(ch.sex == 2, 0, np.where(ch.sex == 1, 1, -1)).astype(np.int32)  # Female first
    who = _who_groupings(std)
    if std == "2006":
        out.cut(ch.age_months, AGE_BREAKS_2006, len(AGE_LABELS_2006))
        out.remap(sex, np.array([0, 1, -1]), 2)
        out.cross(sex, out.row(0), len(AGE_LABELS_2006), 2 * len(AGE_LABELS_2006))
    else:
        out.remap(sex, np.array([0, 1, -1]), 2)
        out.cut(ch.age_months, AGE_BREAKS_2007, len(AGE_LABELS_2007))
        out.cut(ch.age_months, WIDE_BREAKS_2007, len(WIDE_LABELS_2007))
        out.cross(out.row(2), sex, 2, 2 * len(WIDE_LABELS_2007))
    levels = []
    gid = 1
    for label, lev in who:
        levels.append(_Levels(label, True, lev, list(range(gid, gid + len(lev)))))
        gid += len(lev)
    bad_wealth = 0
    for name in names:
        codes, labels, keys = _labels(table.column("by", name))
        if len(labels) > MAX_LEVELS:
            raise InputError(f"by={name!r}: {len(labels):,} distinct values; a grouping may have "
                             f"at most {MAX_LEVELS:,} (is it an identifier?)")
        label = WHO_GROUPINGS.get(name, name)
        if name == "wealthq":
            remap, bad = _wealth(codes, labels, rows)
            bad_wealth += bad
            out.remap(codes, remap, len(WEALTH_LABELS))
            levels.append(_Levels(label, True, list(WEALTH_LABELS),
                                  list(range(gid, gid + len(WEALTH_LABELS)))))
            gid += len(WEALTH_LABELS)
            continue
        first, _, _ = _present(codes, len(labels), rows, with_missing=True)
        lev = _Levels(label, False, [], [])
        remap = np.full(len(labels) + 1, -1, dtype=np.int64)  # the last entry (code -1): none
        present = np.flatnonzero(first[:-1] >= 0)
        at = rows.row(first[present]) + offset
        for c, row in zip(present.tolist(), at.tolist(), strict=True):
            text = labels[c]
            k = lev.index.get(text)
            if k is None:  # two values of one text (1 and "1") are one group
                k = lev.index[text] = len(lev.levels)
                lev.levels.append(text)
                lev.keys.append(keys[c])
                lev.first.append(row)
                lev.gids.append(gid + k)
            remap[c] = k
        if first[-1] >= 0:
            lev.missing_first = int(rows.row(first[-1:])[0]) + offset
        out.remap(codes, remap, len(lev.levels))
        levels.append(lev)
        gid += len(lev.levels)
    return out, levels, bad_wealth


def _by_names(by: Any) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    names = list(by)
    if not all(isinstance(b, str) for b in names):
        raise InputError("by must be a column name or a list of column names")
    if len(set(names)) != len(names):
        raise InputError(f"by names a column twice: {names}")
    return names


def _output_order(levels: list[_Levels], rows_of: np.ndarray, method: str, empty: int
                  ) -> tuple[list[int], list[_Grouping]]:
    """The groups of the table in WHO's order (group ids; ``empty``: a group with no rows) and
    the groupings shown: a grouping with no level in the rows used is left out, as WHO does;
    a by= column's levels sorted (R survey's svyby) or in order of first appearance with
    missing as its own level "NA" (WHO's closed-form methods; R's ``grouping == NA`` selects no
    row, so that level is empty)."""
    order = [0]
    shown = []
    for lev in levels:
        if lev.fixed:
            if not (rows_of[lev.gids] > 0).any():
                continue
            order.extend(lev.gids)
            shown.append(_Grouping(lev.label, list(lev.levels)))
            continue
        if not lev.levels:
            continue
        if method == "survey":
            chosen = sorted(range(len(lev.levels)), key=lambda k: lev.keys[k])
        else:
            chosen = sorted(range(len(lev.levels)), key=lambda k: lev.first[k])
        names = [lev.levels[k] for k in chosen]
        gids = [lev.gids[k] for k in chosen]
        if method != "survey" and lev.missing_first >= 0:
            at = int(np.searchsorted([lev.first[k] for k in chosen], lev.missing_first))
            names.insert(at, "NA")
            gids.insert(at, empty)
        order.extend(gids)
        shown.append(_Grouping(lev.label, names))
    return order, shown


# --- the sums of one standard's table ---------------------------------------------------------
@dataclass
class _State:
    """Everything one standard's table needs from the rows added so far (see
    :class:`PrevalenceAccumulator`): counts, the groups met (by their text), the strata and
    clusters met (by their values) and the PSUs (stratum x cluster), and the sums
    (:class:`zscore._survey.Sums`)."""

    std: str
    clustered: bool  # a cluster column: PSU entries are kept
    nrows: int  # rows of the parts (used or not): first rows are numbered in this order
    absolute: bool  # rows numbered by the parts' ``start``
    m: int  # rows used
    positive: int  # rows used with a weight != 0
    all_ones: bool
    wlow: float
    whigh: float
    left_out: dict[str, int]
    disagree: int
    bad_wealth: int
    levels: list[_Levels]
    strata: accumulate.Keys | None
    stratum_rows: np.ndarray
    stratum_positive: np.ndarray
    clusters: accumulate.Keys | None
    psus: accumulate.IntKeys | None
    psu_stratum: np.ndarray
    psu_rows: np.ndarray
    psu_positive: np.ndarray
    row_psus: bool  # every row its own PSU in the table (too many strata for per-stratum sums)
    sums: _survey.Sums
    gmax: np.ndarray | None  # per group, the largest weight (or a bound): sums rescaled

    @property
    def ngroups(self) -> int:
        return self.sums.ngroups

    @property
    def by_stratum(self) -> bool:
        """The rows are the PSUs (per-stratum sums): no cluster column, one cluster only, or
        too many strata (then every row is a PSU of the table)."""
        return self.sums.dev is not None

    def nbytes(self) -> int:
        n = self.sums.nbytes()
        for x in (self.stratum_rows, self.stratum_positive, self.psu_stratum, self.psu_rows,
                  self.psu_positive):
            n += x.nbytes
        if self.psus is not None:
            n += self.psus.values.nbytes
        return n

    # -- merging ---------------------------------------------------------------------------
    def merge(self, other: _State) -> _State:
        """The rows of ``self`` then those of ``other`` (``self`` is updated)."""
        shift = 0 if other.absolute else self.nrows
        gmap, ngroups = self._merge_levels(other, shift)
        # strata, clusters, PSUs: by their values
        if self.strata is not None:
            smap = self.strata.ids(other.strata.values)
        else:
            smap = np.zeros(other.stratum_rows.size, dtype=np.int64)
        nstrata = max(self.stratum_rows.size, int(smap.max(initial=-1)) + 1)
        self.stratum_rows = accumulate.grow(self.stratum_rows, nstrata, 0)
        self.stratum_positive = accumulate.grow(self.stratum_positive, nstrata, 0)
        np.add.at(self.stratum_rows, smap, other.stratum_rows)
        self.stratum_positive[smap] |= other.stratum_positive
        pmap = np.zeros(0, dtype=np.int64)
        if self.clustered or self.row_psus or other.row_psus:
            if self.row_psus != other.row_psus and other.m and self.m:
                raise InputError("prevalence: parts with too many strata for per-stratum sums "
                                 f"(more than {_survey.MAX_STRATUM_SUMS:,} bytes) cannot be "
                                 "merged with parts that have fewer")
            if other.row_psus:  # rows as PSUs: never the same PSU in two parts
                self.row_psus = True
                pmap = self.psu_stratum.size + np.arange(other.psu_stratum.size)
            else:
                cmap = self.clusters.ids(other.clusters.values)
                theirs = other.psus.values  # (stratum, cluster) of each of their PSUs
                pmap = self.psus.ids(accumulate.pair(smap[theirs >> 31],
                                                     cmap[theirs & accumulate.LOW31]))
            npsu = max(self.psu_stratum.size, int(pmap.max(initial=-1)) + 1)
            psu_stratum = accumulate.grow(self.psu_stratum, npsu, 0)
            psu_stratum[pmap] = smap[other.psu_stratum]
            self.psu_stratum = psu_stratum
            self.psu_rows = accumulate.grow(self.psu_rows, npsu, 0)
            np.add.at(self.psu_rows, pmap, other.psu_rows)
            self.psu_positive = accumulate.grow(self.psu_positive, npsu, 0)
            self.psu_positive[pmap] |= other.psu_positive
        # the sums, on one scale of the weights
        fa, fb, scale, gmax = self._scales(other, gmap, ngroups)
        by_stratum = self.by_stratum and other.by_stratum and not (
            self.clustered and len(self.clusters) > 1)
        self.sums = _merge_sums(self.sums, other.sums, gmap, smap, pmap, ngroups, nstrata,
                                self.psu_stratum.size, fa, fb, scale, by_stratum)
        self.gmax = gmax
        # counts
        self.nrows += other.nrows
        self.absolute = self.absolute and other.absolute
        self.m += other.m
        self.positive += other.positive
        self.all_ones = self.all_ones and other.all_ones
        self.wlow, self.whigh = min(self.wlow, other.wlow), max(self.whigh, other.whigh)
        for k, v in other.left_out.items():
            self.left_out[k] = self.left_out.get(k, 0) + v
        self.disagree += other.disagree
        self.bad_wealth += other.bad_wealth
        return self

    def _merge_levels(self, other: _State, shift: int) -> tuple[np.ndarray, int]:
        """Group ids of ``other`` in ``self`` (new levels are added) and the number of
        groups."""
        gmap = np.zeros(other.ngroups, dtype=np.int64)
        nxt = self.ngroups
        for mine, theirs in zip(self.levels, other.levels, strict=True):
            if mine.fixed:
                gmap[theirs.gids] = mine.gids
                continue
            for k, text in enumerate(theirs.levels):
                at = mine.index.get(text)
                first = theirs.first[k] + shift
                if at is None:
                    at = mine.index[text] = len(mine.levels)
                    mine.levels.append(text)
                    mine.keys.append(theirs.keys[k])
                    mine.first.append(first)
                    mine.gids.append(nxt)
                    nxt += 1
                else:
                    mine.first[at] = min(mine.first[at], first)
                gmap[theirs.gids[k]] = mine.gids[at]
            if theirs.missing_first >= 0:
                m = theirs.missing_first + shift
                mine.missing_first = m if mine.missing_first < 0 else min(mine.missing_first, m)
        return gmap, nxt

    def _scales(self, other: _State, gmap: np.ndarray, ngroups: int):
        """Factors bringing both states' sums to one scale of the weights, that scale and the
        bound of each group's weights (see zscore._survey, "weights of any size")."""
        low, high = min(self.wlow, other.wlow), max(self.whigh, other.whigh)
        if not _survey.needs_rescaling(low, high):
            return None, None, np.empty(0), None

        def bound(state: _State, size: int) -> np.ndarray:
            if state.gmax is not None:
                return accumulate.grow(state.gmax, size, 0)
            rows = state.sums.totals()[:, _survey.C_ROWS]
            return accumulate.grow(np.where(rows > 0, state.whigh, 0.0), size, 0)

        largest = bound(self, ngroups)
        theirs = np.zeros(ngroups)
        theirs[gmap] = bound(other, other.ngroups)
        largest = np.maximum(largest, theirs)
        scale = _survey.scales_of(largest)

        def factor(state: _State, new: np.ndarray) -> np.ndarray:
            old = state.sums.wscale if state.sums.wscale.size else np.ones(state.ngroups)
            return new / old

        return factor(self, scale[: self.ngroups]), factor(other, scale[gmap]), scale, largest


def _merge_sums(a: _survey.Sums, b: _survey.Sums, gmap, smap, pmap, ngroups, nstrata, npsu,
                fa, fb, scale, by_stratum) -> _survey.Sums:
    """The sums of two states in one, on the scale ``scale`` (empty: none; ``fa``/``fb`` the
    factors from each state's own), per stratum if ``by_stratum``, with ``b``'s groups, strata
    and PSUs renumbered by ``gmap``, ``smap``, ``pmap``."""
    if a.var is not None or b.var is not None:
        raise InputError("merge: an accumulator of a whole table (zscore.prevalence's) cannot "
                         "take more rows")

    def rescaled(s: _survey.Sums, f: np.ndarray | None) -> _survey.Sums:
        if f is None or (f == 1.0).all():
            return s
        same = np.arange(f.size)
        return _survey.Sums(
            _survey.scale_channels(s.s1, f, _survey.S1_POWER, 1), s.ref,
            None if s.dev is None else _survey.scale_channels(s.dev, f, _survey.DEV_POWER, 1),
            None if s.devsq is None else _survey.scale_channels(s.devsq, f, np.array([1, 1]),
                                                                0),
            None if s.table is None else s.table.regroup(same, f), s.wscale,
            pending=[(p, t.regroup(same, f)) for p, t in s.pending])

    a, b = rescaled(a, fa), rescaled(b, fb)
    ga = a.ngroups
    # the totals, to centre the deviations on the mean of both
    ta, tb = a.totals(), b.totals()
    tot = accumulate.grow(ta, ngroups, 0).copy()
    np.add.at(tot, gmap, tb)
    mean = _survey.group_means(tot)
    if by_stratum:
        s1 = accumulate.grow(accumulate.grow(a.s1, nstrata, 0), ngroups, 1).copy()
        accumulate.add_at(s1, smap, gmap, b.s1)
        dev = np.zeros((nstrata, ngroups, _survey.NIND, _survey.DEV_CH))
        da = _survey.moved(a.dev, _survey.z_weights(a.s1), a.dev[..., 4], a.ref - mean[:ga])
        dev[: da.shape[0], :ga] = da
        db = _survey.moved(b.dev, _survey.z_weights(b.s1), b.dev[..., 4],
                           b.ref - mean[gmap])
        accumulate.add_at(dev, smap, gmap, db)
    else:
        s1 = tot[None]
        dev = None
    devsq = table = None
    if a.table is not None or b.table is not None:
        devsq = np.zeros((ngroups, _survey.NIND, 2))
        if a.devsq is not None:
            devsq[:ga] = _survey.moved(a.devsq, _survey.z_weights(ta), None, a.ref - mean[:ga])
        if b.devsq is not None:
            devsq[gmap] += _survey.moved(b.devsq, _survey.z_weights(tb), None,
                                         b.ref - mean[gmap])
        # b's tables join a's pending ones, added in once there are as many entries pending
        # as kept (each entry is copied a few times at most, whatever the number of parts)
        table = a.table
        pending = list(a.pending)
        for q, t in ([] if b.table is None else
                     [(np.arange(b.table.count.size, dtype=np.int64), b.table)]) + b.pending:
            pending.append((pmap[q], t.regroup(gmap, None)))
        kept = 0 if table is None else table.entries
        if sum(t.entries for _, t in pending) >= kept:
            merged = _survey.Sums(tot[None], mean, None, None, table, np.empty(0),
                                  pending=pending).consolidated(npsu)
            table, pending = merged.table, []
    else:
        pending = []
    wscale = scale if scale.size else np.empty(0)
    return _survey.Sums(s1, mean, dev, devsq, table, wscale, pending=pending)


# --- output ---------------------------------------------------------------------------------------
def _group_labels(groupings: list[_Grouping]) -> tuple[list[str], list[str], list[str]]:
    """WHO's Group label, the grouping's label and the level of every output row."""
    who, variable, level = ["All"], ["All"], ["All"]
    for g in groupings:
        for lev in g.levels:
            who.append(f"{g.label}: {lev}")
            variable.append(g.label)
            level.append(lev)
    return who, variable, level


def _who_columns(est: _survey.Estimates, std: str) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    indicators = INDICATORS if std == "2006" else INDICATORS[:3]
    for j, p in enumerate(indicators):
        cols[f"{p}Z_pop"] = est.pop[:, j]
        cols[f"{p}Z_unwpop"] = est.unwpop[:, j]
        for c, suffix in enumerate(CUT_SUFFIXES):
            v = j * _survey.PER_IND + c
            for stat, arr in (("r", est.r), ("se", est.se), ("ll", est.ll), ("ul", est.ul)):
                cols[f"{p}{suffix}_{stat}"] = arr[:, v]
        v = j * _survey.PER_IND + _survey.NCUT
        for stat, arr in (("r", est.r), ("se", est.se), ("ll", est.ll), ("ul", est.ul)):
            cols[f"{p}_{stat}"] = arr[:, v]
        cols[f"{p}_stdev"] = est.sd[:, j]
    if std == "2006":
        cols["HA_2_WH_2_pop"] = est.pop[:, _survey.NIND]
        cols["HA_2_WH_2_unwpop"] = est.unwpop[:, _survey.NIND]
        for k, name in enumerate(COMBINED):
            v = _survey.V_COMBINED + k
            for stat, arr in (("r", est.r), ("se", est.se), ("ll", est.ll), ("ul", est.ul)):
                cols[f"{name}_{stat}"] = arr[:, v]
    return cols


def _who_table(est: _survey.Estimates, std: str, groupings: list[_Grouping]) -> Any:
    pd = _pandas()
    labels, _, _ = _group_labels(groupings)
    cols = _who_columns(est, std)
    frame = pd.DataFrame({"Group": labels})
    if std == "2007":
        frame["Years"], frame["Months"] = _years_months(labels)
    frame = pd.concat([frame, pd.DataFrame(cols)], axis=1)
    return frame


def _years_months(labels: list[str]) -> tuple[list[Any], list[Any]]:
    """WHO's Years and Months columns for the 27 rows of its 5-19 year table (missing for rows
    it does not have, such as groups of by= columns)."""
    who_rows = (["All"] + [f"Sex: {s}" for s in ("Female", "Male")]
                + [f"Age Group 1: {a}" for a in AGE_LABELS_2007]
                + [f"Age Group 2: {a}" for a in WIDE_LABELS_2007]
                + [f"Age + Sex: {s}.{a}" for a in WIDE_LABELS_2007 for s in ("Female", "Male")])
    years = dict(zip(who_rows, YEARS_2007, strict=True))
    months = dict(zip(who_rows, MONTHS_2007, strict=True))
    return [years.get(lab) for lab in labels], [months.get(lab) for lab in labels]


def _tidy_table(est: _survey.Estimates, std: str, groupings: list[_Grouping]) -> Any:
    pd = _pandas()
    _, variable, level = _group_labels(groupings)
    ngroups = len(variable)
    parts: list[dict[str, Any]] = []
    nan = np.full(ngroups, np.nan)
    indicators = INDICATORS if std == "2006" else INDICATORS[:3]

    def add(indicator: str, statistic: str, who: str, estimate: np.ndarray,
            se: np.ndarray = nan, ll: np.ndarray = nan, ul: np.ndarray = nan) -> None:
        parts.append(dict(indicator=indicator, statistic=statistic, who_column=who,
                          estimate=estimate, se=se, ci_lower=ll, ci_upper=ul))

    for j, p in enumerate(indicators):
        add(p, "n (weighted)", f"{p}Z_pop", est.pop[:, j])
        add(p, "n (unweighted)", f"{p}Z_unwpop", est.unwpop[:, j])
        for c, (suffix, name) in enumerate(zip(CUT_SUFFIXES, CUT_NAMES, strict=True)):
            v = j * _survey.PER_IND + c
            add(p, name, f"{p}{suffix}_r", est.r[:, v], est.se[:, v], est.ll[:, v], est.ul[:, v])
        v = j * _survey.PER_IND + _survey.NCUT
        add(p, "mean z", f"{p}_r", est.r[:, v], est.se[:, v], est.ll[:, v], est.ul[:, v])
        add(p, "SD z", f"{p}_stdev", est.sd[:, j])
    if std == "2006":
        add("HA+WH", "n (weighted)", "HA_2_WH_2_pop", est.pop[:, _survey.NIND])
        add("HA+WH", "n (unweighted)", "HA_2_WH_2_unwpop", est.unwpop[:, _survey.NIND])
        for k, (name, stat) in enumerate(zip(COMBINED, COMBINED_NAMES, strict=True)):
            v = _survey.V_COMBINED + k
            add("HA+WH", stat, f"{name}_r", est.r[:, v], est.se[:, v], est.ll[:, v],
                est.ul[:, v])
    nstat = len(parts)
    # rows: group by group, then indicator and statistic in the order above
    frame = pd.DataFrame({
        "group_variable": np.repeat(np.array(variable, dtype=object), nstat),
        "group": np.repeat(np.array(level, dtype=object), nstat),
        "indicator": np.tile(np.array([p["indicator"] for p in parts], dtype=object), ngroups),
        "statistic": np.tile(np.array([p["statistic"] for p in parts], dtype=object), ngroups),
        **{key: np.stack([p[key] for p in parts], axis=1).ravel()
           for key in ("estimate", "se", "ci_lower", "ci_upper")},
        "who_column": np.tile(np.array([p["who_column"] for p in parts], dtype=object),
                              ngroups),
    })
    return frame


def _blank_weight_for_age(est: _survey.Estimates, groupings: list[_Grouping]) -> None:
    """anthroplus: weight-for-age is defined to 120 months only, so WHO gives no weight-for-age
    figures for groups that span all ages (All, Sex; here also by= groups)."""
    row = 1
    age_groupings = {"Age Group 1", "Age Group 2", "Age + Sex"}
    blank = [0]
    for g in groupings:
        if g.label not in age_groupings:
            blank.extend(range(row, row + len(g.levels)))
        row += len(g.levels)
    j = INDICATORS.index("WA")
    sl = slice(j * _survey.PER_IND, (j + 1) * _survey.PER_IND)
    for arr in (est.pop, est.unwpop, est.sd):
        arr[blank, j] = np.nan
    for arr in (est.r, est.se, est.ll, est.ul):
        arr[blank, sl] = np.nan


def _classes(ch: _Children, std: str, n: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Each row's class for each indicator (see :mod:`zscore._survey`) and the z-scores the
    kernels read."""
    bins = np.empty((_survey.NIND + 1, n), dtype=np.int8)
    z = [np.ascontiguousarray(zj) for zj in ch.z]
    if std == "2007":
        z[3] = _EMPTY  # no weight-for-height from 5 years
    _survey.code_rows(z, ch.flagged, ch.oedema, _FLAG_LOW, _FLAG_HIGH, bins)
    if std == "2007":
        if ch.oedema.size:
            # anthroplus: oedema counts as severe weight-for-age only to 120 months, where
            # weight-for-age exists; above, the child has no weight-for-age value at all
            above = (ch.oedema == 1) & ~(ch.age_months <= rules.MAX_AGE_MONTHS_WFA_2007)
            bins[1, above] = -1
        bins[3] = -1  # no WH, no combined indicators
        bins[4] = -1
    return bins, tuple(z)




# --- the public function and its accumulator ------------------------------------------------------
def _check(layout: str, standard: Any, precision: str, age_unit: str) -> str:
    if layout not in LAYOUTS:
        raise InputError(f"layout={layout!r}: choose 'tidy' (one row per group, indicator and "
                         "statistic) or 'who' (WHO's wide table)")
    return check_options(precision, age_unit, standard)


def _signature(options: dict[str, Any]) -> tuple:
    """The options as a comparable value (arrays by identity: they are one part's rows)."""
    out = []
    for k, v in sorted(options.items()):
        if v is None or isinstance(v, str | int | float | bool):
            out.append((k, v))
        elif isinstance(v, list | tuple) and all(isinstance(x, str) for x in v):
            out.append((k, tuple(v)))
        elif isinstance(v, Preset):
            out.append((k, v.name))
        else:
            out.append((k, repr(type(v))))
    return tuple(out)


class PrevalenceAccumulator:
    """:func:`prevalence` over a table given in parts: the rows of a file read in batches, of
    Dask partitions, of several tables. ``add`` takes a part (a pandas or polars DataFrame, a
    pyarrow Table or a dict of arrays: some of the rows), ``merge`` another accumulator made
    with the same options (the rows of its parts follow), ``result`` gives the table
    :func:`prevalence` gives on all the rows at once: the same groups (keyed by their text),
    strata and PSUs (by their values: a PSU whose rows are in several parts is one PSU), the
    design's degrees of freedom from the distinct PSUs and strata of every part, and the same
    numbers up to floating-point rounding. :func:`prevalence` is this class with one part.

    The columns, units and codes found in the first part are used for every later part
    (:meth:`zscore.resolve.Resolution.rebind`). An accumulator is small and picklable: it
    holds sums per group and stratum, and for clustered designs per PSU and group (its size
    grows with groups x PSUs, never with rows; see docs/scale.md), never rows.

    Every keyword is that of :func:`prevalence`. With ``standard="auto"`` the parts are summed
    for both standards until a child under 5 years is met (then for 0-5 years only).

    Examples
    --------
    >>> import zscore
    >>> kids = {"sex": [1, 2, 1, 2], "age": [400, 500, 900, 1500],
    ...         "weight": [9.0, 8.1, 11.5, 14.0], "lenhei": [74.0, 72.0, 85.0, 95.0]}
    >>> from zscore.prevalence import PrevalenceAccumulator
    >>> a = PrevalenceAccumulator(layout="who")
    >>> _ = a.add({k: v[:2] for k, v in kids.items()})
    >>> b = PrevalenceAccumulator(layout="who").add({k: v[2:] for k, v in kids.items()})
    >>> t = a.merge(b).result()
    >>> print(t.loc[0, "Group"], int(t.loc[0, "HAZ_unwpop"]), float(t.loc[0, "HA_2_r"]))
    All 4 25.0
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
        weights: Any = None,
        cluster: Any = None,
        strata: Any = None,
        by: str | Sequence[str] | None = None,
        layout: str = "tidy",
        standard: str = "auto",
        precision: str = "who",
        birth_date: Any = None,
        visit_date: Any = None,
        date_format: str | None = None,
        units: Any = None,
        preset: str | Preset | dict | None = None,
        value_labels: Any = None,
    ) -> None:
        self._standard = _check(layout, standard, precision, age_unit)
        _pandas()
        self._layout = layout
        self._precision = precision
        self._preset = load_preset(preset)
        self._given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                           oedema=oedema, birth_date=birth_date, visit_date=visit_date)
        self._options = dict(age_unit=age_unit, units=units, date_format=date_format,
                             preset=self._preset, value_labels=value_labels)
        self._design_given = dict(weights=weights, cluster=cluster, strata=strata)
        self._by = _by_names(by)
        self._signature = _signature({**self._given, **self._options, **self._design_given,
                                      "by": tuple(self._by), "layout": layout,
                                      "standard": standard, "precision": precision})
        self._cols: _Columns | None = None
        self._states: dict[str, _State] = {}
        self._young = False  # auto: a known age under 5 years met (the 0-5 year table)
        self._known = False  # auto: a known age met
        self._dropped_2007 = False
        self._missing_weights = 0
        self._nrows = 0
        self._parts = 0

    # -- parts -------------------------------------------------------------------------------
    def add(self, part: Any, *, start: int | None = None) -> PrevalenceAccumulator:
        """Sum the rows of ``part``. ``start``: the position of its first row in the whole
        table; it orders the groups of a by= column without a design, which WHO lists in
        order of first appearance (default: the parts follow one another in the order they
        are added and merged)."""
        with np.errstate(all="ignore"):
            return self._add(part, start, whole=False)

    def _add(self, data: Any, start: int | None, whole: bool) -> PrevalenceAccumulator:
        if data is None:
            raise InputError("prevalence needs a table: a pandas or polars DataFrame, a pyarrow "
                             "Table or a dict of arrays")
        names, getter, n = table_columns(data)
        table = _Table(data, names, getter, n)
        cols = self._cols
        if cols is None:
            design, weight_scale, design_lines = self._resolve_design(data)
        else:
            design, weight_scale = cols.design, cols.weight_scale

        def design_value(arg: str) -> Any:
            kind, value = design[arg]
            if kind == "array" and cols is not None:
                raise InputError(f"{arg}: values given as an array cannot be read in parts; "
                                 "name a column")
            return value

        w, missing = _weights(table, design_value("weights"), weight_scale)
        cluster = _design_codes(table, "cluster", design_value("cluster"))
        strata = _design_codes(table, "strata", design_value("strata"))
        by_names = ([column_name(data, "by", name) for name in self._by] if cols is None
                    else cols.by)
        inp, res, scored = _read_child(table, self._given, self._options, cols)
        if cols is None:
            cols = _Columns(
                res.detached(), scored,
                [c in names for c in Z_COLUMNS],
                [c in names and "f" + c[1:] in names for c in Z_COLUMNS],
                "standard" in names, design, weight_scale, by_names,
                res.describe() + design_lines, inp.age_unit)
            pop = self._preset.population if self._preset is not None else None
            if pop is not None and (column := pop.column(names)) is not None:
                cols.population, cols.population_why = column, pop.why
                cols.lines.append(f"rows     <- {column!r} in {list(pop.keep)} (preset "
                                  f"{self._preset.name}: {pop.why.split(' (')[0]})")
            self._cols = cols
        population = None
        if cols.population is not None:
            population = self._preset.population.members(
                column_values(table.get(cols.population)))
        self._missing_weights += missing
        age_days, age_months = _ages(inp.age, inp.age_unit)
        offset = self._nrows if start is None else int(start)
        for std in self._standards_of(age_months, whole):
            part = self._part_state(table, inp, res, std, w, cluster, strata, age_days,
                                    age_months, offset, start is not None, whole, population)
            have = self._states.get(std)
            self._states[std] = part if have is None else have.merge(part)
        self._nrows += n
        self._parts += 1
        return self

    def _resolve_design(self, data: Any) -> tuple[dict, float, list[str]]:
        p = self._preset
        design = {arg: ("array" if v is not None and not isinstance(v, str) else "column", v)
                  for arg, v in self._design_given.items()}
        weight_scale = 1.0
        lines = []
        for arg, f in resolve(data, self._design_given, preset=p, args=DESIGN_ARGS
                              ).found.items():
            if f.how == "preset":  # the preset's design columns, unless the call names them
                design[arg] = ("column", f.column)
                if arg == "weights":
                    weight_scale = p.scale.get("weights", 1.0)
            elif f.column is not None:
                design[arg] = ("column", f.column)
            source = repr(f.column) if f.column is not None else "the values given"
            scale = f" x {weight_scale:g}" if arg == "weights" and weight_scale != 1.0 else ""
            lines.append(f"{arg:8s} <- {source}"
                         + (f" (preset {p.name}{scale})" if f.how == "preset" else ""))
        return design, weight_scale, lines

    def _standards_of(self, age_months: np.ndarray, whole: bool) -> list[str]:
        """The standards whose tables this part goes into."""
        if self._standard != "auto":
            return [self._standard]
        known = age_months[~np.isnan(age_months)]
        young = bool((known < rules.MIN_AGE_MONTHS_2007).any())
        self._known |= bool(known.size)
        self._young |= young
        if whole:
            return [_standard_of(age_months, "auto")]
        if self._young:
            self._drop_2007()
            return ["2006"]
        return ["2006", "2007"]

    def _drop_2007(self) -> None:
        self._states.pop("2007", None)
        self._dropped_2007 = True

    def _part_state(self, table: _Table, inp: Any, res: Any, std: str, w, cluster, strata,
                    age_days, age_months, offset: int, absolute: bool, whole: bool,
                    population: np.ndarray | None = None) -> _State:
        ch, disagree = _children(table, inp, res, self._cols, std, self._precision, age_days,
                                 age_months)
        n = table.n
        keep, left_out = _keep_rows(ch, std, None if cluster is None else cluster.codes,
                                    None if strata is None else strata.codes, population)
        pd_ = _part_design(w, cluster, strata, keep)
        design = pd_.design
        used = _Rows(design.rows, design.nrows)
        groups, levels, bad_wealth = _groupings(table, ch, std, self._cols.by, used, offset)
        bins, z = _classes(ch, std, n)
        ngroups = groups.ngroups
        codes = groups.matrix[: len(groups.sizes)]
        offsets = groups.offsets
        gmax = None
        wscale = np.empty(0)
        if w is not None and _survey.needs_rescaling(*pd_.wrange):
            gmax = _survey.group_largest(design.weights, design.rows, design.nrows, codes, offsets,
                                      ngroups)
            wscale = _survey.scales_of(gmax)
        clustered = cluster is not None
        have = self._states.get(std)
        if clustered:
            seen = list(pd_.clusters[:2]) + ([] if have is None else list(have.clusters.values[:2]))
            by_stratum = len({accumulate.key(c) for c in seen}) <= 1
        else:
            by_stratum = True
        row_psus = not clustered and (
            (have is not None and have.row_psus) or (
                (have is None or have.m == 0)
                and design.nstrata * ngroups * _survey.NCH * 8 > _survey.MAX_STRATUM_SUMS))
        if row_psus:  # too many (stratum, group) sums: the clustered pass, one PSU per row
            design = _survey.rows_as_psus(design)
            by_stratum = False
        # a whole table with one cluster only has no use for its PSU entries
        entries = (clustered and not (whole and by_stratum)) or row_psus
        sums = _survey.part_sums(design, bins, z, codes, offsets, ngroups, wscale,
                                 by_stratum=by_stratum, clustered=entries, whole=whole)
        if row_psus:
            psu_stratum, psu_cluster = design.psu_stratum, np.zeros(0, dtype=np.int64)
            psu_rows = np.ones(design.npsu, dtype=np.int64)
            psu_positive = design.weights[_survey.rows_by_stratum(design)] != 0
        else:
            psu_stratum, psu_cluster = pd_.psu_stratum, pd_.psu_cluster
            psu_rows, psu_positive = pd_.psu_rows, pd_.psu_positive
        return _State(
            std=std, clustered=clustered, nrows=n, absolute=absolute, m=design.nrows,
            positive=pd_.positive, all_ones=pd_.all_ones, wlow=pd_.wrange[0],
            whigh=pd_.wrange[1], left_out=left_out, disagree=disagree, bad_wealth=bad_wealth,
            levels=levels, strata=None if pd_.strata is None else accumulate.Keys(pd_.strata),
            stratum_rows=np.asarray(pd_.stratum_rows, dtype=np.int64),
            stratum_positive=np.asarray(pd_.stratum_positive, dtype=bool),
            clusters=None if pd_.clusters is None else accumulate.Keys(pd_.clusters),
            psus=(accumulate.IntKeys(accumulate.pair(psu_stratum, psu_cluster))
                  if clustered else None),
            psu_stratum=np.asarray(psu_stratum, dtype=np.int64),
            psu_rows=np.asarray(psu_rows, dtype=np.int64),
            psu_positive=np.asarray(psu_positive, dtype=bool), row_psus=row_psus, sums=sums,
            gmax=gmax)

    @quiet_numpy
    def merge(self, other: PrevalenceAccumulator) -> PrevalenceAccumulator:
        """Add the rows of ``other`` (an accumulator made with the same options), after this
        one's; returns self."""
        if not isinstance(other, PrevalenceAccumulator) or other._signature != self._signature:
            raise InputError("merge: the other accumulator was made with other options")
        if other._cols is None:
            return self
        if self._cols is None:
            self.__setstate__(copy.deepcopy(other.__getstate__()))
            return self
        if self._cols.lines != other._cols.lines or self._cols.by != other._cols.by:
            raise InputError("merge: the parts' columns were found differently: "
                             f"{self._cols.lines} and {other._cols.lines}")
        self._known |= other._known
        self._young |= other._young
        if self._young or other._dropped_2007:
            self._drop_2007()
        for std, theirs in other._states.items():
            if std == "2007" and self._dropped_2007:
                continue
            mine = self._states.get(std)
            self._states[std] = copy.deepcopy(theirs) if mine is None else mine.merge(theirs)
        self._missing_weights += other._missing_weights
        self._nrows += other._nrows
        self._parts += other._parts
        return self

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_states"] = {std: _compacted(s) for std, s in self._states.items()}
        state["_given"] = {k: v if v is None or isinstance(v, str) else "<array>"
                           for k, v in self._given.items()}
        state["_design_given"] = {k: v if v is None or isinstance(v, str) else "<array>"
                                  for k, v in self._design_given.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def nbytes(self) -> int:
        """Bytes of the sums held (the accumulator's size, give or take a few kB)."""
        return sum(s.nbytes() for s in self._states.values())

    # -- the table ---------------------------------------------------------------------------
    def result(self) -> Any:
        """The table :func:`prevalence` gives on the rows of every part added and merged."""
        with np.errstate(all="ignore"):
            return self._result(stacklevel=4)

    def _result(self, stacklevel: int) -> Any:
        if self._cols is None:
            raise InputError("prevalence: no rows were added")
        std = self._standard
        if std == "auto":
            std = "2007" if self._known and not self._young else "2006"
        state = self._states[std]
        return _table(state, self._cols, std, self._layout, self._standard == "auto",
                      self._missing_weights, stacklevel)


def _compacted(state: _State) -> _State:
    """The state with its PSU table in one piece, without unused slots."""
    if state.sums.table is None and not state.sums.pending:
        return state
    return replace(state, sums=state.sums.consolidated(state.psu_stratum.size))


def _table(st: _State, cols: _Columns, std: str, layout: str, auto: bool,
           missing_weights: int, stacklevel: int) -> Any:
    """The prevalence table of one standard's sums, with WHO's warnings."""
    def note(text: str) -> None:
        warnings.warn(text, ZScoreWarning, stacklevel=stacklevel)

    if missing_weights:
        note(f"{_plural(missing_weights)} with a missing sampling weight get weight 0, as in "
             "WHO's anthro_prevalence: they count in the unweighted n only")
    if st.disagree:
        note(f"{_plural(st.disagree)} were scored with a different standard from the one "
             f"their age gives (age read in {cols.age_unit}): is age_unit the one classify was "
             "given? Their z-scores are not used")
    for text in _exclusion_notes(st.left_out, std, auto, cols.population_why):
        note(text)
    has_design = cols.design["cluster"][1] is not None or cols.design["strata"][1] is not None
    weighted = cols.design["weights"][1] is not None
    m = st.m
    nstrata = st.stratum_rows.size
    positive_strata = int(st.stratum_positive.sum())
    clustered = st.clustered and len(st.clusters) > 1
    if not has_design:
        method = "simple" if st.all_ones else "hybrid"
        df_prev = (m - 1.0) if method == "simple" else st.positive - 1.0
        df_mean = m - 1.0
        lonely = 0
    elif clustered:
        method = "survey"
        df_prev = df_mean = float(int(st.psu_positive.sum()) - positive_strata)
        lonely = int((np.bincount(st.psu_stratum, minlength=nstrata) == 1).sum())
    else:
        method = "survey"
        df_prev = df_mean = float(st.positive - positive_strata)
        lonely = int((st.stratum_rows == 1).sum())
    if lonely:
        note(f"{_plural(lonely, 'stratum')} with a single PSU: each adds its PSU's squared "
             "deviation from the population mean to the variance (R survey's lonely.psu = "
             "\"adjust\", as WHO's anthro_prevalence sets it)")
    rescale = False
    if weighted:
        text = _survey.weight_note(st.wlow, st.whigh, "the estimates, SEs and CIs")
        if text:
            note(text)
        rescale = _survey.needs_rescaling(st.wlow, st.whigh)
    if st.bad_wealth:
        note(f"wealthq: {_plural(st.bad_wealth, 'value')} not one of 1-5 or Q1-Q5 treated as "
             "missing, as WHO's anthro_prevalence does")
    sums = st.sums
    if not (clustered or st.row_psus):
        sums = replace(sums, table=None, var=None, pending=[])
    elif sums.var is None:
        sums = sums.consolidated(st.psu_stratum.size)
    ngroups = sums.ngroups
    order, groupings = _output_order(st.levels, sums.totals()[:, _survey.C_ROWS], method,
                                     ngroups)
    if ngroups in order:  # an empty "NA" level
        sums = _with_empty_group(sums)
    est = _survey.estimates(sums, method, df_prev, df_mean, st.stratum_rows, st.psu_stratum,
                            st.psu_rows)
    est = est.take(np.asarray(order, dtype=np.int64))
    if std == "2007":
        _blank_weight_for_age(est, groupings)
    if rescale and np.isinf(est.pop).any():
        note("in some groups the sum of the sampling weights is beyond float64's largest number "
             "(1.8e308): their n (weighted) is given as inf (every other figure is computed on "
             "rescaled weights and is unaffected)")
    table_out = (_who_table if layout == "who" else _tidy_table)(est, std, groupings)
    table_out.attrs.update(method=method, standard=std, df=df_prev, lonely_strata=lonely,
                           columns=list(cols.lines))
    return table_out


def _with_empty_group(sums: _survey.Sums) -> _survey.Sums:
    """The sums with one more group, without rows (WHO's empty "NA" levels)."""
    g = sums.ngroups + 1
    return _survey.Sums(
        accumulate.grow(sums.s1, g, 1), accumulate.grow(sums.ref, g, 0),
        None if sums.dev is None else accumulate.grow(sums.dev, g, 1),
        None if sums.devsq is None else accumulate.grow(sums.devsq, g, 0), sums.table,
        np.append(sums.wscale, 1.0) if sums.wscale.size else sums.wscale)



def prevalence(
    data: Any,
    *,
    sex: Any = None,
    age: Any = None,
    age_unit: str | None = None,
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    weights: Any = None,
    cluster: Any = None,
    strata: Any = None,
    by: str | Sequence[str] | None = None,
    layout: str = "tidy",
    standard: str = "auto",
    precision: str = "who",
    birth_date: Any = None,
    visit_date: Any = None,
    date_format: str | None = None,
    units: Any = None,
    preset: str | Preset | dict | None = None,
    value_labels: Any = None,
) -> Any:
    """Prevalence of stunting, wasting, underweight and overweight with confidence intervals,
    and the mean and SD of each z-score, by group: WHO's standard analysis tables, exactly as
    ``anthro_prevalence`` (0-5 years) and ``anthroplus_prevalence`` (5-19 years) compute them.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or dict of arrays
        The output of :func:`zscore.classify` (its z-score, flag and ``csex`` columns are used)
        or raw measurements, which are classified first exactly as WHO's function does.
    sex, age, age_unit, weight, lenhei, measure, oedema, birth_date, visit_date, date_format
        As for :func:`zscore.classify`: column names (default: found by WHO's names or an
        alias) or arrays. ``age`` (or the dates) and ``oedema`` are read even from classified
        tables (age groups, WHO's age exclusions, oedema counted as severe wasting).
    units, preset, value_labels
        As for :func:`zscore.classify`. A preset may name the design too (DHS: ``v005`` / 1e6
        as weights, ``v021`` cluster, ``v022`` strata), used unless the call names them.
    weights : column name or array, optional
        Sampling weights (>= 0; missing: 0 with a warning, as WHO). Negative: ``InputError``.
    cluster, strata : column name or array, optional
        Primary sampling units and strata. Rows with a missing value are left out (warning).
    by : column name or list of names, optional
        Groupings after WHO's own (age, sex, age and sex). WHO's names ``typeres``,
        ``gregion``, ``wealthq``, ``mothered``, ``othergr`` get WHO's labels ("Area",
        "Geographical region", "Wealth quintile", "Maternal education", "Other grouping") and
        ``wealthq`` WHO's quintile coding; any other column is labelled with its own name.
    layout : {"tidy", "who"}
        ``"tidy"``: one row per group, indicator and statistic with columns ``group_variable``,
        ``group``, ``indicator`` (HA, WA, BMI, WH, HA+WH), ``statistic``, ``estimate``, ``se``,
        ``ci_lower``, ``ci_upper``, ``who_column``. ``"who"``: WHO's wide table with WHO's
        ``Group`` labels and column names.
    standard : {"auto", "2006", "2007"}
        ``"2006"``: children 0-5 years (rows older than 1826 days are left out, as WHO does);
        ``"2007"``: 5-19 years (60-228 months); ``"auto"``: 2007 when every known age is 60
        months or more, else 2006.
    precision : {"who", "full"}
        For raw measurements: z-scores rounded to 2 decimals as WHO (default) or unrounded.

    Returns
    -------
    pandas.DataFrame. Prevalences, their SE and CI are in percent; means in z.

    The estimator follows WHO: without weights, cluster and strata the closed form of
    ``anthro``; with weights only, weighted closed forms and a with-replacement design for the
    prevalences; with a cluster or strata, Taylor linearisation for a stratified cluster sample
    (PSUs with replacement within strata, lonely PSUs "adjust"), logit CIs for prevalences and t
    CIs for means, with design degrees of freedom (PSUs minus strata). See docs/prevalence.md.
    For a table in parts (files read in batches, Dask partitions) see
    :class:`PrevalenceAccumulator`: the same table from sums merged over the parts.

    Examples
    --------
    >>> import zscore
    >>> kids = {"sex": [1, 2, 1, 2], "age": [400, 500, 900, 1500],
    ...         "weight": [9.0, 8.1, 11.5, 14.0], "lenhei": [74.0, 72.0, 85.0, 95.0]}
    >>> t = zscore.prevalence(kids, layout="who")
    >>> print(t.loc[0, "Group"], int(t.loc[0, "HAZ_unwpop"]), float(t.loc[0, "HA_2_r"]))
    All 4 25.0
    >>> tidy = zscore.prevalence(kids)
    >>> stunting = tidy[(tidy.group == "All") & (tidy.indicator == "HA")
    ...                 & (tidy.statistic == "% z < -2")]
    >>> print(stunting[["estimate", "se", "ci_lower", "ci_upper"]].round(2).to_string(index=False))
     estimate   se  ci_lower  ci_upper
         25.0 25.0      0.48     95.87
    """
    acc = PrevalenceAccumulator(
        sex=sex, age=age, age_unit=age_unit, weight=weight, lenhei=lenhei, measure=measure,
        oedema=oedema, weights=weights, cluster=cluster, strata=strata, by=by, layout=layout,
        standard=standard, precision=precision, birth_date=birth_date, visit_date=visit_date,
        date_format=date_format, units=units, preset=preset, value_labels=value_labels)
    with np.errstate(all="ignore"):  # bad values get reasons, not numpy's warnings
        return acc._add(data, None, whole=True)._result(stacklevel=5)


__all__: Sequence[str] = ("PrevalenceAccumulator", "prevalence")
