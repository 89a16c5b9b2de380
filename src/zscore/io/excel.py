"""Excel workbooks (.xlsx, .xlsm, .xls, .xlsb) and OpenDocument sheets (.ods).

Read with fastexcel (the calamine Rust reader, Arrow out; several times faster than openpyxl,
see docs/cli.md): the header row is found below any title rows (a puskesmas report's
"KABUPATEN: ..." lines), every cell keeps its type (text stays text: an id ``007`` or a NIK
typed as text is never turned into a number; a column mixing numbers and text is read as text),
and real date cells are dates. Written with XlsxWriter: text as text, numbers as numbers, dates
as dates, empty cells for missing values.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import Dataset, check_names
from .header import SEARCH_ROWS, find_header
from .text import decimal_points

#: Excel's last row (1,048,576) less the header, and the most characters in a cell.
MAX_ROWS = 1_048_575
MAX_CELL = 32_767


def longest_text(table: Any, limit: int = MAX_CELL) -> tuple[str, int] | None:
    """A text column with a value longer than ``limit`` characters, and that length."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for f in table.schema:
        kind = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            column = table.column(f.name)
            if pa.types.is_dictionary(f.type):
                column = column.cast(kind)
            size = pc.max(pc.utf8_length(column)).as_py()
            if size is not None and size > limit:
                return f.name, size
    return None


def _sheet_index(names: list[str], sheet: str | int | None, source: str) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()
                                  and sheet not in names):
        k = int(sheet)
        if 1 <= k <= len(names):
            return k - 1
        raise InputError(f"{source}: --sheet {sheet}: the workbook has {len(names)} sheets "
                         f"({', '.join(map(repr, names))}); give a name or 1 to {len(names)}")
    for i, name in enumerate(names):
        if name == sheet:
            return i
    for i, name in enumerate(names):
        if name.strip().casefold() == str(sheet).strip().casefold():
            return i
    raise InputError(f"{source}: no sheet {sheet!r}; the workbook has "
                     f"{', '.join(map(repr, names))}")


def read(src: Path | bytes, *, source: str, sheet: Any = None,
         names: tuple[str, ...] = ()) -> Dataset:
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # its notes on column types
    try:
        reader = fastexcel.read_excel(src if isinstance(src, bytes) else str(src))
    except Exception:
        if isinstance(src, bytes):
            raise
        reader = fastexcel.read_excel(src.read_bytes())  # the format by content, not by name
    sheets = list(reader.sheet_names)
    if not sheets:
        raise InputError(f"{source}: the workbook has no sheets")
    index = _sheet_index(sheets, sheet, source)
    # skip_rows=0: row numbers from the sheet's first row (fastexcel skips leading blank rows
    # otherwise, while header_row counts them)
    peek = reader.load_sheet(index, header_row=None, skip_rows=0, n_rows=SEARCH_ROWS,
                             dtypes="string")
    rows = [list(r.values()) for r in peek.to_arrow().to_pylist()]
    if not rows:
        raise InputError(f"{source}: sheet {sheets[index]!r} is empty")
    header = find_header(rows, names)
    header_cells = ["" if c is None else str(c) for c in rows[header]]
    while header_cells and header_cells[-1] == "":
        header_cells.pop()
    check_names([c for c in header_cells if c], f"{source} (sheet {sheets[index]!r})")
    loaded = reader.load_sheet(index, header_row=header, schema_sample_rows=None)
    import pyarrow as pa

    table = pa.Table.from_batches([loaded.to_arrow()])
    table = _named_as_in_sheet(table, header_cells)
    notes = []
    if len(sheets) > 1:
        others = ", ".join(repr(n) for i, n in enumerate(sheets) if i != index)
        notes.append(f"read sheet {sheets[index]!r} (the workbook also has {others}; --sheet "
                     "chooses)")
    if header:
        notes.append(f"the column names are on row {header + 1} of sheet {sheets[index]!r}; "
                     "the rows above are skipped")
    ds = Dataset(table, source, "excel", notes, sheet=index, header_row=header,
                 raw=src if isinstance(src, bytes) else None)
    ds.parse_table, ds.decimal_comma = decimal_points(_text_columns(table))
    if ds.parse_table is not None:
        ds.parse_table = _merge(table, ds.parse_table)
    return ds


def _named_as_in_sheet(table: Any, header: list[str]) -> Any:
    """fastexcel names an empty header cell ``__UNNAMED__k``; the output keeps the sheet's own
    (empty) name only when it is unique, so such columns keep fastexcel's name."""
    names = list(table.column_names)
    for i, name in enumerate(header[: len(names)]):
        if name and names[i] != name:
            names[i] = name
    return table.rename_columns(names)


def _text_columns(table: Any) -> Any:
    import pyarrow as pa

    keep = [i for i, f in enumerate(table.schema) if pa.types.is_string(f.type)
            or pa.types.is_large_string(f.type)]
    return table.select(keep)


def _merge(table: Any, fixed: Any) -> Any:
    for name in fixed.column_names:
        table = table.set_column(table.column_names.index(name), name, fixed.column(name))
    return table


