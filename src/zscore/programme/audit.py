"""Audit of a register's stored statuses and z-scores (``zscore.audit``, ``zscore audit``).

zscore recomputes every child's z-scores and Permenkes 2/2020 statuses with WHO's method and
compares them with what the register holds (e-PPGBM's ``Status BB/U``, ``Status TB/U``,
``Status BB/TB``, and z-score columns where there are any). Each disagreement gets the likely
cause where one can be told: zscore recomputes the child with each fault documented in local
tools (:mod:`zscore.programme._variants`) and says which one gives the stored value.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import rules
from ..classify import run as classify_run
from ..errors import InputError, ZScoreWarning
from ..frames import Factorized, column_values
from ..parse import as_float
from . import data as programme_data
from ._table import find_programme, group_columns, text_key, values_list
from ._variants import FAULTS, faulty_z

#: stored status argument -> (indicator, zscore's category column)
STATUS_COLUMNS = {"status_len": ("len", "stunting"), "status_wei": ("wei", "underweight"),
                  "status_wfl": ("wfl", "wasting")}
#: stored z-score argument -> indicator
STORED_Z = {"stored_zlen": "len", "stored_zwei": "wei", "stored_zwfl": "wfl"}
#: Causes that are not a recomputation, and their text.
CAUSES = {
    **FAULTS,
    "boundary": "the z-score is exactly on a cut-off and the stored status puts it on the other "
                "side (<= where Permenkes and WHO use <)",
    "flagged": "a flagged z has a stored status (WHO: a z beyond the plausible limits gets no "
               "status; re-measure)",
    "not_computed": "no z-score or no Permenkes status can be computed (BB/U and BB/TB "
                    "statuses are for children under 5 years)",
    "unrecognised": "the stored label is not a Permenkes 2/2020 label",
    "rounding": "differs only in the last decimal's rounding",
}
_CHILD = ("sex", "age", "weight", "lenhei", "measure", "oedema", "birth_date", "visit_date")
_CATEGORY = {c.column: c for c in rules.CATEGORIES_ID if "2006" in c.standards}


@dataclass
class Audit:
    """What :func:`audit` found.

    ``disagreements``: one row per stored value that differs from zscore's (pandas DataFrame:
    ``row`` the input row's position from 0, ``column`` the stored column's name, ``stored``,
    ``computed``, ``z`` zscore's z-score at WHO's 2 decimals, ``cause`` in words and
    ``cause_code``). ``summary``: per group and stored column, values compared, agreeing and
    disagreeing. ``columns``: stored column -> what it was read as."""

    disagreements: Any
    summary: Any
    columns: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    resolution: Any = None


def _category_of(category: rules.Category, z: np.ndarray, flip: bool = False) -> list:
    """The Permenkes label of each z (None for NaN). ``flip``: cut-offs closed the other way."""
    out: list = []
    for value in z.tolist():
        if value != value:
            out.append(None)
            continue
        k = 0
        for cut, up in category.cuts:
            up = (not up) if flip else up
            k += value > cut or (value == cut and up)
        out.append(category.labels[k])
    return out


def _stored_numbers(values: Any) -> np.ndarray:
    """A stored z-score column as numbers; text with a decimal comma ("-1,23") as -1.23, text
    that is no number as -inf (unrecognised)."""
    v = column_values(values)
    if isinstance(v, Factorized):
        v = Factorized(v.codes, [u.strip().replace(",", ".") if isinstance(u, str) else u
                                 for u in v.uniques])
    return as_float(v)


def _round2(z: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.round(z, 2)


def audit(
    data: Any,
    *,
    status_len: str | None = None,
    status_wei: str | None = None,
    status_wfl: str | None = None,
    stored_zlen: str | None = None,
    stored_zwei: str | None = None,
    stored_zwfl: str | None = None,
    by: Sequence[str] | str | None = None,
    sex: str | None = None,
    age: str | None = None,
    age_unit: str | None = None,
    weight: str | None = None,
    lenhei: str | None = None,
    measure: str | None = None,
    oedema: str | None = None,
    birth_date: str | None = None,
    visit_date: str | None = None,
    date_format: str | None = None,
    units: Mapping[str, str] | None = None,
    preset: str | Mapping | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    rules_file: Any = None,
    standard: str = "auto",
    date_numbers: str = "excel",
) -> Audit:
    """Compare a register's stored statuses and z-scores with WHO's, and say why they differ.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or dict of columns
        The register: the child's measurements (found as :func:`zscore.classify` finds them)
        and the stored columns.
    status_len, status_wei, status_wfl : column names, optional
        Stored Permenkes 2/2020 statuses of TB/U (or PB/U), BB/U and BB/TB (or BB/PB). Default:
        found by name (``Status TB/U``, ``Status BB/U``, ``Status BB/TB``, any case).
    stored_zlen, stored_zwei, stored_zwfl : column names, optional
        Stored z-scores (``ZS TB/U``, ``ZS BB/U``, ``ZS BB/TB``, ``zlen``, ...), compared at
        WHO's 2-decimal precision.
    by : column names, optional
        Groups of the summary; default the desa and posyandu columns, where the table has them.
    sex, age, age_unit, weight, lenhei, measure, oedema, birth_date, visit_date, date_format,
    units, preset, value_labels, standard
        As in :func:`zscore.classify`.
    rules_file : path to a TOML file like data/programme.toml, optional
        Other stored-label spellings (``[labels]``).

    Returns
    -------
    Audit
        ``disagreements`` (row, column, stored, computed, z, cause, cause_code) and
        ``summary`` (per group and column: compared, agree, disagree, pct_disagree).

    Raises
    ------
    InputError
        No stored status or z-score column; the errors of :func:`zscore.classify`.

    Examples
    --------
    >>> import zscore
    >>> register = {"JK": ["L", "P"], "Umur (bulan)": [14.5, 30.2], "BB": [9.1, 10.2],
    ...             "TB": [72.0, 84.0], "Status TB/U": ["Pendek", "Pendek"],
    ...             "ZS TB/U": [-2.63, -2.1]}
    >>> found = zscore.audit(register)
    >>> found.disagreements[["row", "column", "stored", "computed"]].values.tolist()
    [[1, 'Status TB/U', 'Pendek', 'normal'], [1, 'ZS TB/U', '-2.1', '-1.93']]
    """
    prules = programme_data.load(rules_file)
    stored_given = dict(status_len=status_len, status_wei=status_wei, status_wfl=status_wfl,
                        stored_zlen=stored_zlen, stored_zwei=stored_zwei,
                        stored_zwfl=stored_zwfl)
    found = find_programme(data, stored_given, preset, required=tuple(stored_given),
                           optional=() if by else ("desa", "posyandu"))
    stored = {arg: found.found[arg] for arg in (*STATUS_COLUMNS, *STORED_Z)
              if arg in found.found}
    if not stored:
        raise InputError("no stored status or z-score column to audit (looked for Status TB/U, "
                         "Status BB/U, Status BB/TB, ZS TB/U, ...); name them with "
                         "status_len=/status_wei=/status_wfl= (--status-len, ...) or "
                         "stored_zlen=/... (--stored-zlen, ...)")
    groups = group_columns(data, by, found, ("desa", "posyandu"))
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure,
                 oedema=oedema, birth_date=birth_date, visit_date=visit_date)
    options = dict(age_unit=age_unit, units=units, date_format=date_format, preset=preset,
                   value_labels=value_labels, labels="id", date_numbers=date_numbers,
                   standard=standard,
                   attach_to=None)
    with np.errstate(all="ignore"):
        who = classify_run(data, given, precision="who", **options)
        full = classify_run(data, given, precision="full", **options)
    out, inp = who.out, who.inputs
    n = inp.n
    age_days = inp.age * (rules.DAYS_PER_MONTH if inp.age_unit == "months" else 1.0)
    under5 = np.asarray(who.raw.standard) == 0
    clh = (np.asarray(who.raw.clenhei) if who.raw.clenhei.size
           else np.full(n, np.nan))
    weight_kg = inp.measurements.get("weight", np.full(n, np.nan))
    reasons = values_list(out["reason"]) if "reason" in out else [None] * n
    faults: dict[str, dict[str, np.ndarray]] = {}

    def fault_z(indicator: str) -> dict[str, np.ndarray]:
        if indicator not in faults:
            faults[indicator] = faulty_z(indicator, inp.sex, np.where(under5, age_days, np.nan),
                                         np.where(under5, clh, np.nan), weight_kg,
                                         inp.measurements.get("lenhei"), inp.measure)
        return faults[indicator]

    records: list[dict[str, Any]] = []
    compared = {arg: np.zeros(n, dtype=bool) for arg in stored}
    disagree = {arg: np.zeros(n, dtype=bool) for arg in stored}
    for arg, f in stored.items():
        indicator = STATUS_COLUMNS[arg][0] if arg in STATUS_COLUMNS else STORED_Z[arg]
        zname = "z" + indicator
        z_who = out[zname] if zname in out else np.full(n, np.nan)
        z_full = full.out[zname] if zname in full.out else np.full(n, np.nan)
        flag = out["f" + indicator] if "f" + indicator in out else np.full(n, np.nan)
        if arg in STATUS_COLUMNS:
            cat_column = STATUS_COLUMNS[arg][1]
            category = _CATEGORY[cat_column]
            computed = values_list(out[cat_column]) if cat_column in out else [None] * n
            labels = prules.labels.get(arg, {})
            raw = values_list(f.values)
            for i, value in enumerate(raw):
                text = text_key(value)
                if text is None:
                    continue
                compared[arg][i] = True
                mine = computed[i]
                label = labels.get(programme_data.label_key(text))
                if label is not None and label == mine:
                    continue
                disagree[arg][i] = True
                codes = _status_causes(i, label, mine, category, z_who, flag, reasons,
                                       fault_z(indicator), under5)
                records.append(_record(i, f.column, text, mine, z_who[i], codes))
        else:
            values = _stored_numbers(f.values)
            raw = values_list(f.values)
            s2 = _round2(values)
            for i in np.flatnonzero(~np.isnan(values)).tolist():
                compared[arg][i] = True
                if np.isfinite(z_who[i]) and abs(s2[i] - z_who[i]) < 1e-9:
                    continue
                disagree[arg][i] = True
                codes = _z_causes(i, values[i], z_who, z_full, flag, reasons,
                                  fault_z(indicator), under5)
                stored_text = text_key(raw[i])
                records.append(_record(i, f.column, stored_text,
                                       None if not np.isfinite(z_who[i]) else
                                       f"{z_who[i]:.2f}", z_who[i], codes))
    if not any(c.any() for c in compared.values()):
        warnings.warn(f"the stored columns {[f.column for f in stored.values()]} are empty in "
                      "every row: nothing was compared", ZScoreWarning, stacklevel=2)
    import pandas as pd

    table = pd.DataFrame(records, columns=["row", "column", "stored", "computed", "z", "cause",
                                           "cause_code"])
    table = table.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    summary = _summary(data, groups, stored, compared, disagree)
    return Audit(table, summary, {f.column: arg for arg, f in stored.items()}, groups, found)


def _record(i: int, column: str, stored: Any, computed: Any, z: float,
            codes: list[str]) -> dict[str, Any]:
    return {"row": i, "column": column, "stored": stored, "computed": computed,
            "z": float(z) if np.isfinite(z) else np.nan,
            "cause": "; ".join(CAUSES[c] for c in codes),
            "cause_code": " ".join(codes)}


def _status_causes(i: int, label: str | None, mine: str | None, category: rules.Category,
                   z_who: np.ndarray, flag: np.ndarray, reasons: list,
                   faults: Mapping[str, np.ndarray], under5: np.ndarray) -> list[str]:
    if label is None:
        return ["unrecognised"]
    if flag[i] == 1:
        return ["flagged"]
    if not np.isfinite(z_who[i]) or mine is None:
        return ["not_computed"]
    codes = []
    if _category_of(category, z_who[i: i + 1], flip=True)[0] == label:
        codes.append("boundary")
    if under5[i]:
        for name, z in faults.items():
            if _category_of(category, _round2(z[i: i + 1]))[0] == label:
                codes.append(name.split(":")[0])
    return list(dict.fromkeys(codes))


def _z_causes(i: int, value: float, z_who: np.ndarray, z_full: np.ndarray, flag: np.ndarray,
              reasons: list, faults: Mapping[str, np.ndarray], under5: np.ndarray) -> list[str]:
    if not np.isfinite(value):
        return ["unrecognised"]
    if not np.isfinite(z_who[i]):
        return ["not_computed"]
    codes = []
    if abs(value - z_full[i]) <= 0.005 + 1e-9:
        codes.append("rounding")
    if under5[i]:
        for name, z in faults.items():
            # a fault that gives this child WHO's own 2-decimal z (plain LMS within +-3 SD,
            # SD lines of TB/U, whose L is 1) cannot be why the stored value differs
            if np.isfinite(z[i]) and abs(value - z[i]) <= 0.005 + 1e-9 and \
                    abs(_round2(z[i: i + 1])[0] - z_who[i]) > 1e-9:
                codes.append(name.split(":")[0])
    return list(dict.fromkeys(codes))


def _summary(data: Any, groups: list[str], stored: Mapping[str, Any],
             compared: Mapping[str, np.ndarray], disagree: Mapping[str, np.ndarray]) -> Any:
    import pandas as pd

    from ..frames import table_columns

    getter = table_columns(data)[1]
    frame = pd.DataFrame({g: [text_key(v) or "(missing)" for v in values_list(getter(g))]
                          for g in groups})
    rows = []
    for arg, f in stored.items():
        frame["_compared"] = compared[arg]
        frame["_disagree"] = disagree[arg]
        parts = [((), frame)] if not groups else list(frame.groupby(groups, sort=True))
        if groups:
            parts.append((("All",) * len(groups), frame))
        for key, part in parts:
            key = key if isinstance(key, tuple) else (key,)
            n = int(part["_compared"].sum())
            bad = int(part["_disagree"].sum())
            rows.append({**dict(zip(groups, key, strict=True)), "column": f.column,
                         "compared": n, "agree": n - bad, "disagree": bad,
                         "pct_disagree": round(100.0 * bad / n, 1) if n else np.nan})
    return pd.DataFrame(rows, columns=[*groups, "column", "compared", "agree", "disagree",
                                       "pct_disagree"])
