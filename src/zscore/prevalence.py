"""Survey prevalence tables, exactly as WHO's ``anthro_prevalence`` (0-5 years) and
``anthroplus_prevalence`` (5-19 years) compute them.

This module reads the columns, applies WHO's row exclusions and groupings and lays out the
table; the estimators live in :mod:`zscore._survey`. Every rule and formula, with its source, is
in docs/prevalence.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _survey, rules
from .classify import check_options, compute
from .errors import InputError, ZScoreWarning
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


def _children(table: _Table, given: dict[str, Any], options: dict[str, Any], standard: str,
              precision: str) -> tuple[_Children, str, Any]:
    scored = "csex" in table.names and any(z in table.names for z in Z_COLUMNS)
    if scored:  # classify's output: its z-scores and flags; age and oedema from the columns
        g = {**given, "sex": given["sex"] if given["sex"] is not None else "csex"}
        inp, res = gather(table.data, g, args=("sex", "age", "oedema"),
                          require_measurement=False, check=False, no_age="ignore", **options)
    else:
        inp, res = gather(table.data, given, args=SURVEY_ARGS, no_age="ignore", **options)
    has_age = "age" in res.found or res.age_from_dates
    if not has_age:
        warnings.warn("no age column: the table has no age groups, and WHO's age exclusions "
                      "cannot be applied", ZScoreWarning, stacklevel=3)
    age_days, age_months = _ages(inp.age, inp.age_unit)
    std = _standard_of(age_months, standard)
    oedema = ((inp.oedema == rules.OEDEMA_YES).astype(np.int8) if "oedema" in res.found
              else np.zeros(0, dtype=np.int8))
    sex = np.where(inp.sex > 0, inp.sex, np.nan).astype(np.float64)
    if scored:
        z = [_floats(table.get(c)) if c in table.names else _EMPTY for c in Z_COLUMNS]
        flagged = [_flagged(table.get("f" + c[1:])) if c in table.names and "f" + c[1:]
                   in table.names else _NO_FLAGS for c in Z_COLUMNS]
        if "standard" in table.names:  # z-scores of the other standard are not this table's
            codes, labels, _ = _labels(table.get("standard"))
            other = np.array([lab != std for lab in labels] + [False])[codes]
            scored_2007 = np.array([lab == "2007" for lab in labels] + [False])[codes]
            by_age = age_months >= rules.MIN_AGE_MONTHS_2007  # NaN (no age): False
            known = np.array([lab in ("2006", "2007") for lab in labels] + [False])[codes]
            disagree = int(np.count_nonzero(known & ~np.isnan(age_months)
                                            & (scored_2007 != by_age)))
            if disagree:
                warnings.warn(
                    f"{_plural(disagree)} were scored with a different standard from the one "
                    f"their age gives (age read in {inp.age_unit}): is age_unit the one "
                    "classify was given? Their z-scores are not used", ZScoreWarning,
                    stacklevel=3)
            if other.any():  # never write into the caller's columns
                z = [np.where(other, np.nan, zj) if zj.size else zj for zj in z]
    else:
        raw = compute(inp, precision=precision, scheme=(), standard=std)
        slot = {"z" + name: s for s, name in enumerate(raw.active)}
        z = [np.ascontiguousarray(raw.z[slot[c]]) if c in slot else _EMPTY for c in Z_COLUMNS]
        flagged = [raw.f[slot[c]] == 1 if c in slot else _NO_FLAGS for c in Z_COLUMNS]
    return _Children(z, flagged, sex, age_days, age_months, oedema), std, res


# --- rows used and the design ---------------------------------------------------------------------
def _round_half_up(x: np.ndarray) -> np.ndarray:
    low = np.floor(x)
    with np.errstate(invalid="ignore"):  # an infinite age: inf - inf, and inf stays inf
        return low + (x - low >= 0.5)


def _plural(n: int, word: str = "row") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _keep_rows(ch: _Children, std: str, auto: bool, cluster: Any, strata: Any) -> np.ndarray:
    """WHO's row exclusions (bool mask), each with a warning."""
    n = ch.sex.size
    keep = np.ones(n, dtype=bool)
    if std == "2006":
        limit = rules.PREVALENCE_MAX_AGE_DAYS_2006
        too_old = _round_half_up(ch.age_days) > limit  # NaN compares False: kept
        if too_old.any():
            hint = (" (5-19 years: call zscore.prevalence on those rows alone, or with "
                    "standard='2007')") if auto else ""
            warnings.warn(f"{_plural(int(too_old.sum()))} older than {limit} days "
                          f"(rounded) left out of this 0-5 year table, as WHO's "
                          f"anthro_prevalence does{hint}", ZScoreWarning, stacklevel=3)
        keep &= ~too_old
    else:
        lo, hi = AGE_RANGE_2007
        inside = (ch.age_months >= lo) & (ch.age_months <= hi)
        if (~inside).any():
            warnings.warn(f"{_plural(int((~inside).sum()))} with a missing age or an age outside "
                          f"{lo:g}-{hi:g} months left out, as WHO's anthroplus_prevalence does",
                          ZScoreWarning, stacklevel=3)
        keep &= inside
    for name, codes in (("cluster", cluster), ("strata", strata)):
        if codes is not None:
            missing = keep & (codes < 0)
            if missing.any():
                warnings.warn(f"{_plural(int(missing.sum()))} with a missing {name} left out, "
                              "as WHO's anthro_prevalence does", ZScoreWarning, stacklevel=3)
            keep &= codes >= 0
    return keep


