"""Binned z-score distributions and the reasons z-scores are missing, as a mergeable
accumulator (the survey report's distributions and its count of children excluded).

:class:`HistogramAccumulator` counts, per indicator (``zlen``, ``zwei``, ``zwfl``, ``zbmi``),
per standard (WHO 2006, WHO 2007) and per sex (all, boys, girls), the z-scores that are not
flagged in bins of 0.1 SD from -6 to +6, and per indicator the rows, the z-scores computed,
the flagged ones and the missing ones by reason. Its state is a few arrays of counts whatever
the number of rows (about 30 kB), so a file of 10 million rows, read in batches
(:func:`zscore.stream.tabulate`) or as Dask partitions, gives the same small sums as the whole
table would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import rules
from .classify import check_options, compute
from .errors import InputError
from .frames import column_values, table_columns
from .inputs import gather
from .prevalence import SURVEY_ARGS

#: The z-score columns counted, in the order of the arrays.
Z_COLUMNS = ("zlen", "zwei", "zwfl", "zbmi")
#: Bin edges: 0.1 SD from -6 to +6 (WHO's flags keep every unflagged z-score inside them).
LOW, HIGH, STEP = -6.0, 6.0, 0.1
NBINS = round((HIGH - LOW) / STEP)
#: Sexes counted: everyone, boys, girls.
SEXES = ("all", "male", "female")
_NREASONS = len(rules.REASONS)
_REASON_INDEX = {name: code for code, (name, _) in enumerate(rules.REASONS)}


def edges() -> np.ndarray:
    """The NBINS + 1 bin edges, in SD."""
    return LOW + STEP * np.arange(NBINS + 1)


def bins_of(z: np.ndarray) -> np.ndarray:
    """The bin of each finite z-score (values outside -6..+6 go to the end bins). A z-score on
    an edge (-2.00) belongs to the bin starting there."""
    k = np.floor(np.round((z - LOW) / STEP, 6))
    return np.clip(k, 0, NBINS - 1).astype(np.int64)


@dataclass
class Histograms:
    """What :meth:`HistogramAccumulator.result` gives.

    ``counts[standard, indicator, sex, bin]``: unflagged z-scores (standard 0 = WHO 2006,
    1 = WHO 2007; indicators as :data:`Z_COLUMNS`; sexes as :data:`SEXES`). ``rows``,
    ``scored``, ``flagged`` ``[standard, indicator]``: rows of that standard, z-scores
    computed, flagged among them. ``reasons[standard, indicator, code]``: missing z-scores by
    reason code (:data:`zscore.rules.REASONS`). ``children[standard]``: rows per standard,
    ``blank``: rows without any child's data (not counted as children)."""

    counts: np.ndarray
    rows: np.ndarray
    scored: np.ndarray
    flagged: np.ndarray
    reasons: np.ndarray
    children: np.ndarray
    blank: int
    total: int

    @property
    def edges(self) -> np.ndarray:
        return edges()

    def reason_counts(self, standard: int, indicator: str) -> dict[str, int]:
        """{reason name: missing z-scores} of one indicator, largest first."""
        row = self.reasons[standard, Z_COLUMNS.index(indicator)]
        items = [(rules.REASONS[k][0], int(row[k])) for k in range(1, row.size) if row[k]]
        return dict(sorted(items, key=lambda kv: -kv[1]))


def _empty() -> dict[str, np.ndarray]:
    return dict(counts=np.zeros((2, 4, 3, NBINS), dtype=np.int64),
                rows=np.zeros((2, 4), dtype=np.int64), scored=np.zeros((2, 4), dtype=np.int64),
                flagged=np.zeros((2, 4), dtype=np.int64),
                reasons=np.zeros((2, 4, _NREASONS), dtype=np.int64),
                children=np.zeros(2, dtype=np.int64))


def _floats(values: Any) -> np.ndarray:
    v = column_values(values)
    if isinstance(v, np.ndarray) and v.dtype.kind in "fiub":
        return v.astype(np.float64)
    from .parse import as_float

    return as_float(v)


def _text_codes(values: Any, n: int) -> list[Any]:
    """A column's values as a list of text (None missing)."""
    v = column_values(values)
    if hasattr(v, "codes"):  # Factorized
        uniques = [None if u is None else str(u) for u in v.uniques] + [None]
        return [uniques[c] for c in v.codes.tolist()]
    return [None if x is None or (isinstance(x, float) and x != x) else str(x)
            for x in np.asarray(v).tolist()]


