"""Reading and writing measurement files for the command line: CSV and Parquet.

With pyarrow installed (``pip install zscore-who[arrow]``) files are read and written by
pyarrow, column types inferred, many millions of rows per second; without it CSV goes through
the standard library (values stay text; :func:`zscore.classify` parses them).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np

from .frames import InputError


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _csv_delimiter(path: Path) -> str:
    """',' unless the header line has semicolons and no commas (spreadsheets saved with a
    decimal comma, common in Indonesia and much of Europe, write ';')."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    return ";" if ";" in header and "," not in header else ","


def read_table(path: str | Path) -> Any:
    """A pyarrow Table (pyarrow installed) or a dict of object arrays (standard library)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            if not _has_pyarrow():
                raise InputError("reading Parquet needs pyarrow: pip install zscore-who[arrow]")
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix not in (".csv", ".txt", ".tsv"):
            raise InputError(f"{path}: expected a .csv, .tsv or .parquet file")
        delimiter = "\t" if suffix == ".tsv" else _csv_delimiter(path)
        if _has_pyarrow():
            import pyarrow.csv as pacsv

            return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter))
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            if not header:
                raise InputError(f"{path}: the file is empty")
            rows = list(reader)
        columns = {name: np.empty(len(rows), dtype=object) for name in header}
        for j, name in enumerate(header):
            columns[name][:] = [row[j] if j < len(row) else "" for row in rows]
        return columns
    except InputError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read: {exc}") from exc
    except Exception as exc:  # pyarrow's parse errors
        if type(exc).__module__.startswith("pyarrow"):
            raise InputError(f"{path}: cannot be read: {exc}") from exc
        raise


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    return str(value)


def write_table(table: Any, path: str | Path) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if isinstance(table, dict):
        if suffix == ".parquet":
            raise InputError("writing Parquet needs pyarrow: pip install zscore-who[arrow]")
        names = list(table)
        columns = [np.asarray(table[n], dtype=object) for n in names]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter="\t" if suffix == ".tsv" else ",")
            writer.writerow(names)
            for i in range(len(columns[0]) if columns else 0):
                writer.writerow([_text(c[i]) for c in columns])
        return
    import pyarrow as pa

    # dictionary (category) columns as plain text, for any CSV reader
    fields = [pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
              for f in table.schema]
    table = table.cast(pa.schema(fields))
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path, pacsv.WriteOptions(
            delimiter="\t" if suffix == ".tsv" else ",", quoting_style="needed"))