def write(table: Any, path: Path, *, like: Dataset | None = None,
          progress: Callable[[int], None] | None = None, name: str = "") -> None:
    import datetime
    import math

    import pyarrow as pa
    import xlsxwriter

    if table.num_rows > MAX_ROWS:
        raise InputError(f"{name or path}: Excel holds at most {MAX_ROWS:,} rows, the output has "
                         f"{table.num_rows:,}; write .parquet, .csv or .dta instead")
    from .text import plain_columns

    table = plain_columns(table)
    longest = longest_text(table)
    if longest is not None:
        column, size = longest
        raise InputError(f"{name or path}: a cell of column {column!r} holds {size:,} "
                         f"characters; Excel holds at most {MAX_CELL:,}; write .csv or .parquet")
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False,
                                               "nan_inf_to_errors": False})
    try:
        sheet = workbook.add_worksheet("zscore")
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        bold = workbook.add_format({"bold": True})
        for j, column in enumerate(table.column_names):
            sheet.write_string(0, j, column, bold)
        sheet.freeze_panes(1, 0)
        kinds = [f.type for f in table.schema]
        # a CSV input's columns are text as read; in a workbook a number is a number cell
        from_text = like is not None and like.format == "csv"
        source_columns = set(like.table.column_names) if like is not None else set()
        numeric_text = [from_text and name in source_columns for name in table.column_names]
        cells = _source_cells(like, table) if like is not None else {}
        row = 1
        for batch in table.to_batches(max_chunksize=1 << 16):
            columns = [batch.column(j).to_pylist() if table.column_names[j] not in cells
                       else cells[table.column_names[j]][row - 1: row - 1 + batch.num_rows]
                       for j in range(batch.num_columns)]
            for i in range(batch.num_rows):
                for j, values in enumerate(columns):
                    v = values[i]
                    if v is None:
                        continue
                    if isinstance(v, str):
                        number = as_number(v) if numeric_text[j] else None
                        if number is not None:
                            sheet.write_number(row, j, number)
                        else:
                            sheet.write_string(row, j, v)
                    elif isinstance(v, bool):
                        sheet.write_boolean(row, j, v)
                    elif isinstance(v, int | float):
                        if isinstance(v, float) and not math.isfinite(v):
                            if math.isnan(v):
                                continue
                            sheet.write_string(row, j, "inf" if v > 0 else "-inf")
                        else:
                            sheet.write_number(row, j, v)
                    elif isinstance(v, datetime.datetime):
                        sheet.write_datetime(row, j, v.replace(tzinfo=None), time_format)
                    elif isinstance(v, datetime.date):
                        sheet.write_datetime(row, j, datetime.datetime(v.year, v.month, v.day),
                                             date_format)
                    elif pa.types.is_binary(kinds[j]):
                        sheet.write_string(row, j, bytes(v).decode("utf-8", "replace"))
                    else:
                        sheet.write_string(row, j, str(v))
                row += 1
            if progress is not None:
                progress(batch.num_rows)
    finally:
        workbook.close()


def _source_cells(like: Dataset, table: Any) -> dict[str, list]:
    """The cells of an Excel input's text columns as the workbook typed them: a column that
    mixes numbers or dates with text is text in the table (one type per column), but an Excel
    output writes each cell back as it was (a date stays a date, a number a number)."""
    import pyarrow as pa

    if like.format != "excel" or like.sheet is None:
        return {}
    text = [f.name for f in like.table.schema if pa.types.is_string(f.type)
            and f.name in table.column_names]
    if not text:
        return {}
    import python_calamine

    try:
        import io as _io

        book = (python_calamine.CalamineWorkbook.from_filelike(_io.BytesIO(like.raw))
                if like.raw is not None else
                python_calamine.CalamineWorkbook.from_path(like.source))
        sheet = book.get_sheet_by_index(like.sheet)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:
        return {}
    header = like.header_row or 0
    names = [str(c) if c is not None else "" for c in rows[header]] if len(rows) > header else []
    body = rows[header + 1:]
    while body and all(c in (None, "") for c in body[-1]):
        body.pop()
    if len(body) != like.table.num_rows:
        return {}
    out = {}
    for name in text:
        if name not in names:
            continue
        j = names.index(name)
        values = [r[j] if j < len(r) else None for r in body]
        out[name] = [None if v == "" else v for v in values]
    return out


_PLAIN_NUMBER = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d{1,15})?")


def as_number(text: str) -> float | None:
    """The number a CSV field is, when writing it as a number cell loses nothing: plain decimal
    text that reads back the same ("12.5", "-3", "105"), at most 15 digits before the point;
    "007", "12.50", "1e5", a 16-digit NIK and "+62..." stay text."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    value = float(text)
    if value == 0 and text.startswith("-"):
        return None  # "-0" stays as it was written
    shown = repr(value)
    shown = shown[:-2] if shown.endswith(".0") else shown
    return value if shown == text and math.isfinite(value) else None
