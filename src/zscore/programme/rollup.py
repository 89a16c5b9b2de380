"""Village roll-ups for a period (``zscore.rollup``, ``zscore rollup``): per desa, kecamatan and
kabupaten, the children weighed and measured, stunted, wasted and underweight, with counts,
percentages and (with a table of targets) coverage.

Each child counts once per period: the place is the one of the child's latest weighing in the
period, and each status the latest one the period has (stunting from the latest length/height,
underweight from the latest weight, wasting from the latest weight with a length/height).
Statuses are Permenkes 2/2020's, from WHO's z-scores (a flagged z gives no status).
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..classify import run as classify_run
from ..errors import InputError, ZScoreWarning
from ..frames import table_columns
from ..resolve import PROGRAMME_ARGS, column_name, normalise_name
from ._table import find_programme, text_key, values_list
from .followup import _dates_of

#: The conditions counted, each from one Permenkes category column.
CONDITIONS = {"stunted": ("stunting", ("sangat pendek", "pendek")),
              "wasted": ("wasting", ("gizi buruk", "gizi kurang")),
              "underweight": ("underweight", ("berat badan sangat kurang",
                                              "berat badan kurang"))}
TIDY_COLUMNS = ("level", "children", "weighed", "measured", "stunted", "stunted_of",
                "stunted_pct", "wasted", "wasted_of", "wasted_pct", "underweight",
                "underweight_of", "underweight_pct")
#: The Aksi Bangda layout's headers (docs/programme.md), for each tidy column.
AKSI_HEADERS = {
    "kabupaten": "Kabupaten/Kota", "kecamatan": "Kecamatan", "desa": "Desa/Kelurahan",
    "posyandu": "Posyandu", "puskesmas": "Puskesmas",
    "sasaran": "Jumlah sasaran balita", "children": "Jumlah balita tercatat",
    "weighed": "Jumlah balita ditimbang", "coverage_pct": "Cakupan penimbangan (%)",
    "measured": "Jumlah balita diukur PB/TB", "stunted_of": "Balita dengan status TB/U",
    "stunted": "Jumlah balita stunting (pendek + sangat pendek)",
    "stunted_pct": "Prevalensi stunting (%)",
    "wasted_of": "Balita dengan status BB/TB", "wasted": "Jumlah balita wasting (gizi "
                                                          "kurang + gizi buruk)",
    "wasted_pct": "Prevalensi wasting (%)", "underweight_of": "Balita dengan status BB/U",
    "underweight": "Jumlah balita underweight (BB kurang + BB sangat kurang)",
    "underweight_pct": "Prevalensi underweight (%)",
}
_LAYOUTS = ("tidy", "aksi")


@dataclass(frozen=True)
class Period:
    """A half-open span of days since 1970-01-01, and its name."""

    name: str
    first: int
    end: int

    def contains(self, days: np.ndarray) -> np.ndarray:
        return (days >= self.first) & (days < self.end)


def _day(y: int, m: int) -> int:
    return (datetime.date(y, m, 1) - datetime.date(1970, 1, 1)).days


def parse_period(text: str) -> Period:
    """``2025`` (the year), ``2025-S1``/``2025-S2`` (January-June, July-December),
    ``2025-Q1`` .. ``Q4``, ``2025-08`` (a month), or ``2025-02..2025-08`` (months, inclusive)."""
    t = text.strip().upper().replace(" ", "")
    span = t.split("..")
    if len(span) == 2:
        a, b = parse_period(span[0]), parse_period(span[1])
        return Period(text.strip(), a.first, b.end)
    m = re.fullmatch(r"(\d{4})(?:-(S[12]|Q[1-4]|\d{1,2}))?", t)
    if not m:
        raise InputError(f"period {text!r}: write 2025, 2025-S1, 2025-Q3, 2025-08 or "
                         "2025-02..2025-08")
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        first, last = 1, 12
    elif part[0] == "S":
        first = 1 if part == "S1" else 7
        last = first + 5
    elif part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise InputError(f"period {text!r}: no month {first}")
    end = _day(year + 1, 1) if last == 12 else _day(year, last + 1)
    return Period(text.strip(), _day(year, first), end)


def _by(data: Any, by: Sequence[str] | str | None, found: Any) -> list[str]:
    if isinstance(by, str):
        by = [b.strip() for b in by.split(",") if b.strip()]
    if not by:
        cols = [found.found[a].column for a in ("kecamatan", "desa") if a in found.found]
        if not cols:
            warnings.warn("no desa or kecamatan column: one total row (name the groups with "
                          "by=, --by kecamatan,desa)", ZScoreWarning, stacklevel=3)
        return cols
    out = []
    for name in by:
        try:
            out.append(column_name(data, "by", name))
        except InputError:
            arg = normalise_name(name)
            if arg in PROGRAMME_ARGS and arg in found.found:
                out.append(found.found[arg].column)  # "desa" for a column named Kelurahan
            else:
                raise
    return out


def rollup(
    data: Any,
    *,
    by: Sequence[str] | str | None = None,
    period: str | None = None,
    targets: Any = None,
    child: str | None = None,
    date: str | None = None,
    birth_date: str | None = None,
    sex: str | None = None,
    age: str | None = None,
    age_unit: str | None = None,
    weight: str | None = None,
    lenhei: str | None = None,
    measure: str | None = None,
    oedema: str | None = None,
    layout: str = "tidy",
    date_format: str | None = None,
    units: Mapping[str, str] | None = None,
    preset: str | Mapping | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    standard: str = "auto",
    date_numbers: str = "excel",
) -> Any:
    """Counts and percentages per desa, kecamatan and kabupaten for a period.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or dict of columns
        One row per weighing (a long register; :func:`zscore.read_register` turns a wide one
        into this).
    by : column names, outermost first, optional
        The levels below the kabupaten (default: the kecamatan and desa columns, found by
        name). The kabupaten column, where the table has one, is the top level; else one total
        row.
    period : str, optional
        ``"2025"``, ``"2025-S1"`` (January-June), ``"2025-Q3"``, ``"2025-08"`` or
        ``"2025-02..2025-08"``; default every date.
    targets : table, optional
        Target denominators (sasaran): columns for the lowest level (e.g. desa, any case) and
        ``sasaran`` (or ``target``, ``jumlah sasaran``): adds ``sasaran`` and ``coverage_pct``
        (weighed / sasaran).
    child, date, birth_date, sex, age, age_unit, weight, lenhei, measure, oedema : column names
        As in :func:`zscore.followup` and :func:`zscore.classify`.
    date_format, units, preset, value_labels, standard
        As in :func:`zscore.classify`.
    layout : {"tidy", "aksi"}
        tidy: English column names, one row per group (``level`` says which); aksi: the same
        rows with Indonesian headers, desa rows then their kecamatan's total (docs/programme.md).

    Returns
    -------
    pandas.DataFrame
        Per group: ``children``, ``weighed``, ``measured`` and for stunted, wasted, underweight
        the count, the children with that status (``*_of``) and the percentage (``*_pct``).

    Examples
    --------
    >>> import zscore
    >>> visits = {"NIK": ["1", "2", "3"], "Desa": ["A", "A", "B"], "JK": ["L", "P", "L"],
    ...           "Tanggal Lahir": ["2023-01-05", "2023-02-01", "2022-07-09"],
    ...           "Tanggal Ukur": ["2025-02-10", "2025-02-11", "2025-02-12"],
    ...           "BB": [9.0, 10.1, 11.5], "TB": [75.0, 83.0, 88.0]}
    >>> table = zscore.rollup(visits, period="2025-S1")
    >>> table[["level", "Desa", "weighed", "stunted", "stunted_pct"]].values.tolist()
    [['desa', 'A', 2, 1, 50.0], ['desa', 'B', 1, 0, 0.0], ['kabupaten', '(all)', 3, 1, 33.33]]
    """
    import pandas as pd

    if layout not in _LAYOUTS:
        raise InputError(f"layout={layout!r}: choose 'tidy' or 'aksi'")
    when = parse_period(period) if period is not None else None
    found = find_programme(data, {"child": child}, preset, required=("child",),
                           optional=("kabupaten", "kecamatan", "desa", "posyandu", "puskesmas"))
    if "child" not in found.found:
        from ..resolve import not_found

        raise not_found("child", table_columns(data)[0],
                        extra=": the roll-up counts each child once (NIK or any id; --child)")
    levels = _by(data, by, found)
    top = found.found["kabupaten"].column if "kabupaten" in found.found else None
    if top in levels:
        levels.remove(top)
    visit_days, _, visit_col, birth_col = _dates_of(
        data, {"visit_date": date, "birth_date": birth_date}, preset, date_format, date_numbers)
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                 oedema=oedema, visit_date=visit_col, birth_date=birth_col)
    with np.errstate(all="ignore"):
        scored = classify_run(data, given, age_unit=age_unit, units=units,
                              date_format=date_format, preset=preset, labels="id",
                              value_labels=value_labels, no_age="warn", standard=standard,
                              date_numbers=date_numbers, attach_to=None)
    out, inp = scored.out, scored.inputs
    n = inp.n
    getter = table_columns(data)[1]
    frame = pd.DataFrame({"child": [text_key(v) for v in values_list(found.found["child"].values)]})
    for c in [*([top] if top else []), *levels]:
        frame[c] = [text_key(v) or "(missing)" for v in values_list(getter(c))]
    frame["day"] = visit_days
    frame["row"] = np.arange(n)
    w = inp.measurements.get("weight", np.full(n, np.nan))
    h = inp.measurements.get("lenhei", np.full(n, np.nan))
    frame["weighed"] = np.isfinite(w) & (w > 0)
    frame["measured"] = np.isfinite(h) & (h > 0)
    for name, (column, _) in CONDITIONS.items():
        frame[name + "_status"] = values_list(out[column]) if column in out else [None] * n
    keep = frame.child.notna() & np.isfinite(frame.day)
    dropped = int((~keep).sum())
    if when is not None:
        keep &= when.contains(frame.day.to_numpy())
    if dropped:
        warnings.warn(f"{dropped} rows without a child id or a readable date are not counted",
                      ZScoreWarning, stacklevel=2)
    older = keep.to_numpy() & (np.asarray(scored.raw.standard) == 1)
    if older.any():  # balita: Permenkes 2/2020's statuses and Aksi Bangda's counts, 0-60 months
        warnings.warn(f"{int(older.sum())} weighings of children aged 5 years or more are not "
                      "counted (the roll-up counts balita, under 5 years)", ZScoreWarning,
                      stacklevel=2)
        keep &= ~older
    frame = frame[keep].sort_values(["child", "day", "row"], kind="stable")
    if not len(frame):
        raise InputError("no weighing in the period" + (f" {when.name}" if when else "")
                         + ": nothing to count")
    per_child = frame.groupby("child", sort=False).tail(1)[["child", *([top] if top else []),
                                                            *levels]].set_index("child")
    per_child["weighed"] = frame.groupby("child").weighed.any()
    per_child["measured"] = frame.groupby("child").measured.any()
    for name, (_, bad) in CONDITIONS.items():
        col = name + "_status"
        latest = frame[frame[col].notna()].groupby("child")[col].last()
        per_child[name + "_of"] = per_child.index.isin(latest.index)
        per_child[name] = per_child.index.map(lambda c, lt=latest, b=bad: lt.get(c) in b)
    per_child = per_child.reset_index()
    arg_of = {f.column: a for a, f in found.found.items()
              if a in ("kecamatan", "desa", "posyandu", "puskesmas")}
    table = _levels(per_child, top, levels, {c: arg_of.get(c, normalise_name(c))
                                              for c in levels})
    if targets is not None:
        roles = {f.column: a for a, f in found.found.items()
                 if a in ("kabupaten", "kecamatan", "desa", "posyandu", "puskesmas")}
        table = _with_targets(table, targets, top, levels, roles)
    if layout == "aksi":
        table = _aksi(table, top, levels, found)
    return table


def _counts(part: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"children": len(part), "weighed": int(part.weighed.sum()),
                           "measured": int(part.measured.sum())}
    for name in CONDITIONS:
        k, of = int(part[name].sum()), int(part[name + "_of"].sum())
        row[name], row[name + "_of"] = k, of
        row[name + "_pct"] = round(100.0 * k / of, 2) if of else np.nan
    return row


def _levels(per_child: Any, top: str | None, levels: list[str], names: dict[str, str]
            ) -> Any:
    """One row per group at each level; ``names``: each level column's ``level`` label
    (desa, kecamatan, posyandu: the column's role, else its name)."""
    import pandas as pd

    keys = [*([top] if top else []), *levels]
    rows = []
    for depth in range(len(levels), 0, -1):
        group = [*([top] if top else []), *levels[:depth]]
        for key, part in per_child.groupby(group, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            label = dict(zip(group, key, strict=True))
            rows.append({"level": names[levels[depth - 1]],
                         **{k: label.get(k, "(all)") for k in keys}, **_counts(part)})
    if top:
        for key, part in per_child.groupby(top, sort=True):
            rows.append({"level": "kabupaten", top: key,
                         **{k: "(all)" for k in levels}, **_counts(part)})
    else:
        rows.append({"level": "kabupaten", **{k: "(all)" for k in keys}, **_counts(per_child)})
    table = pd.DataFrame(rows, columns=[*TIDY_COLUMNS[:1], *keys, *TIDY_COLUMNS[1:]])
    return table


def _with_targets(table: Any, targets: Any, top: str | None, levels: list[str],
                  roles: Mapping[str, str] | None = None) -> Any:
    """``sasaran`` per lowest-level group from the targets table, summed upwards, and
    ``coverage_pct`` = weighed / sasaran. ``roles``: each level column's programme argument
    (desa, kecamatan, ...), to find it in the targets table under another name
    (``Desa/Kelurahan`` for ``Desa``)."""
    import pandas as pd

    from ..resolve import resolve

    names, getter, _ = table_columns(targets)
    index = {normalise_name(n): n for n in names}
    for c, arg in (roles or {}).items():
        if normalise_name(c) in index:
            continue
        try:
            there = resolve(targets, {}, args=(arg,)).found.get(arg)
        except InputError:
            there = None
        if there is not None and there.column is not None:
            index[normalise_name(c)] = there.column
    target_col = next((index[k] for k in ("sasaran", "target", "jumlah sasaran",
                                          "sasaran balita", "jumlah sasaran balita",
                                          "targets") if k in index), None)
    if target_col is None:
        raise InputError("the targets table needs a 'sasaran' (or 'target') column; it has "
                         f"{names}")
    keys = [c for c in [*([top] if top else []), *levels] if normalise_name(c) in index]
    if not keys or levels[-1] not in keys:
        raise InputError(f"the targets table needs the column {levels[-1]!r} (the lowest "
                         f"level) to join on; it has {names}")
    tgt = pd.DataFrame({k: [text_key(v) or "(missing)" for v in
                            values_list(getter(index[normalise_name(k)]))] for k in keys})
    from ..frames import column_values
    from ..parse import as_float

    tgt["sasaran"] = as_float(column_values(getter(target_col)))
    total = tgt[levels[-1]].str.casefold()
    total = total.isin(("jumlah", "total", "grand total", "jumlah total")) | \
        total.str.startswith(("jumlah ", "total "))
    if total.any():  # a sheet's own total row ("JUMLAH") is not a desa
        warnings.warn(f"{int(total.sum())} rows of the targets table are totals "
                      f"({', '.join(tgt[levels[-1]][total].unique()[:3])}): not used",
                      ZScoreWarning, stacklevel=3)
        tgt = tgt[~total.to_numpy()]
    # the join ignores case and spacing ("SUKAMAJU", " cibodas "); the register's spelling is
    # kept, the targets' where the register has no such desa
    folded = [f"_fold_{i}" for i in range(len(keys))]
    for f, k in zip(folded, keys, strict=True):
        tgt[f] = tgt[k].str.casefold()
    tgt = tgt.groupby(folded, as_index=False).agg(
        {**{k: "first" for k in keys}, "sasaran": "sum"})
    level = table.level.iloc[0]
    low = table[table.level == level].copy()
    for f, k in zip(folded, keys, strict=True):
        low[f] = low[k].astype(str).str.casefold()
    twice = low.groupby(folded).size()
    twice = twice[twice > 1]
    if len(twice) and len(keys) < len([*([top] if top else []), *levels]):
        spelled = low.drop_duplicates(folded).set_index(folded)[keys]
        names = [" / ".join(map(str, spelled.loc[k])) for k in twice.index[:5]]
        raise InputError(f"the targets table joins on {keys} only, and {names} is in several "
                         f"{[c for c in (top, *levels[:-1]) if c and c not in keys]}: each "
                         "would get the same sasaran; add that column to the targets table")
    lowest = low.merge(tgt, on=folded, how="outer", suffixes=("", "_target"))
    missing = lowest.level.isna()
    for k in keys:
        lowest.loc[missing, k] = lowest.loc[missing, k + "_target"]
    lowest = lowest.drop(columns=[*folded, *(k + "_target" for k in keys)])
    if missing.any():  # a desa with targets and no weighing: weighed 0, coverage 0 %
        for column in ("children", "weighed", "measured", *CONDITIONS,
                       *(c + "_of" for c in CONDITIONS)):
            lowest.loc[missing, column] = 0
        lowest.loc[missing, "level"] = level
        for k in [*([top] if top else []), *levels]:
            lowest.loc[missing & lowest[k].isna(), k] = "(missing)"
        extra = lowest[missing].drop(columns=["sasaran"])
        table = pd.concat([table[table.level == level], extra, table[table.level != level]],
                          ignore_index=True)
        for column in ("children", "weighed", "measured", *CONDITIONS,
                       *(c + "_of" for c in CONDITIONS)):
            table[column] = table[column].astype("int64")
    # each row's sasaran: its desa's, summed over the desa below it (by every level's column,
    # not only those the targets table has)
    sums = []
    for _, row in table.iterrows():
        mask = np.ones(len(lowest), dtype=bool)
        for k in [*([top] if top else []), *levels]:
            if row[k] != "(all)":
                mask &= (lowest[k] == row[k]).to_numpy()
        values = lowest.sasaran[mask]
        sums.append(float(values.sum()) if values.notna().any() else np.nan)
    table = table.copy()
    table["sasaran"] = sums
    with np.errstate(all="ignore"):
        table["coverage_pct"] = np.round(100.0 * table.weighed / table.sasaran, 2)
    return table


def _aksi(table: Any, top: str | None, levels: list[str], found: Any) -> Any:
    """Desa rows in kecamatan order, each kecamatan's total after its desa, the kabupaten's
    last; Indonesian headers."""
    keys = [*([top] if top else []), *levels]
    order = table.copy()
    order["_total"] = [sum(v == "(all)" for v in r) for r in order[keys].itertuples(
        index=False)]
    sort_keys = [order[k].replace("(all)", "\uffff") for k in keys]
    order = order.assign(**{f"_k{i}": s for i, s in enumerate(sort_keys)})
    order = order.sort_values([f"_k{i}" for i in range(len(keys))], kind="stable")
    order = order.drop(columns=["level", "_total", *(f"_k{i}" for i in range(len(keys)))])
    arg_of = {f.column: a for a, f in found.found.items()}
    rename = {c: AKSI_HEADERS.get(arg_of.get(c, normalise_name(c)), c) for c in keys}
    rename.update({c: AKSI_HEADERS[c] for c in order.columns if c in AKSI_HEADERS})
    order = order.replace("(all)", "Jumlah")
    front = [c for c in ("sasaran", "children", "weighed", "coverage_pct", "measured",
                         "stunted_of", "stunted", "stunted_pct", "wasted_of", "wasted",
                         "wasted_pct", "underweight_of", "underweight", "underweight_pct")
             if c in order.columns]
    return order[[*keys, *front]].rename(columns=rename).reset_index(drop=True)
