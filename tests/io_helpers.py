"""Helpers for the file-format tests (tests/test_io_formats.py, tests/test_io_fuzz.py).

Every input file is written by the tests themselves, the way users make them (Python's csv
module, xlsxwriter, pyreadstat, pyarrow); every output is read back with an independent reader
(csv, python_calamine, pyreadstat, pyarrow) into plain Python lists, so a comparison never goes
through zscore.io itself.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

import zscore
from zscore import cli

#: The z-scores and category columns compared with the library.
Z_COLUMNS = ("zlen", "zwei", "zwfl")
CATEGORY_COLUMNS = ("stunting", "underweight", "wasting", "overweight")

# --- a small register of children -----------------------------------------------------------------
#: id, sex, age (days), weight (kg), length/height (cm), measure: plausible children, one with a
#: missing weight and one with a height out of range, so reasons and missing values appear too.
CHILDREN = [
    ("007", "1", "400", "9.1", "74.0", "l"),
    ("010", "2", "1000", "11.0", "86.2", "h"),
    ("011", "1", "30", "4.2", "53.5", "l"),
    ("012", "2", "1700", "15.9", "104.1", "h"),
    ("013", "1", "800", "", "83.0", "h"),
    ("014", "2", "250", "7.2", "250.0", "l"),
    ("015", "1", "1200", "12.1", "88.8", "h"),
    ("016", "2", "61", "5.0", "57.2", "l"),
]

#: Text fields that must come back byte for byte (one per row of CHILDREN).
AWKWARD_TEXT = ["+628123", "12345678901234567890", "TRUE", "NA", "105.0", "", "a, b",
                'two\nlines "quoted"']


def number(text: str) -> float:
    """A field as the library reads it: empty is missing."""
    return float(text) if text.strip() else math.nan


def library(rows: list[tuple], *, sex: int = 1, age: int = 2, weight: int = 3, lenhei: int = 4,
            measure: int | None = 5, **options: Any) -> dict[str, np.ndarray]:
    """zscore.classify on the rows' values given as plain lists (no table, no resolver)."""
    kw: dict[str, Any] = dict(
        sex=[r[sex] for r in rows],
        age=[number(r[age]) for r in rows],
        weight=[number(r[weight]) for r in rows],
        lenhei=[number(r[lenhei]) for r in rows],
    )
    if measure is not None:
        kw["measure"] = [r[measure] for r in rows]
    kw.update(options)
    return zscore.classify(**kw)


# --- running the command line ---------------------------------------------------------------------
def run(argv: list[Any], capsys: Any) -> tuple[int, Any, str]:
    """``zscore.cli.main(argv)``: (exit status, stdout, stderr); stdout is bytes under
    capsysbinary."""
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    err = captured.err.decode("utf-8") if isinstance(captured.err, bytes) else captured.err
    return code, captured.out, err


class _Stdin:
    """A stand-in for sys.stdin whose ``.buffer`` holds the bytes (what zscore reads)."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False

    def read(self, *args: Any) -> str:  # pragma: no cover - zscore reads .buffer
        return self.buffer.read(*args).decode()


def feed_stdin(monkeypatch: Any, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(data))


def assert_one_error(code: int, err: str, *needles: str) -> str:
    """Exit 2 and exactly one ``zscore: error:`` line (no traceback) containing each needle."""
    assert code == 2, err
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("zscore: error:")]
    assert len(errors) == 1, err
    assert all(line.startswith("zscore: ") for line in lines), err  # notes at most, no traceback
    assert "Traceback" not in err
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def folder_names(folder: Path) -> list[str]:
    """Every name in the folder, hidden ones too (a ``.NAME.xyz.partial`` would show)."""
    return sorted(p.name for p in folder.iterdir())


# --- writing inputs -------------------------------------------------------------------------------
def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8",
              lineterminator: str = "\r\n", quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    """A CSV file as a spreadsheet or Python's csv module writes it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator,
                        quoting=quoting)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16 LE with a byte-order mark
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


