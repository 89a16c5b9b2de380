"""What a survey report is made of, from accumulated sums: the prevalence table (with the
periods and the periods by group), the data-quality table with its distributions, and the
binned z-scores. :class:`ReportAccumulator` takes a table in parts like the other
accumulators (``add``, ``merge``, ``result``), so a report of a file of any size
(:func:`zscore.stream.tabulate`) or of Dask partitions holds the same figures as a report of the
whole table; :func:`report` is that accumulator given one table, rendered to HTML.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import dates
from ..errors import InputError, ZScoreWarning
from ..frames import Factorized, column_values, table_columns
from ..histogram import HistogramAccumulator, Histograms
from ..prevalence import PrevalenceAccumulator
from ..quality import QualityAccumulator

#: Ways to bin a date column into periods.
PERIOD_UNITS = ("month", "semester", "year")
#: The grouping names the report gives the period and a period crossed with a by= column.
PERIOD_NAME = "Period"
CROSS_SEPARATOR = "\t"  # inside the crossed groups' labels: period, tab, group


def cross_name(by: str) -> str:
    """The grouping name of the periods crossed with the ``by`` column."""
    return f"{PERIOD_NAME} x {by}"


@dataclass
class ReportData:
    """Everything a report shows, computed from sums (never rows)."""

    prevalence: Any  # pandas.DataFrame, tidy layout (zscore.prevalence)
    quality: Any  # pandas.DataFrame (zscore.quality, details=True)
    histograms: Histograms
    by: list[str]
    period: str | None = None
    period_unit: str | None = None
    design: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    source: str | None = None

    @property
    def method(self) -> str:
        return str(self.prevalence.attrs.get("method", "simple"))

    @property
    def standard(self) -> str:
        return str(self.prevalence.attrs.get("standard", "2006"))

    @property
    def columns(self) -> list[str]:
        return list(self.prevalence.attrs.get("columns", []))


Coded = tuple  # (int64 codes, -1 missing; list of labels): a column built without a row loop


def _period_of_days(days: np.ndarray, unit: str) -> Coded:
    """Period codes and labels of days since 1970-01-01: 2025-02, 2025-S1 or 2025."""
    ok = np.isfinite(days)
    key = np.full(days.size, -1, dtype=np.int64)
    d = days[ok].astype(np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    if unit == "month":
        key[ok] = months
    elif unit == "semester":
        key[ok] = (months // 12) * 2 + (months % 12 >= 6)
    else:
        key[ok] = months // 12
    uniques, codes = np.unique(key, return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    if uniques.size and uniques[0] == -1:
        codes -= 1
        uniques = uniques[1:]
    if unit == "month":
        labels = [f"{1970 + k // 12:04d}-{k % 12 + 1:02d}" for k in uniques.tolist()]
    elif unit == "semester":
        labels = [f"{1970 + k // 2:04d}-S{k % 2 + 1}" for k in uniques.tolist()]
    else:
        labels = [f"{1970 + k:04d}" for k in uniques.tolist()]
    return codes, labels


def _coded(values: Any) -> Coded:
    """Any column as codes and text labels (numbers written as whole numbers where they
    are)."""
    import pandas as pd

    v = column_values(values)
    if isinstance(v, Factorized):
        codes = np.asarray(v.codes, dtype=np.int64)
        texts = [_label_text(u) for u in v.uniques]
    else:
        codes, uniques = pd.factorize(np.asarray(v, dtype=np.float64), use_na_sentinel=True)
        codes = codes.astype(np.int64)
        texts = [_label_text(u) for u in uniques]
    # two values of one text (1 and "1"), or a text None: one label, or missing
    labels: list[str] = []
    index: dict[str, int] = {}
    remap = np.full(len(texts) + 1, -1, dtype=np.int64)
    for k, text in enumerate(texts):
        if text is None:
            continue
        j = index.get(text)
        if j is None:
            j = index[text] = len(labels)
            labels.append(text)
        remap[k] = j
    return remap[codes], labels


def _crossed(a: Coded, b: Coded) -> Coded:
    """The pairs of two coded columns, as "a<TAB>b" labels."""
    ca, la = a
    cb, lb = b
    ok = (ca >= 0) & (cb >= 0)
    key = np.where(ok, ca * max(len(lb), 1) + cb, -1)
    uniques, codes = np.unique(key, return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    if uniques.size and uniques[0] == -1:
        codes -= 1
        uniques = uniques[1:]
    n = max(len(lb), 1)
    labels = [f"{la[k // n]}{CROSS_SEPARATOR}{lb[k % n]}" for k in uniques.tolist()]
    return codes, labels


def _label_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Periods:
    """Reads a part's period: the visit dates binned (period = month/semester/year), or a
    column of dates binned, or a column of labels (2025-S1) used as they are. The kind of
    column and its date order are decided on the first part."""

    def __init__(self, period: str, unit: str | None, date_format: str | None) -> None:
        if unit is not None and unit not in PERIOD_UNITS:
            raise InputError(f"period_unit={unit!r}: give one of {', '.join(PERIOD_UNITS)}")
        self.from_visit = period in PERIOD_UNITS
        self.column = None if self.from_visit else period
        self.unit = period if self.from_visit else unit
        self.date_format = date_format
        self.kind: str | None = None  # "dates" or "labels"
        self.order: str | None = None

    def labels(self, part: Any, resolution: Any) -> Coded:
        if self.from_visit:
            found = None if resolution is None else resolution.found.get("visit_date")
            if found is None or found.values is None:
                raise InputError(f"period={self.unit!r} bins the dates of the visits, and no "
                                 "visit-date column was found: name it (visit_date=, "
                                 "--visit-date) or give the period column (period=COLUMN, "
                                 "--period COLUMN)")
            values = dates.prepare(found.values)
            days = dates.to_days(values, resolution.date_format)
            return _period_of_days(days, self.unit or "month")
        names, getter, _ = table_columns(part)
        if self.column not in names:
            from ..resolve import column_name

            column_name(part, "period", self.column)  # the resolver's error, with suggestions
        raw = getter(self.column)
        values = dates.prepare(raw)
        if self.kind is None:
            self.kind = self._kind_of(values)
        if self.kind == "labels":
            return _coded(raw)
        days = dates.to_days(values, self.order)
        return _period_of_days(np.where(np.isneginf(days), np.nan, days), self.unit or "month")

    def _kind_of(self, values: Any) -> str:
        if isinstance(values, np.ndarray) and values.dtype.kind == "M":
            return "dates"
        if isinstance(values, Factorized):
            if self.unit is None and not _looks_like_dates(values.uniques):
                return "labels"
            try:
                self.order = dates.day_month_order({self.column: values}, self.date_format)
            except InputError:
                if self.unit is None:
                    return "labels"
                raise
            days = dates.to_days(values, self.order)
            if self.unit is None and np.isneginf(days).any():
                return "labels"
            return "dates"
        return "dates" if self.unit is not None else "labels"  # numbers: years, or codes


def _looks_like_dates(uniques: Sequence[Any]) -> bool:
    """Text such as 15/02/2025 or 2025-02-15 (two separators), not 2025-S1 or 2025-02. Blank
    cells (a visit without a date, as a CSV gives it) are missing dates, not labels."""
    import re

    pattern = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
    texts = [str(u) for u in uniques if u is not None and str(u).strip()]
    return bool(texts) and all(pattern.match(t) for t in texts)


def _with_columns(part: Any, extra: dict[str, Coded]) -> Any:
    """``part`` with more columns of text (given as codes and labels), of the part's own kind:
    dictionary-encoded (pyarrow), categorical (pandas), text (polars, dicts)."""
    kind = type(part).__module__.split(".")[0]
    if kind == "pyarrow":
        import pyarrow as pa

        for name, (codes, labels) in extra.items():
            indices = pa.array(codes.astype(np.int32), mask=codes < 0)
            column = pa.DictionaryArray.from_arrays(indices, pa.array(labels, type=pa.string()))
            part = part.append_column(name, column)
        return part
    if kind == "pandas":
        import pandas as pd

        return part.assign(**{name: pd.Categorical.from_codes(codes, categories=labels)
                              for name, (codes, labels) in extra.items()})

    def text(coded: Coded) -> np.ndarray:
        codes, labels = coded
        return np.array([*labels, None], dtype=object)[codes]

    if kind == "polars":
        import polars as pl

        return part.with_columns([pl.Series(name, text(c).tolist(), dtype=pl.String)
                                  for name, c in extra.items()])
    if isinstance(part, dict):
        return {**part, **{name: text(c) for name, c in extra.items()}}
    raise InputError(f"report: cannot add the period to a {type(part).__name__}")


class ReportAccumulator:
    """A survey report's figures over a table given in parts: prevalence (with periods),
    quality (with its distributions) and binned z-scores, each from its own mergeable
    accumulator. Every keyword is that of :func:`zscore.prevalence`, plus ``period`` (a column
    of period labels or dates, or ``"month"``, ``"semester"``, ``"year"`` for the visit dates
    binned) and ``period_unit`` (how a column of dates is binned; default month).

    Examples
    --------
    >>> from zscore.report.build import ReportAccumulator
    >>> kids = {"sex": [1, 2, 1, 2], "age": [400, 500, 900, 1500],
    ...         "weight": [9.0, 8.1, 11.5, 14.0], "lenhei": [74.0, 72.0, 85.0, 95.0]}
    >>> data = ReportAccumulator().add(kids).result()
    >>> int(data.histograms.children[0])
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
        weights: Any = None,
        cluster: Any = None,
        strata: Any = None,
        by: str | Sequence[str] | None = None,
        standard: str = "auto",
        precision: str = "who",
        birth_date: Any = None,
        visit_date: Any = None,
        date_format: str | None = None,
        units: Any = None,
        preset: Any = None,
        value_labels: Any = None,
        period: str | None = None,
        period_unit: str | None = None,
    ) -> None:
        self.by = [by] if isinstance(by, str) else list(by or [])
        if period is not None and not isinstance(period, str):
            raise InputError("period: name a column, or give 'month', 'semester' or 'year'")
        if period_unit is not None and period is None:
            raise InputError("period_unit needs period (a column of dates)")
        self.period = period
        self.period_unit = period_unit
        self._periods = (_Periods(period, period_unit, date_format) if period is not None
                         else None)
        child = dict(sex=sex, age=age, age_unit=age_unit, weight=weight, lenhei=lenhei,
                     measure=measure, oedema=oedema, standard=standard,
                     birth_date=birth_date, visit_date=visit_date, date_format=date_format,
                     units=units, preset=preset, value_labels=value_labels)
        extra = [PERIOD_NAME, *(cross_name(b) for b in self.by)] if period is not None else []
        for name in extra:
            if name in self.by:
                raise InputError(f"by={name!r}: the report names its period grouping so; "
                                 "rename the column")
        self.design = dict(weights=weights, cluster=cluster, strata=strata)
        self._prevalence = PrevalenceAccumulator(**child, precision=precision, weights=weights,
                                                 cluster=cluster, strata=strata,
                                                 by=[*self.by, *extra] or None)
        self._quality = QualityAccumulator(**child, by=self.by or None, weights=weights,
                                           details=True)
        self._histograms = HistogramAccumulator(**child, precision=precision)
        self.source: str | None = None

    def add(self, part: Any) -> ReportAccumulator:
        """Sum the rows of ``part``; returns self."""
        self._histograms.add(part)
        self._quality.add(part)
        self._prevalence.add(self._with_period(part))
        return self

    def _with_period(self, part: Any) -> Any:
        if self._periods is None:
            return part
        periods = self._periods.labels(part, self._histograms.last_resolution)
        extra: dict[str, Coded] = {PERIOD_NAME: periods}
        if self.by:
            from ..resolve import column_name

            _, getter, _ = table_columns(part)
            for b in self.by:
                groups = _coded(getter(column_name(part, "by", b)))
                extra[cross_name(b)] = _crossed(periods, groups)
        return _with_columns(part, extra)

    def merge(self, other: ReportAccumulator) -> ReportAccumulator:
        """Add the sums of ``other`` (made with the same options); returns self."""
        if not isinstance(other, ReportAccumulator):
            raise InputError("merge: the other accumulator is not a ReportAccumulator")
        self._histograms.merge(other._histograms)
        self._quality.merge(other._quality)
        self._prevalence.merge(other._prevalence)
        return self

    @property
    def nbytes(self) -> int:
        """Bytes of the sums held."""
        return (self._prevalence.nbytes + self._quality.nbytes + self._histograms.nbytes)

    def result(self) -> ReportData:
        """The report's figures. zscore's notes (rows left out, weights set to 0) are kept in
        ``notes`` and given as warnings too."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            prevalence = self._prevalence.result()
            quality = self._quality.result()
        notes: list[str] = []
        for w in caught:
            if issubclass(w.category, ZScoreWarning):
                text = " ".join(str(w.message).split())
                if text not in notes:
                    notes.append(text)
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        design = {k: v if isinstance(v, str) or v is None else "(values given)"
                  for k, v in self.design.items()}
        return ReportData(prevalence, quality, self._histograms.result(), list(self.by),
                          self.period, self._periods.unit if self._periods else None,
                          design, notes, self.source)


def report(
    data: Any,
    output: str | Path | None = None,
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
    standard: str = "auto",
    precision: str = "who",
    birth_date: Any = None,
    visit_date: Any = None,
    date_format: str | None = None,
    units: Any = None,
    preset: Any = None,
    value_labels: Any = None,
    period: str | None = None,
    period_unit: str | None = None,
    target: float | None = None,
    lang: str = "en",
    title: str | None = None,
    source: str | None = None,
) -> str:
    """A survey report: one self-contained HTML page (inline SVG plots and CSS, no script,
    no link to anything outside it) with the summary, the z-score distributions against the
    WHO standard, prevalence by group with an honest league table, prevalence over time and
    the data-quality checks. docs/report.md explains every section.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or dict of arrays
        Raw measurements or the output of :func:`zscore.classify`, as for
        :func:`zscore.prevalence`.
    output : path, optional
        Where to write the page (it appears whole or not at all); the HTML is returned too.
    sex, age, age_unit, weight, lenhei, measure, oedema, birth_date, visit_date, date_format
        As for :func:`zscore.prevalence`: the child's columns (default: found by name).
    weights, cluster, strata, by, standard, precision, units, preset, value_labels
        As for :func:`zscore.prevalence`: the survey design, the groupings and the rest.
    period : str, optional
        The periods of the "over time" section: a column of labels (``2025-S1``) or of dates,
        or ``"month"``, ``"semester"``, ``"year"`` to bin the dates of the visits.
    period_unit : {"month", "semester", "year"}, optional
        How a ``period`` column of dates is binned (default month).
    target : float, optional
        A stunting target prevalence in percent (Indonesia's national target: 14): groups are
        marked above, below, or "cannot tell" when their interval holds it, for stunting only
        (wasting, underweight and overweight are not compared with a stunting target).
    lang : {"en", "id"}
        English, or Indonesian (Permenkes 2/2020 terms).
    title : str, optional
        The page's title (default: "Nutrition survey report" or "Laporan status gizi").
    source : str, optional
        The name of the file the data came from, shown in the summary.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    InputError
        When no child could be scored (every z-score missing), or for a bad option; nothing
        is written.

    Examples
    --------
    >>> import zscore
    >>> kids = {"sex": [1, 2, 1, 2], "age": [400, 500, 900, 1500],
    ...         "weight": [9.0, 8.1, 11.5, 14.0], "lenhei": [74.0, 72.0, 85.0, 95.0]}
    >>> page = zscore.report(kids)
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page
    (True, False)
    """
    from .html import render

    acc = ReportAccumulator(
        sex=sex, age=age, age_unit=age_unit, weight=weight, lenhei=lenhei, measure=measure,
        oedema=oedema, weights=weights, cluster=cluster, strata=strata, by=by,
        standard=standard, precision=precision, birth_date=birth_date, visit_date=visit_date,
        date_format=date_format, units=units, preset=preset, value_labels=value_labels,
        period=period, period_unit=period_unit)
    check_render_options(target, lang)
    acc.source = source
    with np.errstate(all="ignore"):
        figures = acc.add(data).result()
    page = render(figures, target=target, lang=lang, title=title)
    if output is not None:
        write_page(page, output)
    return page


def refuse_if_nothing_scored(data: ReportData) -> None:
    """InputError when no child has any z-score: a page of empty plots and tables (or of a
    few oedema children, whom WHO counts as wasted without a z-score) is not a report."""
    h = data.histograms
    if int(h.scored.sum()) > 0:
        return
    reasons: dict[str, int] = {}
    for s in range(h.scored.shape[0]):
        for column in ("zlen", "zwei", "zwfl", "zbmi"):
            for name, count in h.reason_counts(s, column).items():
                reasons[name] = max(reasons.get(name, 0), count)
    why = "; ".join(f"{k}: {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
    raise InputError("no child could be scored: every z-score is missing"
                     + (f" ({why})" if why else "")
                     + " (run 'zscore classify' on the file to see each row's reason). "
                       "Nothing was written.")


def check_render_options(target: float | None, lang: str) -> None:
    """InputError for a target that is no percentage or an unknown language."""
    from .labels import LANGUAGES

    if lang not in LANGUAGES:
        raise InputError(f"lang={lang!r}: give one of {', '.join(LANGUAGES)}")
    if target is not None and not (isinstance(target, int | float) and 0 <= target <= 100
                                   and math.isfinite(target)):
        raise InputError(f"target={target!r}: give a prevalence in percent, 0 to 100")


def write_page(page: str, output: str | Path) -> None:
    """Write the page to ``output``, whole or not at all."""
    from .. import io

    p = Path(output)
    target = io.output_target(p)
    if not target.parent.is_dir():
        raise InputError(f"{p}: the folder {str(target.parent)!r} does not exist")
    if target.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    try:
        with io.partial_output(p) as partial:
            partial.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot be written: {exc.strerror or exc}") from None
