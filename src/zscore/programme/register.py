"""Registers as posyandu keep them: one row per child, a block of columns per month
(``zscore.read_register``).

A wide register names each month's columns with the Indonesian month and what the column holds:
``JANUARI_BERAT``, ``JANUARI_TINGGI``, ``JANUARI_TANGGALUKUR``, ``JANUARI_UMUR``,
``JANUARI_CARAUKUR`` ... ``DESEMBER_...`` (any case and separator, month first or last, short
month names too: ``BB JAN``). Or two header rows: the months in the first (one merged cell over
each month's columns), ``TGL UKUR / UMUR / BERAT / TINGGI / CARA UKUR`` in the second. Either way
it becomes one row per weighing: the child's own columns repeated, then ``bulan`` (1-12),
``periode`` (YYYY-MM), ``Tanggal Ukur``, ``Berat Badan (kg)``, ``Tinggi Badan (cm)``, ``Umur
(bulan)``, ``Cara Ukur`` (those the register has) and ``register_row`` (the child's row in the
register, from 0). These names are the ones zscore's resolver reads without being told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import dates
from ..errors import InputError
from ..frames import table_columns
from ..resolve import normalise_name
from ._table import find_programme, text_key, values_list

#: Indonesian month names and their short forms (normalised: lower case).
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "agus": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nopember": 11, "nov": 11,
    "nop": 11, "desember": 12, "des": 12,
}
#: What a month's column holds, by its name (normalised; unit words set aside) -> output name.
FIELDS = {
    "berat": "weight", "bb": "weight", "berat badan": "weight", "timbang": "weight",
    "tinggi": "lenhei", "tb": "lenhei", "pb": "lenhei", "tinggi badan": "lenhei",
    "panjang badan": "lenhei", "tb pb": "lenhei", "pb tb": "lenhei", "panjang": "lenhei",
    "tanggalukur": "date", "tanggal ukur": "date", "tgl ukur": "date", "tglukur": "date",
    "tanggal": "date", "tgl": "date", "tanggal timbang": "date", "tgl timbang": "date",
    "tanggal penimbangan": "date", "tgl penimbangan": "date", "tanggal pengukuran": "date",
    "umur": "age", "usia": "age", "caraukur": "measure", "cara ukur": "measure",
    "posisi": "measure", "lila": "armc", "lingkar lengan atas": "armc", "lika": "headc",
    "lingkar kepala": "headc",
}
_UNIT_WORDS = {"kg", "cm", "bulan", "bln", "gram", "g", "hari"}
#: Output column of each field: the names the resolver finds without being told.
OUTPUT = {"date": "Tanggal Ukur", "weight": "Berat Badan (kg)", "lenhei": "Tinggi Badan (cm)",
          "age": "Umur (bulan)", "measure": "Cara Ukur", "armc": "LILA (cm)",
          "headc": "Lingkar Kepala (cm)"}
_FIELD_ORDER = tuple(OUTPUT)
_SEARCH_ROWS = 20


@dataclass
class Register:
    """What :func:`read_register` read.

    ``weighings``: one row per child and month with a value (pandas DataFrame). ``duplicates``:
    children listed twice (``register_row``, ``duplicate_of``, ``reason``). ``months``: each
    wide column -> (month, field) it was read as."""

    weighings: Any
    duplicates: Any
    months: dict[str, tuple[int, str]] = field(default_factory=dict)
    child_columns: list[str] = field(default_factory=list)


def _tokens(name: Any) -> list[str]:
    """A column name's words, normalised, without a year ("BERAT JANUARI 2025")."""
    return [t for t in normalise_name(name).split() if not _YEAR.fullmatch(t)]


_YEAR = re.compile(r"(19|20)\d\d")


def month_field(name: Any) -> tuple[int, str] | None:
    """(month, field) of a wide column's name ("JANUARI_BERAT" -> (1, "weight")), else None."""
    tokens = _tokens(name)
    months = [t for t in tokens if t in MONTHS]
    if len(months) != 1:
        return None
    rest = " ".join(t for t in tokens if t not in MONTHS and t not in _UNIT_WORDS)
    kind = FIELDS.get(rest) or FIELDS.get(rest.replace(" ", ""))
    return (MONTHS[months[0]], kind) if kind else None