def _weights(table: _Table, weights: Any, scale: float = 1.0) -> np.ndarray | None:
    col = table.column("weights", weights)
    if col is None:
        return None
    w = _floats(col)
    if scale != 1.0:  # a preset's weights (DHS: v005 / 1,000,000)
        w = w * scale
    bad = ~np.isnan(w) & ~((w >= 0) & (w < np.inf))
    if bad.any():
        raise InputError(f"weights: {_plural(int(bad.sum()), 'value')} negative, infinite or not "
                         "a number; sampling weights must be >= 0")
    missing = np.isnan(w)
    if missing.any():
        warnings.warn(f"{_plural(int(missing.sum()))} with a missing sampling weight get weight "
                      "0, as in WHO's anthro_prevalence: they count in the unweighted n only",
                      ZScoreWarning, stacklevel=3)
        w = np.where(missing, 0.0, w)
    return w


def _check_weight_range(design: _survey.Design) -> bool:
    """Warn about absurd weights in the rows used (see zscore._survey, "weights of any size");
    whether the estimators rescale them."""
    low, high = _survey.weight_range(design.weights, design.rows, design.nrows)
    note = _survey.weight_note(low, high, "the estimates, SEs and CIs")
    if note:
        warnings.warn(note, ZScoreWarning, stacklevel=3)
    return _survey.needs_rescaling(low, high)


def _design_codes(table: _Table, arg: str, value: Any) -> np.ndarray | None:
    """Integer codes of a cluster or strata column (-1: missing)."""
    col = table.column(arg, value)
    if col is None:
        return None
    values = column_values(col)
    if isinstance(values, Factorized):
        return np.asarray(values.codes, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    known = values[~np.isnan(values)]
    if known.size and (known == np.round(known)).all():
        low, high = known.min(), known.max()
        if high - low < 4 * values.size + 1024:  # whole numbers in a small range: no hashing
            return np.where(np.isnan(values), -1, values - low).astype(np.int64)
    codes, _ = _pandas().factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False)


@dataclass(frozen=True)
class _Rows:
    """The rows used: ``index`` (int64), or every row 0..m-1 when ``index`` is empty."""

    index: np.ndarray
    m: int

    @staticmethod
    def of(keep: np.ndarray) -> _Rows:
        m = int(keep.sum())
        return _Rows(np.empty(0, dtype=np.int64) if m == keep.size else np.flatnonzero(keep), m)


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