# --- reading outputs ------------------------------------------------------------------------------
def decode_output(data: bytes) -> str:
    """A CSV output's text: zscore writes a text file in its input's encoding (UTF-8, UTF-8 with
    a byte-order mark, UTF-16 with one, Windows-1252)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv_text(data: bytes, delimiter: str) -> tuple[list[str], list[list[str]]]:
    # the csv module's field limit (128 KiB) is process-wide and zscore's reader uses the same
    # module: raised here only while reading, so no test changes what zscore sees
    previous = csv.field_size_limit(1 << 30)
    try:
        rows = list(csv.reader(io.StringIO(decode_output(data), newline=""),
                               delimiter=delimiter))
    finally:
        csv.field_size_limit(previous)
    return rows[0], rows[1:]


def read_output(path: Path | bytes, kind: str, *, delimiter: str = ",") -> dict[str, list]:
    """An output file as {column: values}: CSV as text (None for an empty field), Excel cells as
    python_calamine gives them (None for an empty cell), Stata/SPSS as pyreadstat's codes (NaN
    and None as None), Parquet/Arrow as Python values."""
    if kind in ("csv", "tsv", "gz", "stdout"):
        data = path if isinstance(path, bytes) else Path(path).read_bytes()
        if kind == "gz":
            data = gzip.decompress(data)
        header, body = read_csv_text(data, "\t" if kind == "tsv" else delimiter)
        return {name: [r[j] for r in body] for j, name in enumerate(header)}
    if kind == "xlsx":
        import python_calamine

        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        header, body = rows[0], rows[1:]
        return {name: [None if r[j] == "" else r[j] for r in body]
                for j, name in enumerate(header)}
    if kind in ("dta", "sav"):
        import pyreadstat

        reader = pyreadstat.read_dta if kind == "dta" else pyreadstat.read_sav
        frame, _ = reader(str(path), apply_value_formats=False)
        return {c: [_plain(v) for v in frame[c].tolist()] for c in frame.columns}
    if kind in ("parquet", "arrow"):
        import pyarrow.feather as feather
        import pyarrow.parquet as pq

        table = pq.read_table(str(path)) if kind == "parquet" else feather.read_table(str(path))
        return table.to_pydict()
    raise ValueError(kind)


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def value_labels(path: Path, kind: str) -> dict[str, dict]:
    import pyreadstat

    reader = pyreadstat.read_dta if kind == "dta" else pyreadstat.read_sav
    _, meta = reader(str(path), metadataonly=True)
    return {c: {float(k): v for k, v in lab.items()} for c, lab
            in (meta.variable_value_labels or {}).items()}


def as_float(v: Any) -> float:
    if v is None or v == "":
        return math.nan
    if isinstance(v, str):
        return float(v.replace(",", "."))
    return float(v)


def scores(out: dict[str, list], kind: str, path: Path | None = None) -> dict[str, list]:
    """The compared columns of an output, as floats (z) and labels or None (categories);
    Stata/SPSS codes are turned into labels with the file's own value labels."""
    labels = value_labels(path, kind) if kind in ("dta", "sav") else {}
    got: dict[str, list] = {}
    for z in Z_COLUMNS:
        got[z] = [as_float(v) for v in out[z]]
    for c in CATEGORY_COLUMNS:
        values = out[c]
        if c in labels:
            values = [None if v is None else labels[c][float(v)] for v in values]
        else:
            assert kind not in ("dta", "sav") or all(v is None for v in values), c
        got[c] = [None if v in (None, "") else v for v in values]
    return got


def assert_scores_equal(out: dict[str, list], expected: dict[str, np.ndarray], kind: str,
                        path: Path | None = None) -> None:
    got = scores(out, kind, path)
    for z in Z_COLUMNS:
        np.testing.assert_array_equal(np.array(got[z], dtype=float), expected[z], err_msg=z)
    for c in CATEGORY_COLUMNS:
        assert got[c] == list(expected[c]), c


def as_excel_cell(text: str) -> object:
    """What a CSV field becomes in an Excel output: a number cell when it is plain decimal text
    that a number gives back unchanged (12.5, -3, 105), else the text itself ("007", "12.50",
    "1e5", a 16-digit NIK, "+628..."); an empty field is an empty cell."""
    if text == "":
        return None
    digits = text.lstrip("-")
    whole, _, fraction = digits.partition(".")
    plain = (whole.isdigit() and (whole == "0" or not whole.startswith("0")) and len(whole) <= 15
             and (fraction == "" or fraction.isdigit()) and not text.endswith(".")
             and text.count("-") <= (1 if text.startswith("-") else 0))
    if not plain or (text.startswith("-") and float(text) == 0):
        return text
    value = float(text)
    written = f"{value:.15g}" if "e" not in f"{value:.15g}" else text + "x"
    return value if written == text else text