def _month_other(name: Any) -> tuple[int, str] | None:
    """(month, the name without its month) of a month's column whose content zscore has no
    name for ("JANUARI_STATUS_TBU" -> (1, "STATUS_TBU")), else None."""
    text = str(name)
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    months = [w for w in words if w.casefold() in MONTHS]
    if len(months) != 1 or len(words) < 2:
        return None
    rest = re.sub(rf"(?i)(^|[^0-9a-z]){re.escape(months[0])}(?=$|[^0-9a-z])", " ", text)
    rest = rest.strip(" _-./")
    return (MONTHS[months[0].casefold()], rest) if rest else None


_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)")


def _number(value: Any) -> Any:
    """A measurement cell: text that is a number ("9,9", " 75.0 ") as that number, other
    values as they are."""
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value.strip().replace(",", "."))
    return value


def _field_only(name: Any) -> str | None:
    tokens = [t for t in normalise_name(name).split() if t not in _UNIT_WORDS]
    rest = " ".join(tokens)
    return FIELDS.get(rest) or FIELDS.get(rest.replace(" ", ""))


def _month_only(name: Any) -> int | None:
    tokens = _tokens(name)
    return MONTHS[tokens[0]] if len(tokens) == 1 and tokens[0] in MONTHS else None


def _two_row_names(top: Sequence[Any], second: Sequence[Any]) -> list[str] | None:
    """Column names from a month row (merged cells: the month in the first) and a field row;
    None when the rows are not that layout."""
    if sum(_month_only(c) is not None for c in top if c) < 2 or \
            sum(_field_only(c) is not None for c in second if c) < 2:
        return None
    names, month = [], None
    for i, below in enumerate(second):
        above = top[i] if i < len(top) else None
        if above not in (None, "") and _month_only(above) is not None:
            month = str(above).strip()
        elif above not in (None, ""):
            month = None  # a child's column with its name above
        text = "" if below is None else str(below).strip()
        if month is not None and text:
            names.append(f"{month}_{text}")
        else:
            names.append(text or ("" if above in (None, "") else str(above).strip()))
    return names


def _excel(path: Path, sheet: Any) -> tuple[Any, list[str], int]:
    """An Excel register: the table, its column names and the header's last row."""
    import logging

    import fastexcel
    import pyarrow as pa

    from ..io.excel import _sheet_index

    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    reader = fastexcel.read_excel(str(path))
    index = _sheet_index(list(reader.sheet_names), sheet, str(path))
    peek = reader.load_sheet(index, header_row=None, skip_rows=0, n_rows=_SEARCH_ROWS,
                             dtypes="string")
    rows = [list(r.values()) for r in peek.to_arrow().to_pylist()]
    for r, row in enumerate(rows):
        if sum(month_field(c) is not None for c in row if c) >= 2:
            loaded = reader.load_sheet(index, header_row=r, schema_sample_rows=None)
            table = pa.Table.from_batches([loaded.to_arrow()])
            names = ["" if c is None else str(c) for c in row][: table.num_columns]
            return table, names, r
        if r + 1 < len(rows):
            names = _two_row_names(row, rows[r + 1])
            if names is not None:
                loaded = reader.load_sheet(index, header_row=r + 1, schema_sample_rows=None)
                table = pa.Table.from_batches([loaded.to_arrow()])
                return table, names[: table.num_columns], r + 1
    raise InputError(f"{path}: no month columns (JANUARI_BERAT, ... or a row of month names "
                     "above BERAT / TINGGI / TGL UKUR) in the first rows: is it a wide "
                     "register?")


def _table_names(data: Any) -> tuple[Any, list[str], bool]:
    """A table's column names as a wide register's; True when its first row is the field row
    of a two-row header (then skipped)."""
    names = table_columns(data)[0]
    if sum(month_field(c) is not None for c in names) >= 2:
        return data, list(names), False
    getter = table_columns(data)[1]
    first = [values_list(getter(c))[:1] for c in names]
    second = [f[0] if f else None for f in first]
    top = [None if n.startswith("Unnamed") or n.startswith("__UNNAMED") or n == "" else n
           for n in names]
    combined = _two_row_names(top, second)
    if combined is None:
        raise InputError("no month columns (JANUARI_BERAT, JANUARI_TINGGI, ... or a row of "
                         "month names above BERAT / TINGGI / TGL UKUR): is it a wide register?")
    return data, combined, True