def _design(w: np.ndarray | None, cluster: np.ndarray | None, strata: np.ndarray | None,
            keep: np.ndarray) -> _survey.Design:
    n = keep.size
    used = _Rows.of(keep)
    rows, m = used.index, used.m
    weights = np.ones(n) if w is None else w
    wk = weights[keep]
    empty = np.empty(0, dtype=np.int64)
    if cluster is None and strata is None:
        if w is None or (wk == 1).all():
            return _survey.Design("simple", weights, rows, m, empty, 1, empty, 0, empty,
                                  m - 1.0, m - 1.0, 0)
        positive = int(np.count_nonzero(wk))
        return _survey.Design("hybrid", weights, rows, m, empty, 1, empty, 0, empty,
                              positive - 1.0, m - 1.0, 0)
    # svydesign(ids = ~cluster or ~1, strata = ~strata, weights, nest = TRUE)
    if strata is not None:
        first, _, positive_strata = _present(strata, int(strata.max(initial=-1)) + 1, used,
                                             weights)
        stratum, nstrata = _renumber(strata, first >= 0)
        positive_strata = positive_strata[first >= 0]
    else:
        stratum, nstrata = np.zeros(n, dtype=np.int64), 1
        positive_strata = np.array([np.count_nonzero(wk) > 0])
    nclusters = 0
    if cluster is not None:
        first, _, _ = _present(cluster, int(cluster.max(initial=-1)) + 1, used)
        cluster_code, nclusters = _renumber(cluster, first >= 0)
    if nclusters > 1:
        # PSUs nested in strata: one code per (stratum, cluster), numbered stratum by stratum
        key = np.where((stratum >= 0) & (cluster_code >= 0), stratum * nclusters + cluster_code,
                       -1)
        first, _, positive_psu = _present(key, nstrata * nclusters, used, weights)
        present = first >= 0
        psu, npsu = _renumber(key, present)
        psu_stratum = np.flatnonzero(present) // nclusters
        df = int(positive_psu[present].sum()) - int(positive_strata.sum())
        sizes = np.bincount(psu_stratum, minlength=nstrata)
        design = _survey.Design("survey", weights, rows, m, stratum, nstrata, psu, npsu,
                                psu_stratum, float(df), float(df), int((sizes == 1).sum()))
    else:  # every row is its own PSU
        df = int(np.count_nonzero(wk)) - int(positive_strata.sum())
        _, sizes, _ = _present(stratum, nstrata, used)
        design = _survey.Design("survey", weights, rows, m, stratum, nstrata, empty, 0, empty,
                                float(df), float(df), int((sizes == 1).sum()))
    if design.lonely_strata:
        warnings.warn(f"{_plural(design.lonely_strata, 'stratum')} with a single PSU: each adds "
                      "its PSU's squared deviation from the population mean to the variance "
                      "(R survey's lonely.psu = \"adjust\", as WHO's anthro_prevalence sets it)",
                      ZScoreWarning, stacklevel=3)
    return design


# --- groups ---------------------------------------------------------------------------------------
@dataclass
class _Grouping:
    label: str  # "Age group", "Sex", "Geographical region", ...
    levels: list[str]


class _Codes:
    """The rows' level codes of every grouping, one int32 row each (-1: none); a grouping with
    no level in the rows used is left out, as WHO does."""

    def __init__(self, n: int, most: int, rows: _Rows) -> None:
        self.matrix = np.empty((most, n), dtype=np.int32)
        self.groupings: list[_Grouping] = []
        self.rows = rows

    def next_row(self) -> np.ndarray:
        return self.matrix[len(self.groupings)]

    def add(self, label: str, levels: Sequence[str]) -> np.ndarray | None:
        """Keep the grouping just written if it has a level in the rows used: its codes."""
        row = self.next_row()
        first, _, _ = _present(row, len(levels), self.rows)
        if not (first >= 0).any():
            return None
        self.groupings.append(_Grouping(label, list(levels)))
        return row

    def cut(self, label: str, values: np.ndarray, breaks: Sequence[float],
            levels: Sequence[str]) -> np.ndarray | None:
        """Left-closed intervals [breaks[k], breaks[k + 1]) as levels k."""
        b = np.asarray(breaks, dtype=np.float64)
        k = np.searchsorted(b, values, side="right") - 1
        np.copyto(self.next_row(), np.where((values >= b[0]) & (values < b[-1]), k, -1),
                  casting="unsafe")
        return self.add(label, levels)

    def cross(self, label: str, slow: np.ndarray, fast: np.ndarray, nfast: int,
              levels: Sequence[str]) -> None:
        """The interaction of two groupings, ``fast`` varying fastest."""
        both = (slow >= 0) & (fast >= 0)
        np.copyto(self.next_row(), np.where(both, slow * nfast + fast, -1), casting="unsafe")
        self.add(label, levels)

    def remap(self, label: str, codes: np.ndarray, remap: np.ndarray,
              levels: Sequence[str]) -> None:
        """Levels from codes 0..k-1 through ``remap`` (its last entry: for code -1)."""
        np.take(remap.astype(np.int32), codes, out=self.next_row(), mode="wrap")
        self.add(label, levels)


