"""Every file format, in and out, through the command line and through the library.

Each test writes its input the way users make it (Python's csv module in each dialect and
encoding, XlsxWriter for a puskesmas workbook, pandas+odfpy for .ods, pyreadstat for Stata and
SPSS files with value labels, pyarrow for Parquet and Arrow) and reads the output back with an
independent reader (tests/io_helpers.py). What is checked, for every pair:

* the z-scores and categories equal ``zscore.classify`` on the same values given as plain lists;
* the rows are the same, in the same order (an id column comes back as it was);
* every column of the input comes back exactly as read: CSV fields as their text, Excel text as
  text and numbers as numbers, Stata/SPSS codes as codes with their value labels.

The last part of the file is the command-line cases of the project's issue (ages in months,
units in a column's name, heights in metres, unknown sex codes, a DHS file, --by).
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from pathlib import Path

import numpy as np
import pytest

import zscore
from zscore import io as zio

from .io_helpers import (
    AWKWARD_TEXT,
    CATEGORY_COLUMNS,
    CHILDREN,
    Z_COLUMNS,
    as_excel_cell,
    assert_one_error,
    assert_scores_equal,
    csv_bytes,
    feed_stdin,
    folder_names,
    gzipped,
    library,
    read_csv_text,
    read_output,
    run,
    value_labels,
)

#: A second text column: values a reader might be tempted to convert.
OTHER_TEXT = ["3,5", "0012", " padded ", "-", "1e5", "=1+2", "NaN", "null"]
#: Village names with letters outside ASCII that Windows-1252 has (é, curly quotes).
VILLAGES = ["S\u00e9kar \u201cBaru\u201d", "Cibodas", "Cibodas", "S\u00e9kar \u201cBaru\u201d",
            "Ranca\u00f1o", "Cibodas", "Mekar", "Mekar"]
HEADER = ["id", "sex", "age", "weight", "lenhei", "measure", "note", "other", "village"]
#: The input's own columns (everything but the z-score columns), as the file holds them.
PASS_THROUGH = ["id", "sex", "age", "weight", "lenhei", "measure", "note", "other", "village"]


def register(decimal_comma: bool = False) -> list[list[str]]:
    """The register as rows of text, header first (decimal commas for a ';' file)."""
    rows = [list(HEADER)]
    for i, child in enumerate(CHILDREN):
        row = [*child, AWKWARD_TEXT[i], OTHER_TEXT[i], VILLAGES[i]]
        if decimal_comma:
            row[3], row[4] = row[3].replace(".", ","), row[4].replace(".", ",")
        rows.append(row)
    return rows


def expected_scores() -> dict[str, np.ndarray]:
    return library(CHILDREN)


# --- CSV dialects and encodings -------------------------------------------------------------------
#: name: (file name, delimiter, encoding, decimal comma, gzip)
DIALECTS = {
    "comma": ("register.csv", ",", "utf-8", False, False),
    "semicolon-decimal-comma": ("register.csv", ";", "utf-8", True, False),
    # Google Sheets in a decimal-comma locale (Indonesia): ',' delimiter, "9,1" quoted
    "comma-quoted-decimal-comma": ("register.csv", ",", "utf-8", True, False),
    "tab": ("register.tsv", "\t", "utf-8", False, False),
    "pipe": ("register.csv", "|", "utf-8", False, False),
    "gzip": ("register.csv.gz", ",", "utf-8", False, True),
    "utf8-bom": ("register.csv", ",", "utf-8-sig", False, False),
    "utf16-unicode-text": ("register.txt", "\t", "utf-16", False, False),
    "windows-1252": ("register.csv", ";", "cp1252", False, False),
}


def write_dialect(folder: Path, name: str) -> tuple[Path, list[list[str]]]:
    filename, delimiter, encoding, decimal_comma, gz = DIALECTS[name]
    rows = register(decimal_comma)
    data = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    path = folder / filename
    path.write_bytes(gzipped(data) if gz else data)
    return path, rows


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_csv_dialect_through_the_command_line(tmp_path, capsys, dialect):
    src, rows = write_dialect(tmp_path, dialect)
    _, delimiter, encoding, decimal_comma, _ = DIALECTS[dialect]
    out = tmp_path / "out.csv"
    code, printed, err = run(["classify", src, "-o", out], capsys)
    assert code == 0, err
    assert "read 8 rows" in printed and "wrote 8 rows" in printed
    if encoding == "cp1252":
        assert "Windows-1252" in err
    if encoding == "utf-16":
        assert "UTF-16" in err
    data = out.read_bytes()
    # the output is in the input's encoding, so it opens as the input did
    bom = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": b"\xff\xfe"}.get(encoding, b"")
    assert data.startswith(bom) and (bom or not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe")))
    data[len(bom):].decode({"utf-16": "utf-16-le", "utf-8-sig": "utf-8"}.get(encoding, encoding))
    result = read_output(out, "csv", delimiter=delimiter)  # the input's delimiter is kept
    # every input column exactly as the file holds it, in the same order
    for j, name in enumerate(PASS_THROUGH):
        assert result[name] == [r[j] for r in rows[1:]], name
    assert list(result)[: len(HEADER)] == HEADER
    assert_scores_equal(result, expected_scores(), "csv")
    if decimal_comma:  # computed numbers with the input's decimal comma
        assert result["zlen"][0] == "-1,27" and result["clenhei"][1] == "86,2"


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_csv_dialect_through_the_library(tmp_path, dialect):
    src, rows = write_dialect(tmp_path, dialect)
    _, delimiter, _, decimal_comma, _ = DIALECTS[dialect]
    ds = zio.read(src)
    assert ds.format == "csv" and ds.delimiter == delimiter
    # any field of a ';' file that is a number with a decimal comma ("3,5" in 'other') counts;
    # in a ',' file, where "3,5" alone is free text, a column of them does
    assert ds.decimal_comma is (delimiter != "," or decimal_comma)
    if decimal_comma:  # the values read have decimal points; the table keeps the text
        assert ds.values.column("weight").to_pylist()[0] == "9.1"
        assert ds.table.column("weight").to_pylist()[0] == "9,1"
    assert ds.table.column_names == HEADER
    for j, name in enumerate(HEADER):  # the table holds the text as read
        assert ds.table.column(name).to_pylist() == [r[j] for r in rows[1:]], name
    out = zscore.classify(ds.values)
    expected = expected_scores()
    for z in Z_COLUMNS:
        np.testing.assert_array_equal(out.column(z).to_numpy(zero_copy_only=False), expected[z])
    for c in CATEGORY_COLUMNS:
        assert out.column(c).to_pylist() == list(expected[c]), c
    target = tmp_path / "out.parquet"
    zio.write(out, target, like=ds)
    back = read_output(target, "parquet")
    assert back["id"] == [r[0] for r in rows[1:]]
    assert_scores_equal(back, expected, "parquet")


def test_comma_file_quoted_decimal_commas_but_not_thousands(tmp_path):
    """In a ',' file a quoted "9,1" is 9.1 (Google Sheets in Indonesian writes its numbers so);
    "1,250" may be one thousand two hundred and fifty, so it is not read (the row gets a
    reason); each field on its own, so the rows read the same a batch at a time."""
    rows = [["sex", "age", "weight", "lenhei"], ["1", "400", "9,1", "74,0"],
            ["2", "300", "1,250", "70"], ["1", "200", "8.1", "66,25"], ["2", "500", "9", "75"]]
    src = tmp_path / "sheets.csv"
    src.write_bytes(csv_bytes(rows))
    plain = zscore.classify({"sex": [1, 2, 1, 2], "age": [400, 300, 200, 500],
                             "weight": [9.1, np.nan, 8.1, 9.0],
                             "lenhei": [74.0, 70.0, 66.25, 75.0]})
    ds = zio.read(src)
    assert ds.decimal_comma
    out = zscore.classify(ds.values)
    for z in ("zlen", "zwei", "zwfl"):
        np.testing.assert_array_equal(out.column(z).to_numpy(zero_copy_only=False),
                                      np.asarray(plain[z], dtype=float))
    assert "weight_invalid" in out.column("reason").to_pylist()[1]
    target = tmp_path / "out.csv"
    zscore.classify_file(src, target, batch_rows=1)
    written = list(csv.reader(target.read_text().splitlines()))
    assert [r[2] for r in written[1:]] == ["9,1", "1,250", "8.1", "9"]  # as read
    zlen = written[0].index("zlen")
    assert written[1][zlen] == "-1,27"  # computed numbers with the file's decimal comma


def test_comma_file_one_free_text_decimal_keeps_decimal_points(tmp_path):
    rows = [["sex", "age", "weight", "lenhei", "note"], ["1", "400", "9.1", "74", "3,5"],
            ["2", "300", "8.0", "70", ""], ["1", "200", "8.1", "66", "ok"]]
    src = tmp_path / "notes.csv"
    src.write_bytes(csv_bytes(rows))
    assert not zio.read(src).decimal_comma
    target = tmp_path / "out.csv"
    zscore.classify_file(src, target)
    written = list(csv.reader(target.read_text().splitlines()))
    assert written[1][written[0].index("zlen")] == "-1.27"


def test_semicolon_file_with_decimal_commas_everywhere_is_read_as_semicolons(tmp_path, capsys):
    """A ';' file where every measurement has a decimal comma: each data line then has as many
    ','-separated pieces as ';'-separated fields."""
    src = tmp_path / "excel.csv"
    src.write_text("sex;age;weight;height\n1;400,5;9,1;74,2\n2;1000,5;11,3;86,2\n")
    code, _, err = run(["classify", src, "-o", tmp_path / "out.csv", "--quiet"], capsys)
    assert code == 0, err
    result = read_output(tmp_path / "out.csv", "csv", delimiter=";")
    expected = zscore.classify(sex=[1, 2], age=[400.5, 1000.5], weight=[9.1, 11.3],
                               lenhei=[74.2, 86.2])
    assert_scores_equal(result, expected, "csv")


def test_delimiter_is_decided_by_the_header_not_by_text_in_the_rows(tmp_path, capsys):
    """The header line has commas; a free-text field holds semicolons."""
    src = tmp_path / "notes.csv"
    src.write_text("id,sex,age,weight,note\n1,1,100,5.5,a;b;c;d;e;f;g\n2,2,200,6.1,x\n")
    code, _, err = run(["classify", src, "-o", tmp_path / "out.csv", "--quiet"], capsys)
    assert code == 0, err
    result = read_output(tmp_path / "out.csv", "csv")
    assert result["note"] == ["a;b;c;d;e;f;g", "x"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_header_with_no_known_names_and_named_columns(tmp_path, capsys, suffix):
    rows = [["q1", "q2", "q3", "q4", "q5"], ["1", "100", "5.5", "58", "PB"],
            ["2", "800", "10.1", "80.2", "TB"]]
    src = tmp_path / f"kuesioner{suffix}"
    if suffix == ".csv":
        src.write_bytes(csv_bytes(rows))
    else:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(src))
        sheet = workbook.add_worksheet()
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                sheet.write_string(i, j, cell)
        workbook.close()
    out = tmp_path / "out.csv"
    code, _, err = run(["classify", src, "-o", out, "--sex", "q1", "--age", "q2", "--weight",
                        "q3", "--lenhei", "q4", "--measure", "q5", "--quiet"], capsys)
    assert code == 0, err
    result = read_output(out, "csv")
    assert result["q1"] == ["1", "2"]
    assert_scores_equal(result, zscore.classify(sex=[1, 2], age=[100, 800], weight=[5.5, 10.1],
                                                lenhei=[58, 80.2], measure=["l", "h"]), "csv")


# --- every output format from one input -----------------------------------------------------------
OUTPUTS = ["out.csv", "out.tsv", "out.csv.gz", "out.xlsx", "out.dta", "out.sav", "out.parquet",
           "out.arrow", "-"]


def _kind(name: str) -> str:
    if name == "-":
        return "stdout"
    if name.endswith(".gz"):
        return "gz"
    return name.rsplit(".", 1)[1]


@pytest.mark.parametrize("output", OUTPUTS)
def test_every_output_format(tmp_path, capsysbinary, output):
    src, rows = write_dialect(tmp_path, "comma")
    target = output if output == "-" else tmp_path / output
    code, printed, err = run(["classify", src, "-o", target], capsysbinary)
    assert code == 0, err
    kind = _kind(output)
    if kind == "stdout":
        result = read_output(printed, "stdout")
        assert "wrote 8 rows to standard output" in err  # the summary goes to stderr
    else:
        result = read_output(target, kind)
        assert b"wrote 8 rows" in printed
        # nothing but the input and the output in the folder (no partial file left behind)
        assert folder_names(tmp_path) == sorted([src.name, output])
    assert len(result["id"]) == len(CHILDREN)
    for j, name in enumerate(PASS_THROUGH):
        want = [r[j] for r in rows[1:]]
        if kind == "xlsx":  # plain numbers become number cells, any other text stays text
            want = [as_excel_cell(v) for v in want]
        if kind == "sav":  # SPSS pads text with spaces: trailing spaces cannot be told apart
            want = [v.rstrip(" ") for v in want]
        assert result[name] == want, name
    assert_scores_equal(result, expected_scores(), kind, None if kind == "stdout" else target)
    if kind in ("dta", "sav"):  # zscore's categories are labelled codes
        labels = value_labels(target, kind)
        for c in (*CATEGORY_COLUMNS, "standard"):
            assert c in labels, c
            assert all(v is None or isinstance(v, float | int) for v in result[c]), c
        assert labels["stunting"][float(result["stunting"][0])] == "normal"
        # the reason's labels depend on the data: it is text, so appended files agree
        assert "reason" not in labels
        assert all(v is None or isinstance(v, str) for v in result["reason"])
    if kind == "xlsx":  # numbers zscore computed are numbers
        assert isinstance(result["zlen"][0], float) and isinstance(result["csex"][0], float)


def test_output_to_standard_output_keeps_a_semicolon_dialect(tmp_path, capsysbinary):
    src, rows = write_dialect(tmp_path, "semicolon-decimal-comma")
    code, printed, err = run(["classify", src, "-o", "-"], capsysbinary)
    assert code == 0, err
    header, body = read_csv_text(printed, ";")
    assert header[: len(HEADER)] == HEADER
    assert [r[: len(HEADER)] for r in body] == rows[1:]
    result = read_output(printed, "stdout", delimiter=";")
    assert_scores_equal(result, expected_scores(), "csv")
    assert folder_names(tmp_path) == [src.name]


def long_register(long_text: str) -> list[list[str]]:
    """The register 8 times over (65 lines), then a row whose note is ``long_text``: past the
    lines zscore samples to find the header (see test_io_fuzz's huge-field test for a long field
    near the top)."""
    base = register()
    long_row = ["099", "1", "500", "9.0", "75.0", "l", long_text, "x", "Mekar"]
    return base[:1] + base[1:] * 8 + [long_row]


def test_long_text_survives_every_output(tmp_path, capsys):
    """A 200 KiB note (a pasted report) late in the file is read; .csv, .dta, .parquet and
    .arrow outputs keep it whole."""
    long_text = "catatan panjang " * 12800  # 204,800 characters
    rows = long_register(long_text)
    src = tmp_path / "long.csv"
    src.write_bytes(csv_bytes(rows))
    for output in ("out.csv", "out.dta", "out.parquet", "out.arrow"):
        code, _, err = run(["classify", src, "-o", tmp_path / output, "--quiet"], capsys)
        assert code == 0, (output, err)
        result = read_output(tmp_path / output, _kind(output))
        assert result["note"][-1] == long_text, output
        assert len(result["note"]) == len(rows) - 1


@pytest.mark.parametrize("output, limit", [("out.sav", "32,767"), ("out.xlsx", "32,767")])
def test_text_longer_than_the_output_format_holds_is_refused(tmp_path, capsys, output, limit):
    """SPSS keeps strings of at most 32,767 bytes (pyreadstat writes longer ones broken, split
    into ghost variables, without an error) and an Excel cell at most 32,767 characters
    (XlsxWriter cuts the rest): one error at writing, and no file, never a silent cut."""
    long_text = "x" * (200 * 1024 if output.endswith(".sav") else 40_000)
    src = tmp_path / "long.csv"
    src.write_bytes(csv_bytes(long_register(long_text)))
    code, _, err = run(["classify", src, "-o", tmp_path / output, "--quiet"], capsys)
    assert_one_error(code, err, output, "'note'", limit)
    assert folder_names(tmp_path) == ["long.csv"]  # the partial file is gone too
    # the same text at the limit is written whole
    src.write_bytes(csv_bytes(long_register("x" * 32_767)))
    code, _, err = run(["classify", src, "-o", tmp_path / output, "--quiet"], capsys)
    assert code == 0, err
    assert read_output(tmp_path / output, _kind(output))["note"][-1] == "x" * 32_767


# --- Excel: a puskesmas report --------------------------------------------------------------------
BIRTH = [datetime.datetime(2022, 3, 1), "15/06/2023", datetime.datetime(2021, 12, 31),
         "02/02/2020", datetime.datetime(2023, 9, 9)]
VISIT = [datetime.datetime(2024, 1, 15), datetime.datetime(2024, 1, 20),
         datetime.datetime(2024, 1, 16), datetime.datetime(2024, 1, 17),
         datetime.datetime(2024, 1, 18)]
SHEET_ROWS = [  # No, ID, NIK, Jenis Kelamin, Berat, Tinggi, Cara Ukur, Catatan, Campuran
    (1, "007", "3201234567890123", "L", 11.2, 84.5, "berdiri", "ok", 5),
    (2, "010", "3201234567890124", "P", 7.9, 68.0, "terlentang", None, "abc"),
    (3, "011", "3201234567890125", "L", 12.5, 90.1, "berdiri", "x,y", 7.5),
    (4, "012", "3201234567890126", "P", 15.0, 101.3, "berdiri", "", "=SUM(A1)"),
    (5, "013", "3201234567890127", "L", 7.1, 64.0, "terlentang", "baru", "0012"),
]
SHEET_HEADER = ["No", "ID", "NIK", "Jenis Kelamin", "Tanggal Lahir", "Tanggal Ukur",
                "Berat Badan (kg)", "Tinggi Badan (cm)", "Cara Ukur", "Catatan", "Campuran"]


def write_puskesmas(path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    summary = workbook.add_worksheet("Ringkasan")
    summary.write_string(0, 0, "Ringkasan bulanan")
    sheet = workbook.add_worksheet("Data Anak")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for i, title in enumerate(["KABUPATEN: X", "PUSKESMAS: SUKAMAJU", "BULAN: JANUARI 2024",
                               "DESA: MEKAR"]):
        sheet.write_string(i, 0, title)
    for j, name in enumerate(SHEET_HEADER):
        sheet.write_string(5, j, name)
    for i, (no, id_, nik, sex, weight, height, measure, note, mixed) in enumerate(SHEET_ROWS):
        r = 6 + i
        sheet.write_number(r, 0, no)
        sheet.write_string(r, 1, id_)
        sheet.write_string(r, 2, nik)
        sheet.write_string(r, 3, sex)
        for j, value in ((4, BIRTH[i]), (5, VISIT[i])):
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(r, j, value, date)
            else:
                sheet.write_string(r, j, value)
        sheet.write_number(r, 6, weight)
        sheet.write_number(r, 7, height)
        sheet.write_string(r, 8, measure)
        if note is not None:
            sheet.write_string(r, 9, note)
        if isinstance(mixed, str):
            sheet.write_string(r, 10, mixed)
        else:
            sheet.write_number(r, 10, mixed)
    workbook.close()


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    d, m, y = map(int, value.split("/"))
    return datetime.date(y, m, d)


def puskesmas_expected() -> dict[str, np.ndarray]:
    ages = [(_day(v) - _day(b)).days for b, v in zip(BIRTH, VISIT, strict=True)]
    return zscore.classify(sex=[r[3] for r in SHEET_ROWS], age=ages,
                           weight=[r[4] for r in SHEET_ROWS], lenhei=[r[5] for r in SHEET_ROWS],
                           measure=[r[6] for r in SHEET_ROWS])


@pytest.mark.parametrize("sheet", ["Data Anak", "2", "data anak"])
def test_puskesmas_workbook_to_excel(tmp_path, capsys, sheet):
    src = tmp_path / "laporan.xlsx"
    write_puskesmas(src)
    out = tmp_path / "hasil.xlsx"
    code, printed, err = run(["classify", src, "--sheet", sheet, "-o", out], capsys)
    assert code == 0, err
    assert "the column names are on row 6 of sheet 'Data Anak'" in err
    assert "days from 'Tanggal Lahir' to 'Tanggal Ukur'" in printed
    result = read_output(out, "xlsx")
    assert list(result)[: len(SHEET_HEADER)] == SHEET_HEADER
    assert result["No"] == [float(r[0]) for r in SHEET_ROWS]  # numbers stay numbers
    assert result["ID"] == [r[1] for r in SHEET_ROWS]  # text stays text: 007, not 7
    assert result["NIK"] == [r[2] for r in SHEET_ROWS]  # 16 digits as text, not 3.2e15
    assert result["Berat Badan (kg)"] == [r[4] for r in SHEET_ROWS]
    assert result["Catatan"] == [r[7] or None for r in SHEET_ROWS]
    # a column mixing numbers and text: each cell as the workbook typed it
    assert result["Campuran"] == [float(r[8]) if not isinstance(r[8], str) else r[8]
                                  for r in SHEET_ROWS]
    assert [type(v) for v in result["Campuran"]] == [float, str, float, str, str]
    # date cells stay dates, text dates stay text
    for name, values in (("Tanggal Lahir", BIRTH), ("Tanggal Ukur", VISIT)):
        for got, want in zip(result[name], values, strict=True):
            if isinstance(want, str):
                assert got == want, name
            else:
                assert isinstance(got, datetime.date), (name, got)
                assert (got if type(got) is datetime.date else got.date()) == want.date()
    assert_scores_equal(result, puskesmas_expected(), "xlsx")
    assert folder_names(tmp_path) == ["hasil.xlsx", "laporan.xlsx"]


@pytest.mark.parametrize("output", ["hasil.csv", "hasil.dta", "hasil.parquet"])
def test_puskesmas_workbook_to_other_formats(tmp_path, capsys, output):
    src = tmp_path / "laporan.xlsx"
    write_puskesmas(src)
    out = tmp_path / output
    code, _, err = run(["classify", src, "--sheet", "Data Anak", "-o", out, "--quiet"], capsys)
    assert code == 0, err
    kind = _kind(output)
    result = read_output(out, kind)
    ids = result["ID"]
    assert ids == [r[1] for r in SHEET_ROWS]
    nik = result["NIK"]
    assert nik == [r[2] for r in SHEET_ROWS]
    assert_scores_equal(result, puskesmas_expected(), kind, out)


def test_puskesmas_workbook_through_the_library(tmp_path):
    src = tmp_path / "laporan.xlsx"
    write_puskesmas(src)
    ds = zio.read(src, sheet="Data Anak")
    assert ds.format == "excel" and ds.sheet == 1 and ds.header_row == 5
    assert ds.table.column_names == SHEET_HEADER
    assert ds.table.column("ID").to_pylist() == [r[1] for r in SHEET_ROWS]
    out = zscore.classify(ds.values)
    expected = puskesmas_expected()
    for z in Z_COLUMNS:
        np.testing.assert_array_equal(out.column(z).to_numpy(zero_copy_only=False), expected[z])
    assert zio.read(src, sheet=2).table.column_names == SHEET_HEADER


def test_puskesmas_workbook_sheet_errors(tmp_path, capsys):
    src = tmp_path / "laporan.xlsx"
    write_puskesmas(src)
    code, _, err = run(["classify", src, "--sheet", "3", "-o", tmp_path / "o.csv"], capsys)
    assert_one_error(code, err, "laporan.xlsx", "--sheet 3", "'Ringkasan'", "'Data Anak'")
    code, _, err = run(["classify", src, "--sheet", "Data", "-o", tmp_path / "o.csv"], capsys)
    assert_one_error(code, err, "no sheet 'Data'", "'Data Anak'")
    # the first sheet (a summary) has no children to score: an error, never a guess
    code, _, err = run(["classify", src, "-o", tmp_path / "o.csv"], capsys)
    assert_one_error(code, err, "no rows")
    assert folder_names(tmp_path) == ["laporan.xlsx"]


def test_ods_sheet(tmp_path, capsys):
    pytest.importorskip("odf")  # pandas writes .ods with odfpy only
    import pandas as pd

    frame = pd.DataFrame({
        "id": [c[0] for c in CHILDREN], "sex": [int(c[1]) for c in CHILDREN],
        "age": [float(c[2]) for c in CHILDREN],
        "weight": [float(c[3]) if c[3] else None for c in CHILDREN],
        "lenhei": [float(c[4]) for c in CHILDREN], "measure": [c[5] for c in CHILDREN],
        "village": VILLAGES})
    src = tmp_path / "posyandu.ods"
    frame.to_excel(src, engine="odf", index=False, sheet_name="Anak")
    code, _, err = run(["classify", src, "--quiet"], capsys)  # default output: .xlsx beside it
    assert code == 0, err
    out = tmp_path / "posyandu_zscores.xlsx"
    result = read_output(out, "xlsx")
    assert result["id"] == [c[0] for c in CHILDREN]
    assert result["village"] == VILLAGES
    assert_scores_equal(result, expected_scores(), "xlsx")


# --- Stata and SPSS -------------------------------------------------------------------------------
STATS_IDS = ["007", "010", "0123", "014", "015", "016"]
STATS_SEX = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
STATS_AGE = [400.0, 1000.0, 200.0, 1500.0, 30.0, 700.0]
STATS_WEIGHT = [9.1, 11.0, 7.0, math.nan, 4.2, 9.9]
STATS_LENHEI = [74.0, 86.2, 65.0, 99.0, 53.5, 80.1]
STATS_POSITION = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
STATS_BIRTH = [datetime.date(2020, 1, 1), datetime.date(2021, 5, 6), None,
               datetime.date(2019, 12, 31), datetime.date(2023, 7, 1), datetime.date(2022, 2, 2)]
STATS_LABELS = {"sex": {1: "male", 2: "female"},
                "position": {1: "lying down", 2: "standing up"}}


def write_stats(path: Path, kind: str) -> None:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"id": STATS_IDS, "sex": STATS_SEX, "age": STATS_AGE,
                          "weight": STATS_WEIGHT, "lenhei": STATS_LENHEI,
                          "position": STATS_POSITION, "dob": STATS_BIRTH,
                          "desa": ["A", "B", "C", "A", "B", "C"]})
    labels = ["ID anak", "Jenis kelamin", "Umur (hari)", "Berat", "Tinggi", "Posisi",
              "Tanggal lahir", "Desa"]
    if kind == "dta":
        pyreadstat.write_dta(frame, str(path), variable_value_labels=STATS_LABELS,
                             column_labels=labels, variable_format={"dob": "%td"})
    else:
        pyreadstat.write_sav(frame, str(path), variable_value_labels=STATS_LABELS,
                             column_labels=labels, variable_format={"dob": "DATE11"})


def stats_expected() -> dict[str, np.ndarray]:
    return zscore.classify(sex=STATS_SEX, age=STATS_AGE, weight=STATS_WEIGHT,
                           lenhei=STATS_LENHEI,
                           measure=["l" if p == 1 else "h" for p in STATS_POSITION])


@pytest.mark.parametrize("source", ["dta", "sav"])
@pytest.mark.parametrize("output", ["out.dta", "out.sav", "out.csv", "out.xlsx", "out.parquet"])
def test_stata_and_spss(tmp_path, capsys, source, output):
    src = tmp_path / f"survey.{source}"
    write_stats(src, source)
    out = tmp_path / output
    code, printed, err = run(["classify", src, "-o", out], capsys)
    assert code == 0, err
    assert "measure  <- 'position'" in printed  # found by name, its codes read by their labels
    kind = _kind(output)
    result = read_output(out, kind)
    assert result["id"] == STATS_IDS  # a string id keeps its leading zeros
    assert_scores_equal(result, stats_expected(), kind, out)
    if kind in ("dta", "sav"):
        # codes stay codes, with the input's value labels in the output's metadata
        assert result["sex"] == STATS_SEX and result["position"] == STATS_POSITION
        labels = value_labels(out, kind)
        assert labels["sex"] == {1.0: "male", 2.0: "female"}
        assert labels["position"] == {1.0: "lying down", 2.0: "standing up"}
        assert result["dob"] == STATS_BIRTH  # a %td / DATE date column stays a date
        assert {"stunting", "wasting", "standard"} <= set(labels)
        import pyreadstat

        reader = pyreadstat.read_dta if kind == "dta" else pyreadstat.read_sav
        _, meta = reader(str(out), metadataonly=True)
        assert meta.column_names_to_labels["sex"] == "Jenis kelamin"
    elif kind == "csv":
        assert result["sex"] == ["1", "2", "1", "2", "1", "2"]
        assert result["dob"][:2] == ["2020-01-01", "2021-05-06"] and result["dob"][2] == ""
    elif kind == "xlsx":
        assert result["sex"] == STATS_SEX  # numbers stay numbers
        assert isinstance(result["dob"][0], datetime.date) and result["dob"][2] is None
    else:
        assert result["sex"] == STATS_SEX
        assert result["dob"] == STATS_BIRTH


def test_value_labels_decide_what_codes_mean(tmp_path, capsys):
    """A Stata file coding sex 0 "female" / 1 "male": the labels, not WHO's 1/2, decide."""
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"sex": [0.0, 1.0, 0.0], "age": [400.0, 1000.0, 200.0],
                          "weight": [9.1, 11.0, 7.0], "lenhei": [74.0, 86.2, 65.0]})
    src = tmp_path / "z.dta"
    pyreadstat.write_dta(frame, str(src), variable_value_labels={"sex": {0: "female",
                                                                         1: "male"}})
    code, _, err = run(["classify", src, "-o", tmp_path / "z.csv", "--quiet"], capsys)
    assert code == 0, err
    result = read_output(tmp_path / "z.csv", "csv")
    assert result["csex"] == ["2", "1", "2"]
    assert_scores_equal(result, zscore.classify(sex=["f", "m", "f"], age=[400, 1000, 200],
                                                weight=[9.1, 11.0, 7.0],
                                                lenhei=[74.0, 86.2, 65.0]), "csv")