def read_register(source: Any, *, sheet: str | int | None = None, year: int | None = None,
                  child: str | None = None, name: str | None = None,
                  birth_date: str | None = None, desa: str | None = None,
                  date_format: str | None = None) -> Register:
    """Read a wide monthly register (one row per child) into one row per weighing.

    Parameters
    ----------
    source : path or table
        An Excel/CSV/... file (any format :func:`zscore.io.read` reads; Excel with two header
        rows too) or a table (pandas, polars, Arrow, dict of columns).
    sheet : Excel sheet name or number, optional
    year : int, optional
        The register's year: ``periode`` for months whose date is missing (else from the date).
    child, name, birth_date, desa : column names, optional
        The columns that tell duplicate children (default: found by name: NIK, Nama Anak,
        Tanggal Lahir, Desa).
    date_format : str, optional
        How to read dates whose day/month order cannot be told (as in :func:`zscore.classify`).

    Returns
    -------
    Register
        ``weighings`` (one row per child and month with a value), ``duplicates``.

    Examples
    --------
    >>> import zscore
    >>> wide = {"NIK": ["3201", "3202"], "JK": ["L", "P"],
    ...         "JANUARI_BERAT": [8.1, None], "JANUARI_TINGGI": [70.0, None],
    ...         "FEBRUARI_BERAT": [8.4, 9.0], "FEBRUARI_TINGGI": [71.1, 75.2]}
    >>> long = zscore.read_register(wide, year=2025).weighings
    >>> long[["NIK", "periode", "Berat Badan (kg)"]].values.tolist()
    [['3201', '2025-01', 8.1], ['3201', '2025-02', 8.4], ['3202', '2025-02', 9.0]]
    """
    import pandas as pd

    skip_first = False
    if isinstance(source, str | Path):
        path = Path(source)
        from .. import io

        fmt = io.format_of(path) if str(source) != io.STDIO else None
        if fmt is not None and fmt.name == "excel":
            if not path.exists():
                raise InputError(f"{path}: no such file")
            table, names, _ = _excel(path, sheet)
        else:  # a text file, Stata, SPSS, Parquet ... or standard input
            ds = io.read(str(source) if fmt is None else path, sheet=sheet)
            table, names, skip_first = _table_names(ds.values)
    else:
        table, names, skip_first = _table_names(source)
    columns, getter, n = table_columns(table)
    cells = {i: [None if isinstance(v, str) and not v.strip() else v
                 for v in values_list(getter(c))] for i, c in enumerate(columns)}
    start = 1 if skip_first else 0
    nrows = n - start
    wide_of: dict[int, dict[str, int]] = {}
    read_as: dict[str, tuple[int, str]] = {}
    child_cols: list[int] = []
    output = dict(OUTPUT)
    for i, nm in enumerate(names):
        mf = month_field(nm) or _month_other(nm)
        if mf is None:
            if nm:
                child_cols.append(i)
            continue
        if mf[1] not in output:  # a month's column zscore has no name for: kept as written
            output[mf[1]] = mf[1]
        if mf[1] in wide_of.setdefault(mf[0], {}):
            raise InputError(f"columns {names[wide_of[mf[0]][mf[1]]]!r} and {nm!r} both hold "
                             f"{mf[1]} for month {mf[0]}: rename one")
        wide_of[mf[0]][mf[1]] = i
        read_as[nm] = mf
    child_names = [names[i] for i in child_cols]
    kinds = [k for k in _FIELD_ORDER if any(k in f for f in wide_of.values())]
    kinds += list(dict.fromkeys(k for m in sorted(wide_of) for k in wide_of[m]
                                if k not in _FIELD_ORDER))
    clash = [c for c in (*(output[k] for k in kinds), "bulan", "periode", "register_row")
             if c in child_names]
    if clash:
        raise InputError(f"the register already has columns {clash}, which the long table "
                         "adds: rename them")
    # the dates, read once for the whole register (their day/month order decided together)
    day_of: dict[int, np.ndarray] = {}
    date_cols = {m: f["date"] for m, f in wide_of.items() if "date" in f}
    if date_cols:
        prepared = {names[i]: dates.prepare(np.array(cells[i][start:], dtype=object))
                    for i in date_cols.values()}
        # the birth dates (15/03/2023) tell the order too, as in zscore.classify
        birth = _birth_column(pd.DataFrame({names[i]: cells[i][start:] for i in child_cols}),
                              birth_date)
        known = dict(prepared)
        if birth is not None and birth not in known:
            known[birth] = dates.prepare(np.array(cells[child_cols[child_names.index(birth)]]
                                                  [start:], dtype=object))
        order = dates.day_month_order(known, date_format)
        for m, i in date_cols.items():
            day_of[m] = dates.to_days(prepared[names[i]], order)
    records: dict[str, list] = {c: [] for c in (*child_names, "bulan", "periode",
                                                *(output[k] for k in kinds), "register_row")}
    for r in range(nrows):
        row = start + r
        for m in sorted(wide_of):
            spec = wide_of[m]
            got = {k: cells[i][row] for k, i in spec.items()}
            if all(v is None for v in got.values()):
                continue
            for ci, cname in zip(child_cols, child_names, strict=True):
                records[cname].append(cells[ci][row])
            records["bulan"].append(m)
            period = None
            if m in day_of and np.isfinite(day_of[m][r]):
                period = str(np.datetime64(int(day_of[m][r]), "D").astype("datetime64[M]"))
            elif year is not None:
                period = f"{int(year):04d}-{m:02d}"
            records["periode"].append(period)
            for k in kinds:
                records[output[k]].append(got.get(k))
            records["register_row"].append(r)
    for k in ("weight", "lenhei", "age", "armc", "headc"):
        if k in kinds:  # numbers typed as text in Excel, often with a decimal comma ("9,9")
            records[output[k]] = [_number(v) for v in records[output[k]]]
    for c, values in records.items():
        # a month's cells typed as numbers in some rows and as text in others (9.5 and "9,9"):
        # the column as text, so that it is one column (the tools read "9,9" as 9.9)
        types = {type(v) for v in values if v is not None}
        if str in types and len(types) > 1:
            records[c] = [v if v is None or isinstance(v, str) else text_key(v)
                          for v in values]
    weighings = pd.DataFrame(records)
    for c in weighings.columns:
        if weighings[c].dtype == object:
            weighings[c] = weighings[c].astype(object)
    child_table = pd.DataFrame({cname: cells[ci][start:] for ci, cname in zip(
        child_cols, child_names, strict=True)})
    duplicates = _duplicates(child_table, child, name, birth_date, desa)
    return Register(weighings, duplicates, read_as, child_names)