class HistogramAccumulator:
    """Binned z-scores (0.1 SD, flagged values left out) per indicator, standard and sex, and
    the missing z-scores by reason, over a table given in parts.

    ``add`` takes a part (a pandas or polars DataFrame, a pyarrow Table or a dict of arrays):
    raw measurements, scored here exactly as :func:`zscore.classify` scores them, or the output
    of :func:`zscore.classify` (its ``z*``, ``f*``, ``reason`` and ``standard`` columns are
    read). ``merge`` adds another accumulator's counts; ``result`` gives :class:`Histograms`.
    The keywords are those of :func:`zscore.prevalence` for the child's columns.

    Examples
    --------
    >>> from zscore.histogram import HistogramAccumulator
    >>> kids = {"sex": [1, 2, 1, 2], "age": [400, 500, 900, 1500],
    ...         "weight": [9.0, 8.1, 11.5, 14.0], "lenhei": [74.0, 72.0, 85.0, 95.0]}
    >>> h = HistogramAccumulator().add(kids).result()
    >>> int(h.counts[0, 0, 0].sum()), int(h.counts[0, 0, 1].sum())   # zlen: all, boys
    (4, 2)
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
        standard: str = "auto",
        precision: str = "who",
        birth_date: Any = None,
        visit_date: Any = None,
        date_format: str | None = None,
        units: Any = None,
        preset: Any = None,
        value_labels: Any = None,
    ) -> None:
        self._standard = check_options(precision, age_unit, standard)
        self._precision = precision
        self._given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                           oedema=oedema, birth_date=birth_date, visit_date=visit_date)
        self._options = dict(age_unit=age_unit, units=units, date_format=date_format,
                             preset=preset, value_labels=value_labels)
        self._resolution: Any = None
        self._scored: bool | None = None
        self._sums = _empty()
        self._blank = 0
        self._total = 0
        #: the resolution of the last part added (its visit dates, for a report's periods)
        self.last_resolution: Any = None

    def add(self, part: Any) -> HistogramAccumulator:
        """Count the rows of ``part``; returns self."""
        with np.errstate(all="ignore"):
            names, getter, n = table_columns(part)
            if self._scored is None:
                self._scored = "csex" in names and any(z in names for z in Z_COLUMNS)
            if self._scored:
                self._add_scored(names, getter, n)
                self.last_resolution = self._dates_of(part)
            else:
                self._add_raw(part)
            self._total += n
        return self

    def _add_raw(self, part: Any) -> None:
        inp, res = gather(part, self._given, args=(*SURVEY_ARGS, "birth_date", "visit_date"),
                          no_age="ignore", resolution=self._resolution, **self._options)
        if self._resolution is None:
            self._resolution = res.detached()
        self.last_resolution = res
        raw = compute(inp, precision=self._precision, scheme=(), standard=self._standard)
        std = raw.standard.astype(np.int64)
        blank = (inp.sex == rules.SEX_MISSING) & np.isnan(inp.age)
        for values in inp.measurements.values():
            blank &= np.isnan(values) & ~np.isneginf(values)
        self._blank += int(blank.sum())
        child = ~blank
        sex = np.where(inp.sex == rules.SEX_MALE, 1, np.where(inp.sex == rules.SEX_FEMALE, 2, 0))
        mask = (1 << rules.REASON_BITS) - 1
        z_of, f_of, reason_of = {}, {}, {}
        for s, name in enumerate(raw.active):
            column = "z" + name
            if column in Z_COLUMNS:
                k = rules.INDICATOR_NAMES.index(name)
                z_of[column] = raw.z[s]
                f_of[column] = raw.f[s] == 1
                reason_of[column] = (raw.reason >> np.int64(rules.REASON_BITS * k)) & mask
        self._count(std, sex, child, z_of, f_of, reason_of)

    def _dates_of(self, part: Any) -> Any:
        """A classified table's date columns (for a report's periods), found as classify
        finds them; None when it has none."""
        given = {**self._given, "sex": self._given["sex"] or "csex"}
        try:
            _, res = gather(part, given, args=("sex", "age"), require_measurement=False,
                            check=False, no_age="ignore", resolution=self._resolution,
                            **self._options)
        except InputError:
            return None
        if self._resolution is None:
            self._resolution = res.detached()
        return res

    def _add_scored(self, names: Sequence[str], getter: Any, n: int) -> None:
        sex_codes = _floats(getter("csex"))
        sex = np.where(sex_codes == 1, 1, np.where(sex_codes == 2, 2, 0))
        if "standard" in names:
            labels = _text_codes(getter("standard"), n)
            std = np.array([1 if v == "2007" else 0 for v in labels], dtype=np.int64)
        else:
            std = np.zeros(n, dtype=np.int64)
        reasons = _text_codes(getter("reason"), n) if "reason" in names else [None] * n
        z_of, f_of, reason_of = {}, {}, {}
        parsed: dict[str, dict[str, int]] = {}
        for column in Z_COLUMNS:
            if column not in names:
                continue
            z_of[column] = _floats(getter(column))
            flag = "f" + column[1:]
            f_of[column] = (_floats(getter(flag)) == 1) if flag in names else np.zeros(n, bool)
            reason_of[column] = np.zeros(n, dtype=np.int64)
        for i, text in enumerate(reasons):
            if not text:
                continue
            cells = parsed.get(text)
            if cells is None:
                cells = parsed[text] = _parse_reason(text)
            for column, code in cells.items():
                if column in reason_of:
                    reason_of[column][i] = code
        child = np.ones(n, dtype=bool)
        self._count(std, sex, child, z_of, f_of, reason_of)

    def _count(self, std: np.ndarray, sex: np.ndarray, child: np.ndarray,
               z_of: Mapping[str, np.ndarray], f_of: Mapping[str, np.ndarray],
               reason_of: Mapping[str, np.ndarray]) -> None:
        s = self._sums
        s["children"] += np.bincount(std[child], minlength=2)[:2]
        for column, z in z_of.items():
            j = Z_COLUMNS.index(column)
            scored = child & np.isfinite(z)
            flagged = scored & f_of[column]
            used = scored & ~flagged
            rows = child & ~(reason_of[column] == _REASON_INDEX["age_out_of_range"])
            s["rows"][:, j] += np.bincount(std[rows], minlength=2)[:2]
            s["scored"][:, j] += np.bincount(std[scored], minlength=2)[:2]
            s["flagged"][:, j] += np.bincount(std[flagged], minlength=2)[:2]
            missing = rows & ~scored  # the reasons of this indicator's records (not of the
            # ages it is not for: weight-for-age at 10-19 years is no record of it)
            pairs = std[missing] * _NREASONS + np.clip(reason_of[column][missing], 0,
                                                       _NREASONS - 1)
            s["reasons"][:, j] += np.bincount(pairs, minlength=2 * _NREASONS).reshape(2, -1)
            b = bins_of(z[used])
            cells = (std[used] * 3 + sex[used]) * NBINS + b
            by_sex = np.bincount(cells, minlength=2 * 3 * NBINS).reshape(2, 3, NBINS)
            s["counts"][:, j, 0] += by_sex.sum(axis=1)  # everyone, whatever the sex
            s["counts"][:, j, 1] += by_sex[:, 1]
            s["counts"][:, j, 2] += by_sex[:, 2]

    def merge(self, other: HistogramAccumulator) -> HistogramAccumulator:
        """Add the counts of ``other`` (made with the same options); returns self."""
        if not isinstance(other, HistogramAccumulator) or other._given != self._given \
                or other._standard != self._standard:
            raise InputError("merge: the other accumulator was made with other options")
        if self._scored is None:
            self._scored, self._resolution = other._scored, other._resolution
        for name, value in other._sums.items():
            self._sums[name] = self._sums[name] + value
        self._blank += other._blank
        self._total += other._total
        return self

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["last_resolution"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def nbytes(self) -> int:
        """Bytes of the counts held."""
        return sum(v.nbytes for v in self._sums.values())

    def result(self) -> Histograms:
        """The counts of every part added and merged."""
        s = self._sums
        return Histograms(s["counts"].copy(), s["rows"].copy(), s["scored"].copy(),
                          s["flagged"].copy(), s["reasons"].copy(), s["children"].copy(),
                          self._blank, self._total)


def _parse_reason(text: str) -> dict[str, int]:
    """classify's reason text ('oedema: zwei zwfl zbmi; lenhei_missing: zlen') as
    {z column: reason code}."""
    out = {}
    for piece in text.split(";"):
        name, _, columns = piece.strip().partition(":")
        code = _REASON_INDEX.get(name.strip())
        if code is None:
            continue
        for column in columns.split():
            out[column] = code
    return out


__all__ = [
    "NBINS",
    "SEXES",
    "Z_COLUMNS",
    "HistogramAccumulator",
    "Histograms",
    "bins_of",
    "edges",
]