# --- Parquet and Arrow ----------------------------------------------------------------------------
def typed_table():
    import pyarrow as pa

    return pa.table({
        "id": pa.array([c[0] for c in CHILDREN]),
        "nik": pa.array([3201234567890123 + i for i in range(len(CHILDREN))], pa.int64()),
        "sex": pa.array([int(c[1]) for c in CHILDREN], pa.int8()),
        "age": pa.array([float(c[2]) for c in CHILDREN]),
        "weight": pa.array([float(c[3]) if c[3] else None for c in CHILDREN]),
        "lenhei": pa.array([float(c[4]) for c in CHILDREN], pa.float32()).cast(pa.float64()),
        "measure": pa.array([c[5] for c in CHILDREN]),
        "visited": pa.array([datetime.date(2024, 1, 1 + i) for i in range(len(CHILDREN))]),
        "breastfed": pa.array([i % 2 == 0 for i in range(len(CHILDREN))]),
        "note": pa.array(AWKWARD_TEXT),
    })


@pytest.mark.parametrize("source", ["in.parquet", "in.arrow", "in.feather", "stream.arrow"])
@pytest.mark.parametrize("output", ["out.parquet", "out.arrow", "out.csv"])
def test_parquet_and_arrow(tmp_path, capsys, source, output):
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    table = typed_table()
    src = tmp_path / source
    if source.endswith(".parquet"):
        pq.write_table(table, src)
    elif source.startswith("stream"):  # the IPC stream format (what a pipe carries)
        with pa.OSFile(str(src), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    else:
        feather.write_feather(table, src)
    out = tmp_path / output
    code, _, err = run(["classify", src, "-o", out, "--quiet"], capsys)
    assert code == 0, err
    kind = _kind(output)
    result = read_output(out, kind)
    assert_scores_equal(result, expected_scores(), kind)
    if kind in ("parquet", "arrow"):  # the input's columns with their own types and values
        back = pq.read_table(out) if kind == "parquet" else feather.read_table(out)
        assert back.select(table.column_names).equals(table)
    else:
        assert result["id"] == [c[0] for c in CHILDREN]
        assert result["nik"] == [str(3201234567890123 + i) for i in range(len(CHILDREN))]
        assert result["note"] == AWKWARD_TEXT
        assert result["breastfed"][:2] == ["true", "false"]


# --- standard input and output --------------------------------------------------------------------
def stdin_inputs(tmp_path: Path) -> dict[str, bytes]:
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    data = {}
    for name in ("comma", "gzip", "utf16-unicode-text", "windows-1252"):
        path, _ = write_dialect(tmp_path, name)
        data[name] = path.read_bytes()
    table = typed_table()
    pq.write_table(table, tmp_path / "t.parquet")
    data["parquet"] = (tmp_path / "t.parquet").read_bytes()
    feather.write_feather(table, tmp_path / "t.arrow")
    data["arrow-file"] = (tmp_path / "t.arrow").read_bytes()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    data["arrow-stream"] = sink.getvalue().to_pybytes()
    for kind in ("dta", "sav"):
        write_stats(tmp_path / f"s.{kind}", kind)
        data[kind] = (tmp_path / f"s.{kind}").read_bytes()
    write_puskesmas(tmp_path / "p.xlsx")
    data["xlsx"] = (tmp_path / "p.xlsx").read_bytes()
    return data


STDIN_KINDS = ["comma", "gzip", "utf16-unicode-text", "windows-1252", "parquet", "arrow-file",
               "arrow-stream", "dta", "sav", "xlsx"]


@pytest.mark.parametrize("kind", STDIN_KINDS)
def test_standard_input_to_standard_output(tmp_path, capsysbinary, monkeypatch, kind):
    data = stdin_inputs(tmp_path)[kind]
    feed_stdin(monkeypatch, data)
    extra = ["--sheet", "Data Anak"] if kind == "xlsx" else []
    code, printed, err = run(["classify", "-", *extra], capsysbinary)  # no -o: stdout
    assert code == 0, err
    delimiter = {"utf16-unicode-text": "\t", "windows-1252": ";"}.get(kind, ",")
    result = read_output(printed, "stdout", delimiter=delimiter)
    if kind == "xlsx":
        assert result["ID"] == [r[1] for r in SHEET_ROWS]
        assert_scores_equal(result, puskesmas_expected(), "csv")
    elif kind in ("dta", "sav"):
        assert result["id"] == STATS_IDS
        assert_scores_equal(result, stats_expected(), "csv")
    elif kind in ("parquet", "arrow-file", "arrow-stream"):
        assert result["id"] == [c[0] for c in CHILDREN]
        assert result["note"] == AWKWARD_TEXT
        assert_scores_equal(result, expected_scores(), "csv")
    else:  # CSV in: every field as it was
        rows = register()
        for j, name in enumerate(HEADER):
            assert result[name] == [r[j] for r in rows[1:]], name
        assert_scores_equal(result, expected_scores(), "csv")


@pytest.mark.parametrize("output", ["out.xlsx", "out.dta", "out.parquet"])
def test_standard_input_to_a_file(tmp_path, capsys, monkeypatch, output):
    path, rows = write_dialect(tmp_path, "comma")
    feed_stdin(monkeypatch, path.read_bytes())
    out = tmp_path / output
    code, _, err = run(["classify", "-", "-o", out, "--quiet"], capsys)
    assert code == 0, err
    result = read_output(out, _kind(output))
    for j, name in enumerate(HEADER):
        want = [r[j] for r in rows[1:]]
        assert result[name] == ([as_excel_cell(v) for v in want] if output.endswith(".xlsx")
                                else want), name
    assert_scores_equal(result, expected_scores(), _kind(output), out)


def test_workbook_on_standard_input_to_excel_keeps_cell_types(tmp_path, capsys, monkeypatch):
    src = tmp_path / "laporan.xlsx"
    write_puskesmas(src)
    from_file = tmp_path / "from_file.xlsx"
    code, _, err = run(["classify", src, "--sheet", "Data Anak", "-o", from_file, "--quiet"],
                       capsys)
    assert code == 0, err
    feed_stdin(monkeypatch, src.read_bytes())
    from_stdin = tmp_path / "from_stdin.xlsx"
    code, _, err = run(["classify", "-", "--sheet", "Data Anak", "-o", from_stdin, "--quiet"],
                       capsys)
    assert code == 0, err
    a, b = read_output(from_file, "xlsx"), read_output(from_stdin, "xlsx")
    for name in ("Campuran", "Tanggal Lahir"):
        assert [type(v) for v in b[name]] == [type(v) for v in a[name]], name
        assert b[name] == a[name], name


def test_empty_standard_input(capsys, monkeypatch):
    feed_stdin(monkeypatch, b"")
    code, printed, err = run(["classify", "-"], capsys)
    assert_one_error(code, err, "standard input is empty")
    assert printed == ""


# --- the command-line cases of the issue ----------------------------------------------------------
def plausible_children(n: int = 40, seed: int = 7) -> list[tuple[int, float, float, float]]:
    """(sex, age in months, weight kg, height cm), near WHO's medians."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sex = rng.choice([1, 2])
        months = round(rng.uniform(6, 58), 1)
        height = 50 + 25 * (months / 12) ** 0.6 if months < 24 else 87 + 7 * (months - 24) / 12
        weight = 3.3 + 0.6 * months if months < 12 else 9.6 + 0.2 * (months - 12)
        out.append((sex, months, round(weight, 1), round(height, 1)))
    return out


def write_rows(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_ages_in_months_under_a_plain_name_ask_for_the_unit(tmp_path, capsys):
    kids = plausible_children()
    src = write_rows(tmp_path / "kids.csv", ["Sex", "Age", "Weight", "Height"], kids)
    out = tmp_path / "out.csv"
    code, _, err = run(["classify", src, "-o", out], capsys)
    assert_one_error(code, err, "look like months", "--age-unit months")
    assert folder_names(tmp_path) == ["kids.csv"]
    code, _, err = run(["classify", src, "-o", out, "--age-unit", "months", "--quiet"], capsys)
    assert code == 0, err
    expected = zscore.classify(sex=[k[0] for k in kids], age=[k[1] for k in kids],
                               age_unit="months", weight=[k[2] for k in kids],
                               lenhei=[k[3] for k in kids])
    assert_scores_equal(read_output(out, "csv"), expected, "csv")


def test_units_from_the_column_names(tmp_path, capsys):
    kids = plausible_children()
    src = write_rows(tmp_path / "kids.csv", ["sex", "age_months", "weight_kg", "height_cm"],
                     kids)
    out = tmp_path / "out.csv"
    code, printed, err = run(["classify", src, "-o", out], capsys)
    assert code == 0, err
    assert "'age_months' (months, from its name)" in printed
    expected = zscore.classify(sex=[k[0] for k in kids], age=[k[1] for k in kids],
                               age_unit="months", weight=[k[2] for k in kids],
                               lenhei=[k[3] for k in kids])
    assert_scores_equal(read_output(out, "csv"), expected, "csv")


def test_a_header_with_a_trailing_space(tmp_path, capsys):
    kids = plausible_children()
    days = [round(k[1] * 30.4375) for k in kids]
    src = write_rows(tmp_path / "kids.csv", ["sex", "age ", "weight", "height"],
                     [(k[0], d, k[2], k[3]) for k, d in zip(kids, days, strict=True)])
    out = tmp_path / "out.csv"
    code, printed, err = run(["classify", src, "-o", out], capsys)
    assert code == 0, err
    assert "age      <- 'age '" in printed
    result = read_output(out, "csv")
    assert result["age "] == [str(d) for d in days]  # the column keeps its own name
    expected = zscore.classify(sex=[k[0] for k in kids], age=days, weight=[k[2] for k in kids],
                               lenhei=[k[3] for k in kids])
    assert_scores_equal(result, expected, "csv")


def test_a_file_without_an_age(tmp_path, capsys):
    kids = plausible_children()
    src = write_rows(tmp_path / "kids.csv", ["sex", "weight", "height"],
                     [(k[0], k[2], k[3]) for k in kids])
    out = tmp_path / "out.csv"
    code, _, err = run(["classify", src, "-o", out], capsys)
    assert_one_error(code, err, "no age column", "--no-age")
    assert folder_names(tmp_path) == ["kids.csv"]
    code, _, err = run(["classify", src, "-o", out, "--no-age", "--quiet"], capsys)
    assert code == 0, err
    result = read_output(out, "csv")
    assert set(result["zlen"]) == {""} and set(result["zwei"]) == {""}  # no age: none
    assert set(result["reason"]) == {"age_missing: zlen zwei zbmi"}
    expected = zscore.classify(sex=[k[0] for k in kids], weight=[k[2] for k in kids],
                               lenhei=[k[3] for k in kids])
    np.testing.assert_array_equal([float(v) if v else math.nan for v in result["zwfl"]],
                                  expected["zwfl"])
    assert [v or None for v in result["wasting"]] == list(expected["wasting"])


@pytest.mark.parametrize("column, factor, unit, looks", [
    ("height", 0.01, "lenhei=m", "metres"),
    ("weight", 1000, "weight=g", "grams"),
])
def test_measurements_in_another_unit(tmp_path, capsys, column, factor, unit, looks):
    kids = plausible_children()
    days = [round(k[1] * 30.4375) for k in kids]
    rows = []
    for k, d in zip(kids, days, strict=True):
        weight, height = k[2], k[3]
        if column == "height":
            height = round(height * factor, 4)
        else:
            weight = round(weight * factor)
        rows.append((k[0], d, weight, height))
    src = write_rows(tmp_path / "kids.csv", ["sex", "age", "weight", "height"], rows)
    out = tmp_path / "out.csv"
    code, _, err = run(["classify", src, "-o", out], capsys)
    assert_one_error(code, err, f"look like {looks}", f"--units {unit}")
    assert folder_names(tmp_path) == ["kids.csv"]
    code, _, err = run(["classify", src, "-o", out, "--units", unit, "--quiet"], capsys)
    assert code == 0, err
    # the same as the library given the values converted to kg and cm
    expected = zscore.classify(sex=[r[0] for r in rows], age=days,
                               weight=[r[2] / (factor if column == "weight" else 1) for r in rows],
                               lenhei=[r[3] / (factor if column == "height" else 1) for r in rows])
    assert_scores_equal(read_output(out, "csv"), expected, "csv")
    # and the same as the library told the unit
    told = zscore.classify(sex=[r[0] for r in rows], age=days, weight=[r[2] for r in rows],
                           lenhei=[r[3] for r in rows],
                           units={unit.split("=")[0]: unit.split("=")[1]})
    assert_scores_equal(read_output(out, "csv"), told, "csv")


def test_every_sex_code_unknown(tmp_path, capsys):
    kids = plausible_children(12)
    codes = ["x", "laki?", "9"]
    src = write_rows(tmp_path / "kids.csv", ["sex", "age", "weight", "height"],
                     [(codes[i % 3], round(k[1] * 30.4375), k[2], k[3])
                      for i, k in enumerate(kids)])
    code, _, err = run(["classify", src, "-o", tmp_path / "out.csv"], capsys)
    assert code != 0
    line = assert_one_error(code, err, "sex_invalid", "Nothing was written")
    for c in codes:
        assert repr(c) in line, c
    assert folder_names(tmp_path) == ["kids.csv"]


DHS_ROWS = [  # caseid, hw1 (months), hw2 (0.1 kg), hw3 (0.1 cm), hw15, b4, v005, v021, v022
    ("  0001 01", 12, 92, 741, 1, 1, 1000000, 1, 1),
    ("  0001 02", 30, 9994, 880, 2, 2, 2000000, 1, 1),
    ("  0002 01", 45, 130, 9994, 2, 1, 1500000, 2, 1),
    ("  0002 02", 8, 9995, 690, 1, 2, 1000000, 2, 2),
    ("  0003 01", 20, 110, 9996, 1, 1, 1200000, 3, 2),
    ("  0003 02", 50, 9996, 1010, 2, 2, 900000, 3, 2),
    ("  0004 01", 36, 118, 921, 2, 1, 1100000, 4, 2),
]
DHS_COLUMNS = ["caseid", "hw1", "hw2", "hw3", "hw15", "b4", "v005", "v021", "v022"]


def write_dhs(path: Path) -> None:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(DHS_ROWS, columns=DHS_COLUMNS)
    for c in DHS_COLUMNS[1:]:
        frame[c] = frame[c].astype(float)
    pyreadstat.write_dta(frame, str(path), variable_value_labels={
        "b4": {1: "male", 2: "female"}, "hw15": {1: "lying down", 2: "standing up",
                                                 9: "missing"}})


def test_a_dhs_file_needs_its_preset(tmp_path, capsys):
    src = tmp_path / "KR.dta"
    write_dhs(src)
    out = tmp_path / "out.csv"
    code, _, err = run(["classify", src, "-o", out], capsys)
    assert_one_error(code, err, "--preset dhs")
    assert folder_names(tmp_path) == ["KR.dta"]
    code, printed, err = run(["classify", src, "-o", out, "--preset", "dhs"], capsys)
    assert code == 0, err
    result = read_output(out, "csv")
    assert result["caseid"] == [r[0] for r in DHS_ROWS]  # leading spaces kept
    reasons = result["reason"]
    assert reasons[1] == "not_present: zwei zwfl zbmi"
    assert reasons[2] == "not_present: zlen zwfl zbmi"
    assert reasons[3] == "refused: zwei zwfl zbmi"
    assert reasons[4] == "not_measured: zlen zwfl zbmi"
    assert reasons[5] == "not_measured: zwei zwfl zbmi"

    def scaled(value: int) -> float:
        return math.nan if value >= 9990 else value / 10

    expected = zscore.classify(sex=[r[5] for r in DHS_ROWS], age=[r[1] for r in DHS_ROWS],
                               age_unit="months", weight=[scaled(r[2]) for r in DHS_ROWS],
                               lenhei=[scaled(r[3]) for r in DHS_ROWS],
                               measure=["l" if r[4] == 1 else "h" for r in DHS_ROWS])
    assert_scores_equal(result, expected, "csv")
    assert "not_present" in printed and "refused" in printed


def test_by_two_columns(tmp_path, capsys):
    src = tmp_path / "KR.dta"
    write_dhs(src)
    out = tmp_path / "out.csv"
    code, printed, err = run(["classify", src, "-o", out, "--preset", "dhs", "--by",
                              "v021,v022"], capsys)
    assert code == 0, err
    result = read_output(out, "csv")
    lines = printed.splitlines()
    for column in ("v021", "v022"):  # each column's groups, every value once
        groups = sorted(set(result[column]))
        for g in groups:
            rows = [i for i, v in enumerate(result[column]) if v == g]
            scored = [i for i in rows if result["stunting"][i]]
            stunted = [i for i in scored if "stunted" in result["stunting"][i]]
            line = next(x for x in lines if x.startswith(f"{column}={g} "))
            share = f"{100.0 * len(stunted) / len(scored):5.1f}% of {len(scored)}"
            assert share in line, (line, share)
    # repeated --by gives the same summary as the comma-separated one
    code, again, _ = run(["classify", src, "-o", out, "--preset", "dhs", "--by", "v021",
                          "--by", "v022"], capsys)
    assert code == 0
    strip = [x for x in again.splitlines() if not x.startswith("read ")]
    assert strip == [x for x in lines if not x.startswith("read ")]
    code, _, err = run(["classify", src, "-o", out, "--preset", "dhs", "--by", "v021,region"],
                       capsys)
    assert_one_error(code, err, "region")


def test_a_long_whole_number_from_excel_keeps_its_digits_in_a_csv(tmp_path):
    """A 16-digit NIK typed as a number in Excel is a float; written to CSV it keeps every
    digit (pyarrow alone writes 3.201010101010001e+15), other numbers as before."""
    import xlsxwriter

    src = tmp_path / "nik.xlsx"
    book = xlsxwriter.Workbook(str(src))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "sex", "age", "weight", "lenhei", "other"])
    sheet.write_row(1, 0, [3201010101010001, 1, 400, 9.1, 74.0, 1e20])
    sheet.write_row(2, 0, [9007199254740992, 2, 300, 8.0, 70.0, 12.5])
    book.close()
    out = tmp_path / "out.csv"
    from zscore import cli

    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert [r[0] for r in rows[1:]] == ["3201010101010001", "9007199254740992"]
    assert [r[5] for r in rows[1:]] == ["1e+20", "12.5"]
    assert rows[1][4] == "74"  # a whole number that pyarrow writes in full: as before