def _level_order(first: np.ndarray, labels: list[str], keys: list[tuple], missing_first: int,
                 sort: bool) -> tuple[np.ndarray, list[str]]:
    """Remap (entry k: code -1) and labels of the levels present: sorted with missing dropped
    (R survey's svyby), or in order of first appearance with missing as its own level "NA"
    (WHO's closed-form methods; R's ``grouping == NA`` selects no row, so that level is
    empty)."""
    present = np.flatnonzero(first >= 0)
    if sort:
        chosen = sorted(present.tolist(), key=lambda c: keys[c])
    else:
        chosen = present[np.argsort(first[present], kind="stable")].tolist()
    new_labels = [labels[c] for c in chosen]
    missing_at = -1
    if not sort and missing_first >= 0:
        missing_at = int(np.searchsorted(first[chosen], missing_first))
        new_labels.insert(missing_at, "NA")
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)  # the last entry (code -1): no group
    for new, old in enumerate(chosen):
        remap[old] = new if missing_at < 0 or new < missing_at else new + 1
    return remap, new_labels


def _wealth(codes: np.ndarray, labels: list[str], rows: _Rows) -> np.ndarray:
    """Remap of wealth codes to WHO's quintiles; other values are missing (warning)."""
    lookup = {str(k): k - 1 for k in range(1, 6)} | {f"Q{k}": k - 1 for k in range(1, 6)}
    quintile = np.array([lookup.get(lab, -2) for lab in labels] + [-1], dtype=np.int64)
    _, count, _ = _present(codes, len(labels), rows)
    bad = int(count[quintile[:-1] == -2].sum())
    if bad:
        warnings.warn(f"wealthq: {_plural(bad, 'value')} not one of 1-5 or Q1-Q5 treated as "
                      "missing, as WHO's anthro_prevalence does", ZScoreWarning, stacklevel=4)
    return np.where(quintile == -2, -1, quintile)


def _groupings(table: _Table, ch: _Children, std: str, by: Any, rows: _Rows,
               method: str) -> _Codes:
    names = _by_names(by)
    out = _Codes(ch.sex.size, 4 + len(names), rows)
    sex = np.where(ch.sex == 2, 0, np.where(ch.sex == 1, 1, -1)).astype(np.int32)  # Female first
    sexes = ("Female", "Male")
    if std == "2006":
        age = out.cut("Age group", ch.age_months, AGE_BREAKS_2006, AGE_LABELS_2006)
        out.remap("Sex", sex, np.array([0, 1, -1]), sexes)
        if age is not None:
            out.cross("Age + sex", sex, age, len(AGE_LABELS_2006),
                      [f"{a}.{s}" for s in sexes for a in AGE_LABELS_2006])
    else:
        out.remap("Sex", sex, np.array([0, 1, -1]), sexes)
        out.cut("Age Group 1", ch.age_months, AGE_BREAKS_2007, AGE_LABELS_2007)
        wide = out.cut("Age Group 2", ch.age_months, WIDE_BREAKS_2007, WIDE_LABELS_2007)
        if wide is not None:
            out.cross("Age + Sex", wide, sex, 2, [f"{s}.{a}" for a in WIDE_LABELS_2007
                                                   for s in sexes])
    for name in names:
        codes, labels, keys = _labels(table.column("by", name))
        if len(labels) > MAX_LEVELS:
            raise InputError(f"by={name!r}: {len(labels):,} distinct values; a grouping may have "
                             f"at most {MAX_LEVELS:,} (is it an identifier?)")
        label = WHO_GROUPINGS.get(name, name)
        if name == "wealthq":
            out.remap(label, codes, _wealth(codes, labels, rows), WEALTH_LABELS)
            continue
        first, _, _ = _present(codes, len(labels), rows, with_missing=True)
        if not (first[:-1] >= 0).any():
            continue  # WHO leaves out a grouping with no value in the rows used
        remap, levels = _level_order(first[:-1], labels, keys, int(first[-1]),
                                     sort=method == "survey")
        out.remap(label, codes, remap, levels)
    return out


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


