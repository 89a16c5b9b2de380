"""Follow-up of each child across weighings, as the posyandu's KMS does (``zscore.followup``).

Per child (a NIK or any id), weighings sorted by date: ``growth`` B (baru: first weighing), O
(weighed this month, not last month), N (naik: gain at least the KBM for the age), T (tidak naik:
gain below the KBM); ``gain_g``, ``kbm_g``, ``two_t`` (the second T in a row, or later), ``bgm``
(below the KMS red line). Rows keep the input's order; problems of a history (two weighings of a
child on one date, a date before birth, an implausible fall of weight, a height that falls) are
reasons on their rows, never errors. docs/programme.md gives each rule's source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import dates, rules
from ..classify import run as classify_run
from ..errors import InputError
from ..frames import Column, attach, table_columns
from ..resolve import load_preset, resolve
from . import data as programme_data
from ._table import find_programme, group_columns, text_key, values_list

GROWTH = ("B", "O", "N", "T")
OUTPUT_COLUMNS = ("age_months", "growth", "gain_g", "kbm_g", "two_t", "bgm", "followup_reason")
#: Row reasons, in words (docs/programme.md).
REASONS = {
    "child_missing": "no child id: the row cannot be followed",
    "date_missing": "no date of weighing",
    "date_invalid": "the date of weighing cannot be read",
    "date_before_birth": "the weighing is dated before the birth",
    "weight_missing": "no weight",
    "weight_invalid": "the weight is zero, negative or not a number",
    "age_missing": "no age (no birth date or age): the KBM for the age is unknown",
    "duplicate_weighing": "the same child weighed twice on one date with the same weight: "
                          "counted once",
    "same_date_conflict": "the same child has two different weights on one date: neither is "
                          "used",
    "second_in_month": "a second weighing in the same month: the month's first counts",
    "weight_fall": "the weight fell by more than is plausible since the last weighing: left "
                   "out of the N/T sequence",
    "height_fall": "the length/height is lower than at an earlier visit by more than "
                   "measurement error",
}
STUNTED = ("sangat pendek", "pendek")


@dataclass
class FollowUp:
    """What :func:`followup` computed.

    ``rows``: the input table (same kind) with ``age_months``, ``growth``, ``gain_g``,
    ``kbm_g``, ``two_t``, ``bgm`` and ``followup_reason`` appended, in the input's order.
    ``children``: one row per child (pandas): weighings, first and latest dates, latest growth
    and weight, first and latest length-for-age status and the ``transition``.
    ``monthly``: per month (and group) the KMS counts D, N, T, O, B, 2T and BGM.
    ``kbm``: the KBM table used (name, source, version)."""

    rows: Any
    children: Any
    monthly: Any
    kbm: programme_data.KBMTable


def _month_index(days: np.ndarray) -> np.ndarray:
    """Calendar month (year * 12 + month - 1) of days since 1970-01-01 (NaN stays NaN)."""
    out = np.full(days.shape, np.nan)
    ok = np.isfinite(days)
    d = days[ok].astype(np.int64).astype("datetime64[D]")
    out[ok] = d.astype("datetime64[M]").astype(np.int64)
    return out


def _dates_of(data: Any, given: Mapping[str, Any], preset: Any, date_format: str | None,
              date_numbers: str) -> tuple[np.ndarray, np.ndarray | None, str, str | None]:
    """Visit and birth dates as days since 1970 (birth None when absent), and their columns."""
    p = load_preset(preset)
    res = resolve(data, {k: v for k, v in given.items() if v is not None}, preset=p,
                  args=("visit_date", "birth_date"), date_format=date_format)
    if "visit_date" not in res.found:
        from ..resolve import not_found

        raise not_found("visit_date", table_columns(data)[0],
                        extra=": the follow-up orders each child's weighings by date")
    visit = dates.prepare(res.found["visit_date"].values)
    columns = {res.found["visit_date"].column or "visit_date": visit}
    birth = None
    if "birth_date" in res.found:
        birth = dates.prepare(res.found["birth_date"].values)
        columns[res.found["birth_date"].column or "birth_date"] = birth
    fmt = date_format if date_format is not None else (p.date_format if p is not None else None)
    order = dates.day_month_order(columns, fmt)
    visit_days = dates.to_days(visit, order, date_numbers)
    birth_days = dates.to_days(birth, order, date_numbers) if birth is not None else None
    return (visit_days, birth_days, res.found["visit_date"].column,
            res.found["birth_date"].column if birth is not None else None)


def followup(
    data: Any,
    *,
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
    kbm: str | None = None,
    by: Sequence[str] | str | None = None,
    date_format: str | None = None,
    units: Mapping[str, str] | None = None,
    preset: str | Mapping | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    rules_file: Any = None,
    standard: str = "auto",
    date_numbers: str = "excel",
) -> FollowUp:
    """Follow each child across weighings: N, T, O, B, 2T and BGM, as the KMS does.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or dict of columns
        One row per weighing (a long register; :func:`zscore.read_register` turns a wide one
        into this).
    child : column name, optional
        The child's id (default: found by name: ``NIK``, ``NIK Anak``, ``id``, ...).
    date : column name, optional
        The date of the weighing (default: ``Tanggal Penimbangan``, ``Tgl Ukur``, ...).
    birth_date, sex, age, age_unit, weight, lenhei, measure, oedema : column names, optional
        As in :func:`zscore.classify` (the age gives the KBM; weight-for-age gives BGM).
    kbm : str, optional
        The KBM table (``"buku_kia_2023"``, the default; ``"kms_7_11"``, ``"banded"``,
        ``"posyandu_file"``; docs/programme.md gives their sources).
    by : column names, optional
        Groups of the monthly counts; default the posyandu (else desa) column.
    date_format, units, preset, value_labels, standard
        As in :func:`zscore.classify`.
    rules_file : path, optional
        A TOML file like data/programme.toml (other KBM tables, thresholds).

    Returns
    -------
    FollowUp
        ``rows`` (the input with the follow-up columns), ``children`` and ``monthly``.

    Examples
    --------
    >>> import zscore
    >>> visits = {"NIK": ["1", "1", "1", "1"], "JK": ["L"] * 4,
    ...           "Tanggal Lahir": ["2024-01-10"] * 4,
    ...           "Tanggal Penimbangan": ["2024-07-12", "2024-08-14", "2024-09-11", "2024-11-13"],
    ...           "BB": [7.6, 8.0, 8.1, 8.6]}
    >>> result = zscore.followup(visits)
    >>> result.rows["growth"].tolist(), result.rows["gain_g"].tolist()
    (['B', 'N', 'T', 'O'], [nan, 400.0, 100.0, 500.0])
    """
    prules = programme_data.load(rules_file)
    table = prules.kbm_table(kbm)
    names, getter, n = table_columns(data)
    clash = [c for c in OUTPUT_COLUMNS if c in names]
    if clash:
        raise InputError(f"the table already has columns {clash} (is it a follow-up's "
                         "output?): rename them; the follow-up never replaces a column")
    found = find_programme(data, {"child": child}, preset, required=("child",),
                           optional=("desa", "posyandu"))
    if "child" not in found.found:
        from ..resolve import not_found

        raise not_found("child", names, extra=": the follow-up needs each child's id (NIK or "
                                              "any id; --child COLUMN)")
    ids = [text_key(v) for v in values_list(found.found["child"].values)]
    groups = group_columns(data, by, found, ("posyandu",)) or group_columns(
        data, None, found, ("desa",))
    visit_days, birth_days, visit_col, birth_col = _dates_of(
        data, {"visit_date": date, "birth_date": birth_date}, preset, date_format, date_numbers)
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                 oedema=oedema, visit_date=visit_col, birth_date=birth_col)
    with np.errstate(all="ignore"):
        scored = classify_run(data, given, age_unit=age_unit, units=units,
                              date_format=date_format, preset=preset,
                              value_labels=value_labels, labels="id", no_age="ignore",
                              standard=standard,
                              date_numbers=date_numbers, attach_to=None)
    out, inp = scored.out, scored.inputs
    if "weight" not in inp.measurements:
        raise InputError("the follow-up needs the weight (--weight COLUMN)")
    weight_kg = inp.measurements["weight"]
    age_days = inp.age * (rules.DAYS_PER_MONTH if inp.age_unit == "months" else 1.0)
    age_months = np.floor(age_days / prules.days_per_month)
    age_months[~(age_months >= 0)] = np.nan
    clh = (np.asarray(scored.raw.clenhei) if scored.raw.clenhei.size else np.full(n, np.nan))
    zwei = np.asarray(out.get("zwei", np.full(n, np.nan)), dtype=np.float64)
    zlen = np.asarray(out.get("zlen", np.full(n, np.nan)), dtype=np.float64)
    stunting = values_list(out["stunting"]) if "stunting" in out else [None] * n
    month = _month_index(visit_days)

    growth = np.full(n, -1, dtype=np.int8)
    gain = np.full(n, np.nan)
    kbm_g = np.full(n, np.nan)
    two_t = np.full(n, -1, dtype=np.int8)
    reason: list[list[str]] = [[] for _ in range(n)]
    # the rows of each child, by date then input position
    codes = {}
    child_code = np.array([codes.setdefault(c, len(codes)) if c is not None else -1
                           for c in ids], dtype=np.int64)
    sort_days = np.where(np.isfinite(visit_days), visit_days, np.inf)
    order = np.lexsort((np.arange(n), sort_days, child_code))
    same_date: dict[tuple[int, float], list[int]] = {}
    usable = (child_code >= 0) & np.isfinite(visit_days) & np.isfinite(weight_kg) \
        & (weight_kg > 0)  # a row without a weight has its own reason, and voids nothing
    if birth_days is not None:
        usable &= ~(visit_days < birth_days)
    for i in order.tolist():
        if usable[i]:
            same_date.setdefault((int(child_code[i]), float(visit_days[i])), []).append(i)
    conflict: set[int] = set()
    repeat: set[int] = set()
    for rows in same_date.values():
        if len(rows) > 1:
            ws = weight_kg[rows]
            if np.all(np.abs(ws - ws[0]) < 0.005):
                repeat.update(rows[1:])
            else:
                conflict.update(rows)

    last: dict[int, dict[str, float]] = {}
    fall = prules.max_weight_fall
    # plain Python values for the loop over rows (numpy scalars cost ten times more)
    need_g = table.at(age_months).tolist()
    days_l, month_l, w_l, h_l = (visit_days.tolist(), month.tolist(), weight_kg.tolist(),
                                 clh.tolist())
    birth_l = birth_days.tolist() if birth_days is not None else None
    code_l = child_code.tolist()
    inf = math.inf
    max_fall_cm = prules.max_height_fall_cm
    for i in order.tolist():
        c = code_l[i]
        why = reason[i]
        if c < 0:
            why.append("child_missing")
            continue
        day = days_l[i]
        if day != day:
            why.append("date_missing")
            continue
        if day in (inf, -inf):
            why.append("date_invalid")
            continue
        if birth_l is not None and birth_l[i] == birth_l[i] and day < birth_l[i]:
            why.append("date_before_birth")
            continue
        state = last.setdefault(c, {})
        h = h_l[i]
        if h == h and 0 < h < inf:
            top = state.get("height")
            if top is not None and h < top - max_fall_cm:
                why.append("height_fall")
            else:
                state["height"] = h if top is None or h > top else top
        w = w_l[i]
        if w != w:
            why.append("weight_missing")
            continue
        if not 0 < w < inf:
            why.append("weight_invalid")
            continue
        if i in repeat:
            why.append("duplicate_weighing")
            continue
        if i in conflict:
            why.append("same_date_conflict")
            continue
        if "month" not in state:
            growth[i] = 0
        else:
            g = round((w - state["weight"]) * 1000.0, 1)
            gap = month_l[i] - state["month"]
            if gap == 0:
                why.append("second_in_month")
                continue
            gain[i] = g
            if w < state["weight"] * (1.0 - fall):
                why.append("weight_fall")
                continue
            if gap > 1:
                growth[i] = 1
            else:
                need = need_g[i]
                if need != need:
                    why.append("age_missing")
                    continue
                kbm_g[i] = need
                growth[i] = 2 if g >= need - 1e-9 else 3
                two_t[i] = 1 if growth[i] == 3 and state.get("growth") == 3 else 0
        state["month"], state["weight"], state["growth"] = month_l[i], w, int(growth[i])
    # a flagged weight-for-age z (below -6 or above +5: a typing error more often than a
    # child) is not plotted below the red line: unknown, as WHO gives it no status
    fwei = np.asarray(out.get("fwei", np.zeros(n)), dtype=np.float64)
    bgm = np.where(np.isfinite(zwei) & (fwei != 1), (zwei < prules.bgm_below_z).astype(np.int8),
                   -1)
    reason_labels = sorted({"; ".join(r) for r in reason if r})
    reason_code = np.array([reason_labels.index("; ".join(r)) if r else -1 for r in reason],
                           dtype=np.int32)
    columns = [Column("age_months", "float", age_months),
               Column("growth", "category", growth, GROWTH),
               Column("gain_g", "float", gain), Column("kbm_g", "float", kbm_g),
               Column("two_t", "nullable", two_t), Column("bgm", "nullable", bgm.astype(np.int8)),
               Column("followup_reason", "category", reason_code, tuple(reason_labels))]
    rows = attach(data, columns)
    children = _children(ids, order, visit_days, growth, weight_kg, zlen, stunting, two_t,
                         bgm, found, getter)
    monthly = _monthly(data, groups, month, growth, two_t, bgm, getter)
    return FollowUp(rows, children, monthly, table)


def _transition(first: str | None, latest: str | None, n: int) -> str | None:
    if n < 2 or first is None or latest is None:
        return None
    was, now = first in STUNTED, latest in STUNTED
    if was and now:
        return "stayed stunted"
    if was:
        return "recovered"
    if now:
        return "became stunted"
    return "stayed not stunted"


def _children(ids: list, order: np.ndarray, visit_days: np.ndarray, growth: np.ndarray,
              weight_kg: np.ndarray, zlen: np.ndarray, stunting: list, two_t: np.ndarray,
              bgm: np.ndarray, found: Any, getter: Any) -> Any:
    import pandas as pd

    place = {arg: values_list(found.found[arg].values) for arg in ("desa", "posyandu")
             if arg in found.found}
    ok = np.isfinite(visit_days)
    day_text = np.full(visit_days.shape, "", dtype=object)
    day_text[ok] = np.datetime_as_string(visit_days[ok].astype(np.int64).astype("datetime64[D]"))
    day_l, growth_l, w_l, zlen_l = (day_text.tolist(), growth.tolist(), weight_kg.tolist(),
                                    zlen.tolist())
    two_l, bgm_l = two_t.tolist(), bgm.tolist()
    per: dict[str, dict[str, Any]] = {}
    for i in order.tolist():
        c = ids[i]
        g = growth_l[i]
        if c is None or g < 0:
            continue
        rec = per.get(c)
        if rec is None:
            rec = per[c] = {"child": c, "weighings": 0, "first_date": day_l[i],
                            "n_measured": 0, "first_status": None, "latest_status": None}
        rec["weighings"] += 1
        rec["latest_date"] = day_l[i]
        rec["latest_growth"] = GROWTH[g]
        rec["latest_weight_kg"] = w_l[i]
        rec["latest_two_t"] = two_l[i] == 1
        rec["latest_bgm"] = None if bgm_l[i] < 0 else bgm_l[i] == 1
        for arg, values in place.items():
            rec[arg] = text_key(values[i])
        if zlen_l[i] == zlen_l[i] and stunting[i] is not None:
            rec["n_measured"] += 1
            if rec["first_status"] is None:
                rec["first_status"] = stunting[i]
            rec["latest_status"] = stunting[i]
            rec["latest_zlen"] = zlen_l[i]
    table = pd.DataFrame(list(per.values()))
    cols = ["child", *place, "weighings", "first_date", "latest_date", "latest_growth",
            "latest_weight_kg", "latest_two_t", "latest_bgm", "n_measured", "latest_zlen",
            "first_status", "latest_status"]
    table = table.reindex(columns=cols)
    if len(table):
        table["transition"] = [_transition(f, la, k) for f, la, k in zip(
            table.first_status, table.latest_status, table.n_measured, strict=True)]
    else:
        table["transition"] = []
    return table


def _monthly(data: Any, groups: list[str], month: np.ndarray, growth: np.ndarray,
             two_t: np.ndarray, bgm: np.ndarray, getter: Any) -> Any:
    import pandas as pd

    ok = growth >= 0
    frame = pd.DataFrame({g: [text_key(v) or "(missing)" for v in values_list(getter(g))]
                          for g in groups})
    text = np.full(month.shape, None, dtype=object)
    known = np.isfinite(month)
    text[known] = np.datetime_as_string(month[known].astype(np.int64).astype("datetime64[M]"))
    frame["month"] = text
    frame["growth"] = [GROWTH[g] if g >= 0 else None for g in growth.tolist()]
    frame["two_t"] = two_t == 1
    frame["bgm"] = bgm == 1
    frame = frame[ok]
    keys = [*groups, "month"]
    if not len(frame):
        return pd.DataFrame(columns=[*keys, "D", "N", "T", "O", "B", "2T", "BGM"])
    counts = pd.crosstab([frame[k] for k in keys], frame["growth"]).reindex(
        columns=["N", "T", "O", "B"], fill_value=0)
    counts["D"] = counts.sum(axis=1)
    extra = frame.groupby(keys)[["two_t", "bgm"]].sum().rename(
        columns={"two_t": "2T", "bgm": "BGM"})
    table = counts.join(extra).reset_index()
    return table[[*keys, "D", "N", "T", "O", "B", "2T", "BGM"]].astype(
        {c: "int64" for c in ("D", "N", "T", "O", "B", "2T", "BGM")})