def _birth_column(children: Any, birth_date: str | None) -> str | None:
    """The child's birth-date column, if the resolver finds one (else None)."""
    from ..resolve import resolve

    if not len(children.columns):
        return None
    try:
        found = resolve(children, {"birth_date": birth_date} if birth_date else {},
                        args=("birth_date",))
    except InputError:
        return None
    f = found.found.get("birth_date")
    return f.column if f is not None else None


def _duplicates(children: Any, child: str | None, name: str | None, birth_date: str | None,
                desa: str | None) -> Any:
    """Children listed twice: the same NIK, or the same name, birth date and village."""
    import pandas as pd

    out_columns = ["register_row", "duplicate_of", "reason", "key"]
    if not len(children.columns):
        return pd.DataFrame(columns=out_columns)
    found = find_programme(children, {"child": child, "name": name, "desa": desa},
                           required=("child", "name"), optional=("desa",))
    from ..resolve import resolve

    births = resolve(children, {"birth_date": birth_date} if birth_date else {},
                     args=("birth_date",))
    rows = []
    seen: dict[Any, int] = {}
    if "child" in found.found:
        for r, v in enumerate(values_list(found.found["child"].values)):
            key = text_key(v)
            if key is None:
                continue
            if key in seen:
                rows.append((r, seen[key], "same NIK", key))
            else:
                seen[key] = r
    if {"name"} <= set(found.found) and "birth_date" in births.found:
        names = [text_key(v) for v in values_list(found.found["name"].values)]
        prepared = dates.prepare(births.found["birth_date"].values)
        try:
            born = dates.to_days(prepared, dates.day_month_order({"b": prepared}, None))
        except InputError:
            born = dates.to_days(prepared, "dmy")
        village = ([text_key(v) for v in values_list(found.found["desa"].values)]
                   if "desa" in found.found else [None] * len(names))
        again = {r for r, *_ in rows}
        by_person: dict[tuple, int] = {}
        for r, (nm, b, v) in enumerate(zip(names, born.tolist(), village, strict=True)):
            if nm is None or not np.isfinite(b):
                continue
            key = (nm.casefold(), b, (v or "").casefold())
            if key in by_person:
                if r not in again:
                    day = str(np.datetime64(int(b), "D"))
                    rows.append((r, by_person[key], "same name, birth date and village",
                                 f"{nm} / {day} / {v or ''}"))
            else:
                by_person[key] = r
    rows.sort()
    return pd.DataFrame(rows, columns=out_columns)