# --- the public function --------------------------------------------------------------------------
def _check(layout: str, standard: Any, precision: str, age_unit: str) -> str:
    if layout not in LAYOUTS:
        raise InputError(f"layout={layout!r}: choose 'tidy' (one row per group, indicator and "
                         "statistic) or 'who' (WHO's wide table)")
    return check_options(precision, age_unit, standard)


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
    standard = _check(layout, standard, precision, age_unit)
    _pandas()
    if data is None:
        raise InputError("prevalence needs a table: a pandas or polars DataFrame, a pyarrow "
                         "Table or a dict of arrays")
    names, getter, n = table_columns(data)
    table = _Table(data, names, getter, n)
    p = load_preset(preset)
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure, oedema=oedema,
                 birth_date=birth_date, visit_date=visit_date)
    options = dict(age_unit=age_unit, units=units, date_format=date_format, preset=p,
                   value_labels=value_labels)
    design = dict(weights=weights, cluster=cluster, strata=strata)
    weight_scale = 1.0
    design_lines = []
    for arg, f in resolve(data, design, preset=p, args=DESIGN_ARGS).found.items():
        if f.how == "preset":  # the preset's design columns, unless the call names them
            design[arg] = f.values
            if arg == "weights":
                weight_scale = p.scale.get("weights", 1.0)
        source = repr(f.column) if f.column is not None else "the values given"
        scale = f" x {weight_scale:g}" if arg == "weights" and weight_scale != 1.0 else ""
        design_lines.append(f"{arg:8s} <- {source}"
                            + (f" (preset {p.name}{scale})" if f.how == "preset" else ""))
    w = _weights(table, design["weights"], weight_scale)
    cluster_codes = _design_codes(table, "cluster", design["cluster"])
    strata_codes = _design_codes(table, "strata", design["strata"])
    by_names = [column_name(data, "by", name) for name in _by_names(by)]
    ch, std, res = _children(table, given, options, standard, precision)
    keep = _keep_rows(ch, std, standard == "auto", cluster_codes, strata_codes)
    design = _design(w, cluster_codes, strata_codes, keep)
    rescale = w is not None and _check_weight_range(design)
    groups = _groupings(table, ch, std, by_names, _Rows(design.rows, design.nrows),
                        design.method)
    groupings = groups.groupings

    bins, z = _classes(ch, std, n)
    ngroups = 1 + sum(len(g.levels) for g in groupings)
    offsets = np.cumsum([1] + [len(g.levels) for g in groupings])[:-1].astype(np.int64)
    codes = groups.matrix[: len(groupings)]
    est = _survey.estimate(design, bins, z, codes, offsets, ngroups, rescale=rescale)
    if std == "2007":
        _blank_weight_for_age(est, groupings)
    if rescale and np.isinf(est.pop).any():
        warnings.warn("in some groups the sum of the sampling weights is beyond float64's "
                      "largest number (1.8e308): their n (weighted) is given as inf (every other "
                      "figure is computed on rescaled weights and is unaffected)", ZScoreWarning,
                      stacklevel=2)
    table_out = (_who_table if layout == "who" else _tidy_table)(est, std, groupings)
    table_out.attrs.update(method=design.method, standard=std,
                           df=design.df_prevalence, lonely_strata=design.lonely_strata,
                           columns=res.describe() + design_lines)
    return table_out

