"""CSV and TSV files, as spreadsheets and survey tools write them.

Read with pyarrow, every column as its exact text (``007``, ``+628123``, ``NA``, ``105.0`` and
an empty field stay what they are); zscore parses the columns it reads. What is detected:

* the encoding: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
  "Unicode text"), else Windows-1252 (Excel's "CSV" on Windows), or Latin-1 where Windows-1252
  leaves a byte undefined; a note says which was used when it is not UTF-8;
* the delimiter: the one of ``,`` ``;`` tab ``|`` the header line has most of (``.tsv``: tab);
* the header line: the first lines of a report (``KABUPATEN: ...``) are skipped when a later
  line holds the column names;
* decimal commas: in a ``;``, tab or ``|`` file, a field that is a number written with a
  decimal comma (``9,1``) is read as that number; in a ``,`` file, where such a field is
  quoted (``"9,1"``, as Google Sheets in a decimal-comma locale writes it), the same except
  a comma followed by exactly three digits (``"1,250"``: perhaps thousands); the output keeps
  the field as it was.

A structural problem is one InputError with the line: a row with too many or too few fields, a
quote that is never closed, a repeated column name.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import Dataset
from .header import find_header

DELIMITERS = (",", ";", "\t", "|")
UNCLOSED = ('a quote (") is opened and never closed, so the rest of the file would be read as '
            "one field; close the quote or remove it")
#: A number written with a decimal comma ("9,1", "-0,5", ",5"), as a whole field.
DECIMAL_COMMA = re.compile(r"\s*[-+]?(?:\d+,\d*|,\d+)\s*")
#: The same in a ``,`` file, where the field was quoted: not "1,250" (perhaps thousands).
#: A column of a ``,`` file with only these (and empty fields) is one of decimal commas.
COMMA_NUMBERS = r"^\s*[-+]?(?:\d+(?:,\d*)?|,\d+)\s*$"
COMMA_FILE_DECIMAL = re.compile(r"\s*[-+]?(?:\d+,(?:\d{1,2}|\d{4,})|,\d+)\s*")
_SAMPLE = 1 << 20
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a field of any size (pyarrow reads them too)


def _open_bytes(src: Path | bytes) -> Any:
    if isinstance(src, bytes):
        return io.BytesIO(gzip.decompress(src) if src[:2] == b"\x1f\x8b" else src)
    if src.name.lower().endswith(".gz"):
        return gzip.open(src, "rb")
    return open(src, "rb")


def _sample(src: Path | bytes) -> bytes:
    with _open_bytes(src) as fh:
        return fh.read(_SAMPLE)


def _encoding(sample: bytes) -> tuple[str, str | None]:
    """(Python codec, note) for the text."""
    if sample[:3] == codecs.BOM_UTF8:
        return "utf-8-sig", None
    if sample[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16", "read as UTF-16 text (Excel's 'Unicode text')"
    try:
        sample.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) == _SAMPLE:
            return "utf-8", None  # a character cut by the end of the sample
    return _single_byte(sample)


def _single_byte(sample: bytes) -> tuple[str, str]:
    """Windows-1252 (what Excel's "CSV" saves on Windows), or Latin-1 when a byte Windows-1252
    leaves undefined appears. charset-normalizer was measured and not used: on short Windows-1252
    samples of names it named Mac and Baltic code pages and garbled them (docs/design.md)."""
    try:
        sample.decode("cp1252")
        return "cp1252", "not UTF-8: read as Windows-1252 text (Excel's 'CSV' on Windows)"
    except UnicodeDecodeError:
        return "latin-1", "not UTF-8: read as Latin-1 text"


def _delimiter(first_lines: list[str], suffix: str) -> str:
    """The delimiter most of the first lines agree on: for each of ``, ; tab |``, the share of
    lines with its usual number of fields (a ``;`` file's decimal commas, or semicolons in a
    note, split some lines but not the header and the others alike), then the most fields."""
    if suffix in (".tsv", ".tab", ".tsv.gz"):
        return "\t"
    lines = [ln for ln in first_lines if ln.strip()][:20]
    best, key = ",", (0.0, 0)
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d) if r]
        wide = [c for c in counts if c > 1]
        if not wide:
            continue
        usual = max(set(wide), key=lambda c: (wide.count(c), c))
        score = (sum(c == usual for c in counts) / len(counts), usual)
        if score > key:
            best, key = d, score
    return best


def _all_utf8(src: Path | bytes) -> bool:
    """Whether the whole file is UTF-8 (read in blocks; a character may span two)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with _open_bytes(src) as fh:
        try:
            for block in iter(lambda: fh.read(8 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _first_bad_line(src: Path | bytes) -> int | None:
    with _open_bytes(src) as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _locate(src: Path | bytes, encoding: str, delimiter: str, skip: int, width: int,
            source: str) -> InputError | None:
    """The precise error (with its line) for a file pyarrow refused."""
    with _open_bytes(src) as fh:
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        end = 0  # the line the last record read ended on
        try:
            for row in reader:
                if reader.line_num <= skip or not row:
                    end = reader.line_num
                    continue
                if len(row) != width:
                    shown = delimiter.join(row)
                    return InputError(f"{source}: line {reader.line_num} has {len(row)} fields, "
                                      f"the header has {width}: {shown[:60]!r}")
                end = reader.line_num
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):  # the record from line end + 1 on
                return InputError(f"{source}: line {end + 1}: {UNCLOSED}")
            return InputError(f"{source}: line {reader.line_num} cannot be read: {exc}")
    return None


@dataclass
class Layout:
    """What the top of a text file says about the whole: its encoding, delimiter, header."""

    source: str
    sample: bytes
    encoding: str
    delimiter: str
    names: list[str]
    skip: int  # lines up to the end of the header record
    header_only: bool
    notes: list[str]


def layout(src: Path | bytes, source: str, names: tuple[str, ...] = ()) -> Layout:
    """Read the top of the file: encoding, delimiter, the header row (below any title rows)."""
    suffix = "".join(Path(source).suffixes[-2:]).lower() if source != "-" else ""
    suffix = suffix if suffix.endswith(".gz") else Path(source).suffix.lower()
    sample = _sample(src)
    encoding, note = _encoding(sample)
    if encoding != "utf-16" and b"\x00" in sample:
        raise InputError(f"{source}: not a text file (it holds NUL bytes); if it is a "
                         "spreadsheet or a statistics file, give it its own ending (.xlsx, "
                         ".dta, .sav, .parquet)")
    text = sample.decode(encoding, errors="replace")
    whole = len(sample) < _SAMPLE  # the sample is the whole file
    lines = physical_lines(text)
    if not whole and lines:
        lines = lines[:-1] or lines  # the last line may be cut
    if not any(line.strip() for line in lines):
        raise InputError(f"{source}: the file has no header line")
    delimiter = _delimiter([ln for ln in lines if ln.strip()][:20], suffix)
    rows, ends = _first_records(lines, delimiter)
    index = find_header(rows, names)
    _check_top_quotes(lines, rows, ends, index, delimiter, source, whole)
    header = rows[index]
    notes = [note] if note else []
    if index and any(any(c.strip() for c in r) for r in rows[:index]):
        first = ends[index - 1] + 1 if index else 1  # a title may span lines
        notes.append(f"the column names are on line {first}; the lines above are skipped")
    from . import check_names

    check_names(header, source)
    header_only = len(rows) == index + 1 and whole and not any(
        line.strip() for line in lines[ends[index]:])
    # pyarrow skips lines, not records: the lines up to the end of the header record (a quoted
    # name or title over two lines is one record on two lines)
    return Layout(source, sample, encoding, delimiter, list(header), ends[index], header_only,
                  notes)


def _options(lay: Layout, encoding: str, block_size: int = 8 << 20) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return dict(
        read_options=pacsv.ReadOptions(skip_rows=lay.skip, column_names=lay.names,
                                       encoding="utf8" if encoding == "utf-8" else encoding,
                                       block_size=block_size),
        parse_options=pacsv.ParseOptions(delimiter=lay.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(lay.names, pa.string()), strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[], check_utf8=True))


def _input(src: Path | bytes) -> Any:
    import pyarrow as pa

    if isinstance(src, bytes):
        return io.BytesIO(gzip.decompress(src) if src[:2] == b"\x1f\x8b" else src)
    if src.name.lower().endswith(".gz"):
        return pa.input_stream(str(src), compression="gzip")
    return str(src)


def _refused(src: Path | bytes, lay: Layout, encoding: str, exc: Exception) -> Exception:
    """The error for a file pyarrow refused: :class:`Recode` when a line is not UTF-8 (read it
    again in a single-byte encoding), else the located structural problem."""
    if "invalid UTF8" in str(exc) and encoding == "utf-8":
        line = _first_bad_line(src)
        enc, _ = _single_byte(lay.sample if line is None else _line_bytes(src, line))
        return Recode(enc, f"line {line} is not UTF-8: the file is read as {enc} text")
    located = _locate(src, encoding, lay.delimiter, lay.skip, len(lay.names), lay.source)
    return located or InputError(f"{lay.source}: cannot be read: {exc}")


class Recode(Exception):
    """The file must be read again in another encoding (a line deep in it is not UTF-8)."""

    def __init__(self, encoding: str, note: str) -> None:
        super().__init__(note)
        self.encoding, self.note = encoding, note


def _empty(names: list[str]) -> Any:
    import pyarrow as pa

    return pa.table({n: pa.array([], pa.string()) for n in names})


def _dataset(table: Any, lay: Layout, encoding: str, notes: list[str]) -> Dataset:
    ds = Dataset(table, lay.source, "csv", notes, delimiter=lay.delimiter, encoding=encoding)
    ds.parse_table, ds.decimal_comma = decimal_points(table, lay.delimiter)
    return ds


def read(src: Path | bytes, *, source: str, sheet: Any = None,
         names: tuple[str, ...] = ()) -> Dataset:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if sheet is not None:
        raise InputError(f"{source}: --sheet is for Excel workbooks; this is a text file")
    lay = layout(src, source, names)
    notes = list(lay.notes)
    if lay.header_only:
        return Dataset(_empty(lay.names), source, "csv", notes, delimiter=lay.delimiter,
                       encoding=lay.encoding)
    encoding = lay.encoding
    try:
        table = pacsv.read_csv(_input(src), **_options(lay, encoding))
    except pa.ArrowInvalid as exc:
        problem = _refused(src, lay, encoding, exc)
        if not isinstance(problem, Recode):
            raise problem from None
        notes.append(problem.note)
        encoding = problem.encoding
        table = pacsv.read_csv(_input(src), **_options(lay, encoding))
    _check_unterminated(src, table, source, encoding)
    return _dataset(table, lay, encoding, notes)


def open_batches(src: Path, batch_rows: int, encoding: str | None = None,
                 notes: tuple[str, ...] = ()) -> Any:
    """The file as a stream.Source: tables of ``batch_rows`` rows, read as they are needed
    (pyarrow's streaming reader), with the same layout and checks as :func:`read`. A line that
    is not UTF-8 raises :class:`Recode` (the caller starts again with that encoding)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..stream import Source

    lay = layout(src, str(src))
    notes = tuple(notes)
    if encoding is None and lay.encoding == "utf-8" and len(lay.sample) == _SAMPLE:
        # beyond the sample, a line that is not UTF-8 would make the file be read again from
        # the start after batches had been handed out: look once, at the speed of the disk
        line = _first_bad_line(src) if not _all_utf8(src) else None
        if line is not None:
            encoding, _ = _single_byte(_line_bytes(src, line))
            notes += (f"line {line} is not UTF-8: the file is read as {encoding} text",)
    encoding = encoding or lay.encoding
    empty = _empty(lay.names)
    ds = _dataset(empty, lay, encoding, [*lay.notes, *notes])
    ds.parse_table = None  # batches are parsed one by one (Dataset.values_of)

    def batches() -> Any:
        if lay.header_only:
            return
        last = None
        try:
            reader = pacsv.open_csv(_input(src), **_options(lay, encoding, 4 << 20))
            pending: list = []
            rows = 0
            for batch in reader:
                pending.append(batch)
                rows += batch.num_rows
                while rows >= batch_rows:
                    table = pa.Table.from_batches(pending, empty.schema)
                    last = table.slice(0, batch_rows)
                    yield last
                    rest = table.slice(batch_rows)
                    pending, rows = rest.to_batches(), rest.num_rows
            if rows:
                last = pa.Table.from_batches(pending, empty.schema)
                yield last
        except pa.ArrowInvalid as exc:
            raise _refused(src, lay, encoding, exc) from None
        if last is not None:
            _check_unterminated(src, last, lay.source, encoding)

    return Source(empty.schema, batches(), ds)


def physical_lines(text: str) -> list[str]:
    """The text's lines as a CSV reader counts them (pyarrow too): ended by CR LF, LF or CR
    only (``str.splitlines`` also breaks at form feeds, U+2028 and others, which are text)."""
    return io.StringIO(text, newline="").readlines()


#: Records read from the top of a file to find its header (title rows, blank lines).
TOP_RECORDS = 60


def _first_records(lines: list[str], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records of the lines and, for each, the number of lines up to its end."""
    reader = csv.reader(lines, delimiter=delimiter)
    rows, ends = [], []
    for row in reader:
        rows.append(row)
        ends.append(reader.line_num)
        if len(rows) == TOP_RECORDS:
            break
    return rows, ends or [0]


def _check_top_quotes(lines: list[str], rows: list[list[str]], ends: list[int], index: int,
                      delimiter: str, source: str, whole: bool) -> None:
    """A quote opened in the header or a title row above it and never closed swallows the rest
    of the lines read into one field: one error with its line, not a header of one column and
    no rows."""
    if not rows or ends[-1] < len(lines) or len(rows) - 1 > index:
        return  # the last record read ends before the lines do, or is a row below the header
    start = ends[-2] if len(rows) > 1 else 0
    if start >= len(lines) - 1 and '"' not in lines[start]:
        return  # a one-line record
    try:
        for _ in csv.reader(lines[start:], delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return
        if whole:
            raise InputError(f"{source}: line {start + 1}: {UNCLOSED}") from None
        raise InputError(f"{source}: line {start + 1}: a quote (\") opened there is not closed "
                         f"within the first {_SAMPLE >> 20} MiB of the file, so the header "
                         "cannot be found; close the quote or remove it") from None


def _line_bytes(src: Path | bytes, line: int) -> bytes:
    with _open_bytes(src) as fh:
        for number, raw in enumerate(fh, start=1):
            if number >= line:
                return raw + fh.read(1 << 16)
    return b""


_BREAK = re.compile(r"\r\n|\r|\n")


def _check_unterminated(src: Path | bytes, table: Any, source: str, encoding: str) -> None:
    """A quote never closed swallows the rest of the file into its field: refuse it (the last
    field then runs to the end of the file, holding line breaks, and the file does not end with
    a quote)."""
    if table.num_rows == 0 or table.num_columns == 0:
        return
    last = table.column(table.num_columns - 1)[table.num_rows - 1].as_py()
    if not isinstance(last, str) or ("\n" not in last and "\r" not in last):
        return
    with _open_bytes(src) as fh:
        if isinstance(src, Path):
            size = src.stat().st_size if not src.name.lower().endswith(".gz") else None
            if size is not None and size > 4096:
                fh.seek(size - 4096)
        tail = fh.read()
    if not tail.rstrip(b"\r\n\x00").endswith(b'"'):
        with _open_bytes(src) as fh2:
            if encoding == "utf-16":  # two bytes a character: count the characters
                total = len(_BREAK.findall(fh2.read().decode("utf-16", errors="replace")))
            else:
                total = _count_breaks(fh2)
        inside = len(physical_lines(last)) - (not last.endswith(("\n", "\r")))
        start = total - inside + 1  # the line the quoted field starts on
        raise InputError(f"{source}: line {start}: {UNCLOSED}")


def _count_breaks(fh: Any) -> int:
    """Line breaks (CR LF, LF or CR) in a binary file."""
    total, cr_before = 0, False
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        total += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if cr_before and chunk.startswith(b"\n"):
            total -= 1  # a CR LF cut between two chunks
        cr_before = chunk.endswith(b"\r")
    return total


def decimal_points(table: Any, delimiter: str = ";") -> tuple[Any, bool]:
    """A copy of a table where every field that is a number with a decimal comma has a decimal
    point instead (the table itself keeps the text as read), and whether there was one.

    In a ``,`` file such a field was quoted (a spreadsheet in a decimal-comma locale, such as
    Google Sheets set to Indonesia, quotes ``"9,1"``); there a comma followed by exactly three
    digits (``"1,250"``) may be a thousands separator, so only other numbers are read: each
    field on its own, so a row reads the same in any batch. And there a free-text field that
    happens to read "3,5" does not make the file one of decimal commas (the output's style):
    that takes a column of numbers (whole or with a decimal comma, none with a point) with
    at least one decimal comma."""
    import pyarrow.compute as pc

    comma_file = delimiter == ","
    pattern = "^" + (COMMA_FILE_DECIMAL if comma_file else DECIMAL_COMMA).pattern + "$"
    out, fixed_any, style = table, False, False
    for i, name in enumerate(table.column_names):
        column = table.column(i)
        comma = pc.match_substring_regex(column, pattern)
        found = pc.sum(comma).as_py() or 0
        if found:
            fixed = pc.if_else(comma, pc.replace_substring(column, ",", "."), column)
            out = out.set_column(i, name, fixed)
            fixed_any = True
            style = style or not comma_file or pc.all(pc.or_(
                pc.match_substring_regex(column, COMMA_NUMBERS),
                pc.equal(pc.utf8_trim_whitespace(column), ""))).as_py() is not False
    return (out if fixed_any else None), style


class CsvWriter:
    """CSV (TSV when ``name`` ends in .tsv; gzip'd when it ends in .gz) written a table at a
    time, the header once, with the input's delimiter and encoding; computed decimals with a
    decimal comma when the input used them. ``path``: a file, or a binary stream (standard
    output, always UTF-8)."""

    def __init__(self, path: Any, *, like: Dataset | None = None, name: str = "") -> None:
        import pyarrow.csv as pacsv

        lower = name.lower()
        if lower.removesuffix(".gz").endswith((".tsv", ".tab")):
            delimiter = "\t"
        elif like is not None and like.format == "csv":
            delimiter = like.delimiter
        else:
            delimiter = ","
        self.like = like
        self.own = set(like.table.column_names) if like is not None else set()
        self.commas: bool | None = None  # decided at the first table (see write)
        self.delimiter = delimiter
        self.gzipped = lower.endswith(".gz") and isinstance(path, Path)
        # gzip at gzip's own default level, 6 (pyarrow's stream uses 9: 2.5 times slower for
        # 2 % smaller files); no name or time in the header, so a file's bytes are its content's
        self.raw = open(path, "wb") if self.gzipped else None
        self.sink = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=self.raw,
                                  mtime=0) if self.gzipped else (
            str(path) if isinstance(path, Path) else path)
        self.options = pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed")
        # the input's own encoding (a pipe, standard output, always gets UTF-8)
        self.encoding = like.encoding if like is not None and like.format == "csv" and \
            name != "-" else "utf-8"
        self.writer: Any = None  # UTF-8: pyarrow's writer
        self.out: Any = None  # another encoding: the file, written a transcoded batch at a time
        self.schema: Any = None
        self.rows = 0

    def write(self, table: Any, progress: Callable[[int], None] | None = None) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if self.commas is None:  # a file read in batches knows it once the first is read
            self.commas = bool(self.like is not None and self.like.decimal_comma)
        if self.commas:
            table = _with_decimal_commas(_no_negative_zero(table, self.own), self.like)
        table = _whole_numbers_in_full(table)
        if self.schema is None:
            self.schema = plain_schema(table.schema)
        if self.encoding in ("utf-8", "utf8"):
            if self.writer is None:
                self.writer = pacsv.CSVWriter(self.sink, self.schema, write_options=self.options)
            for batch in table.to_batches(max_chunksize=1 << 20):
                # categories as text, a batch at a time; "-0" as R writes it: 0
                self.writer.write_batch(_no_negative_zero(batch.cast(self.schema), self.own))
                self.rows += batch.num_rows
                if progress is not None:
                    progress(batch.num_rows)
            return
        for batch in table.to_batches(max_chunksize=1 << 18):
            self._encoded(pa.Table.from_batches([batch], table.schema))
            if progress is not None:
                progress(batch.num_rows)

    def _encoded(self, table: Any) -> None:
        """The input's own encoding, so the file opens as the input did."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        encoding = self.encoding
        if self.out is None:
            self.out = open(self.sink, "wb") if isinstance(self.sink, str) else self.sink
            if encoding == "utf-16":
                self.out.write(codecs.BOM_UTF16_LE)
            elif encoding == "utf-8-sig":
                self.out.write(codecs.BOM_UTF8)
        encoding = {"utf-16": "utf-16-le", "utf-8-sig": "utf-8"}.get(encoding, encoding)
        buffer = pa.BufferOutputStream()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(
            delimiter=self.options.delimiter, quoting_style="needed",
            include_header=self.rows == 0))
        self.out.write(buffer.getvalue().to_pybytes().decode("utf-8").encode(encoding))
        self.rows += max(table.num_rows, 1)

    def close(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
            elif self.schema is not None and self.rows == 0 and self.encoding not in (
                    "utf-8", "utf8"):
                self._encoded(self.schema.empty_table())  # no rows: the header alone
            if self.out is not None and isinstance(self.sink, str):
                self.out.close()
        finally:
            if self.gzipped:
                self.sink.close()
                self.raw.close()


def write(table: Any, path: Any, *, like: Dataset | None = None,
          progress: Callable[[int], None] | None = None, name: str = "") -> None:
    """A whole table as CSV (see :class:`CsvWriter`)."""
    writer = CsvWriter(path, like=like, name=name)
    try:
        writer.write(table, progress)
    finally:
        writer.close()


def _no_negative_zero(batch: Any, own: set[str]) -> Any:
    """zscore's float columns (of a batch or a table) with -0.0 (a z rounded up to zero from
    below; R holds it too but writes 0) as 0.0, so the text is "0"."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(batch.schema):
        if f.name not in own and pa.types.is_floating(f.type):
            batch = batch.set_column(i, f, pc.add(batch.column(i), 0.0))
    return batch


def _whole_numbers_in_full(table: Any) -> Any:
    """Number columns held as floats (every Excel number; Stata and SPSS doubles) with a whole
    number that pyarrow would write with an exponent, as text with all its digits: pyarrow
    writes 3201010101010001.0, a 16-digit NIK typed as a number, as 3.201010101010001e+15.
    Whole numbers up to 2^53 are exact in a float; other values are written as pyarrow writes
    them. (zscore's own float columns never hold such values, so they are left as they are.)"""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        if not pa.types.is_floating(f.type):
            continue
        column = table.column(i)
        text = pc.cast(column, pa.string())
        exponent = pc.match_substring(text, "e")
        if not pc.any(exponent).as_py():
            continue
        whole = pc.and_(exponent, pc.and_(pc.equal(pc.floor(column), column),
                                          pc.less_equal(pc.abs(column), float(2**53))))
        digits = pc.cast(pc.cast(pc.if_else(whole, column, 0.0), pa.int64()), pa.string())
        table = table.set_column(i, f.name, pc.if_else(whole, digits, text))
    return table


def plain_schema(schema: Any) -> Any:
    """The schema with dictionary (category) columns as their text, for any reader."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type)
                      else f for f in schema])


def plain_columns(table: Any) -> Any:
    """Dictionary (category) columns as their text, for any reader of the output."""
    return table.cast(plain_schema(table.schema))


def _with_decimal_commas(table: Any, like: Dataset) -> Any:
    """Float columns zscore computed, as text with a decimal comma (the input's own columns are
    text already and stay as read)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    own = set(like.table.column_names)
    for i, f in enumerate(table.schema):
        if f.name in own or not pa.types.is_floating(f.type):
            continue
        text = pc.replace_substring(pc.cast(table.column(i), pa.string()), ".", ",")
        table = table.set_column(i, f.name, text)
    return table
