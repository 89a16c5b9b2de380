"""Reading and writing measurement files for the command line: CSV and Parquet.

With pyarrow installed (``pip install zscore-who[arrow]``) files are read and written by
pyarrow, column types inferred, many millions of rows per second; without it CSV goes through
the standard library (values stay text; :func:`zscore.classify` parses them). Both paths accept
and refuse the same files: UTF-8 text, one header line with distinct names, every row with as
many fields as the header; a problem is one :class:`~zscore.frames.InputError` naming the line.
A semicolon-separated file is one saved with a decimal comma: ``9,1`` in it is read as 9.1.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .frames import InputError

#: File endings read and written; .txt is read and written as comma-separated CSV.
SUFFIXES = (".csv", ".tsv", ".txt", ".parquet")
#: A number written with a decimal comma ("9,1", "-0,5", ",5"), as a whole field.
_DECIMAL_COMMA = re.compile(r"\s*[-+]?(?:\d+,\d*|,\d+)\s*")
_UTF8_HINT = "save it as UTF-8 (in Excel: 'CSV UTF-8')"


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


def _decimal_point(value: str) -> str:
    """'9,1' -> '9.1' when the whole field is a number written with a decimal comma."""
    return value.replace(",", ".") if _DECIMAL_COMMA.fullmatch(value) else value


def _first_non_utf8_line(path: Path) -> int | None:
    """The number of the first line that is not UTF-8 text, or None."""
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _not_utf8(path: Path) -> InputError:
    line = _first_non_utf8_line(path)
    where = f"line {line} is" if line is not None else "it is"
    return InputError(f"{path}: {where} not UTF-8 text (perhaps Latin-1 or Windows-1252); "
                      f"{_UTF8_HINT}")


def _check_header(path: Path, header: list[str]) -> None:
    repeated = [name for name, count in Counter(header).items() if count > 1]
    if repeated:
        raise InputError(f"{path}: column {repeated[0]!r} appears {header.count(repeated[0])} "
                         "times in the header; give each column its own name")


def _csv_rows(path: Path, delimiter: str) -> Iterator[list[str]]:
    """The header, then every non-blank row, checked: UTF-8, distinct names in the header, as
    many fields in each row as in the header."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            if not header:
                raise InputError(f"{path}: the file is empty")
            _check_header(path, header)
            yield header
            for row in reader:
                if not row:  # a blank line, skipped (as pyarrow does)
                    continue
                if len(row) != len(header):
                    text = delimiter.join(row)
                    raise InputError(
                        f"{path}: line {reader.line_num} has {len(row)} fields, the header has "
                        f"{len(header)}: {text[:60]!r}"
                    )
                yield row
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num} cannot be read: {exc}") from exc


def _read_csv_stdlib(path: Path, delimiter: str) -> dict[str, np.ndarray]:
    rows = _csv_rows(path, delimiter)
    header = next(rows)
    body = list(rows)
    columns = {}
    for j, name in enumerate(header):
        values = [row[j] for row in body]
        if delimiter == ";":
            values = [_decimal_point(v) if "," in v else v for v in values]
        column = np.empty(len(values), dtype=object)
        column[:] = values
        columns[name] = column
    return columns


def _locate_problem(path: Path, delimiter: str) -> None:
    """Raise the precise InputError (with its line) for a file pyarrow could not read."""
    for _ in _csv_rows(path, delimiter):
        pass


def _read_csv_arrow(path: Path, delimiter: str) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(decimal_point="," if delimiter == ";" else "."),
        )
    except pa.ArrowInvalid as exc:
        _locate_problem(path, delimiter)  # the same message as without pyarrow, with the line
        raise InputError(f"{path}: cannot be read: {exc}") from exc
    if any(pa.types.is_binary(t) or pa.types.is_large_binary(t) for t in table.schema.types):
        raise _not_utf8(path)  # pyarrow keeps text that is not UTF-8 as bytes
    _check_header(path, table.column_names)
    if delimiter == ";":  # numbers in a column that also holds text ("9,1" next to "abc")
        for i, field in enumerate(table.schema):
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                column = table.column(i)
                comma = pc.match_substring_regex(column, "^" + _DECIMAL_COMMA.pattern + "$")
                if pc.any(comma).as_py():
                    column = pc.if_else(comma, pc.replace_substring(column, ",", "."), column)
                    table = table.set_column(i, field, column)
    return table


def read_table(path: str | Path) -> Any:
    """A pyarrow Table (pyarrow installed) or a dict of object arrays (standard library)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: expected a .csv, .tsv or .parquet file")
    try:
        if suffix == ".parquet":
            if not _has_pyarrow():
                raise InputError("reading Parquet needs pyarrow: pip install zscore-who[arrow]")
            import pyarrow.parquet as pq

            return pq.read_table(path)
        delimiter = "\t" if suffix == ".tsv" else _csv_delimiter(path)
        if _has_pyarrow():
            return _read_csv_arrow(path, delimiter)
        return _read_csv_stdlib(path, delimiter)
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read: {exc}") from exc
    except Exception as exc:  # pyarrow's other errors
        if type(exc).__module__.startswith("pyarrow"):
            raise InputError(f"{path}: cannot be read: {exc}") from exc
        raise


def check_output(path: str | Path) -> None:
    """Raise InputError unless ``path`` can be written: a known file ending, an existing
    directory, pyarrow for Parquet. Meant to run before any work is done."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: the output must end in .csv, .tsv or .parquet")
    if suffix == ".parquet" and not _has_pyarrow():
        raise InputError("writing Parquet needs pyarrow: pip install zscore-who[arrow]")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{path}: the folder {str(folder)!r} is not writable")


def _text(value: Any) -> str:
    """A value as CSV text, as pyarrow writes it: missing empty, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


def _write(table: Any, path: Path, suffix: str) -> None:
    delimiter = "\t" if suffix == ".tsv" else ","
    if isinstance(table, dict):
        if suffix == ".parquet":
            raise InputError("writing Parquet needs pyarrow: pip install zscore-who[arrow]")
        names = list(table)
        columns = [np.asarray(table[n], dtype=object) for n in names]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
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

        pacsv.write_csv(table, path, pacsv.WriteOptions(delimiter=delimiter,
                                                        quoting_style="needed"))


def write_table(table: Any, path: str | Path) -> None:
    """Write a pyarrow Table or a dict of arrays as CSV/TSV (by the file ending) or Parquet.

    The file appears whole or not at all: it is written next to ``path`` under a temporary name
    and renamed when complete."""
    path = Path(path)
    check_output(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        _write(table, partial, path.suffix.lower())
        os.replace(partial, path)
    except InputError:
        raise
    except Exception as exc:
        if not (isinstance(exc, OSError) or type(exc).__module__.startswith("pyarrow")):
            raise
        raise InputError(f"{path}: cannot be written: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
