"""zscore.read_register: a long table of weighings written as the wide registers posyandu keep
(one header row, two header rows with merged month cells, a ';' CSV with decimal commas) reads
back to the same weighings; duplicate children are reported."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import zscore

MONTHS = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS",
          "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"]
FIELDS = {"TANGGALUKUR": "Tanggal Ukur", "UMUR": "Umur (bulan)", "BERAT": "Berat Badan (kg)",
          "TINGGI": "Tinggi Badan (cm)", "CARAUKUR": "Cara Ukur"}


def children() -> pd.DataFrame:
    kids = [("3201000000000011", "Ani", "P", datetime.date(2023, 3, 4), "Sukamaju"),
            ("3201000000000012", "Budi", "L", datetime.date(2022, 11, 20), "Sukamaju"),
            ("3201000000000013", "Cici", "P", datetime.date(2024, 1, 15), "Cibodas"),
            ("3201000000000012", "Budi K", "L", datetime.date(2022, 11, 21), "Cibodas"),
            (None, "Ani", "P", datetime.date(2023, 3, 4), "Sukamaju"),
            ("3201000000000015", "Dedi", "L", datetime.date(2021, 6, 1), "Cibodas")]
    return pd.DataFrame(kids, columns=["NIK", "NAMA_ANAK", "JENIS_KELAMIN", "TANGGAL LAHIR",
                                       "DESA"])


def weighings() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for r, kid in children().iterrows():
        for m in range(1, 13):
            if rng.random() < 0.3:
                continue  # not weighed that month
            day = datetime.date(2025, m, int(rng.integers(1, 28)))
            age = (day - kid["TANGGAL LAHIR"]).days // 30
            rows.append({"register_row": r, "bulan": m, "Tanggal Ukur": day,
                         "Umur (bulan)": float(age),
                         "Berat Badan (kg)": round(float(rng.uniform(6, 16)), 1),
                         "Tinggi Badan (cm)": round(float(rng.uniform(60, 105)), 1),
                         "Cara Ukur": "Berdiri" if age >= 24 else "Telentang"})
    return pd.DataFrame(rows)


def wide(long: pd.DataFrame) -> pd.DataFrame:
    """The test's own pivot: one row per child, a block of columns per month."""
    table = children().copy()
    for m, month in enumerate(MONTHS, start=1):
        for field, column in FIELDS.items():
            values = long[long.bulan == m].set_index("register_row")[column]
            table[f"{month}_{field}"] = [values.get(r) for r in table.index]
    return table


def check(register, long: pd.DataFrame, *, text_dates: bool = False) -> None:
    got = register.weighings.sort_values(["register_row", "bulan"]).reset_index(drop=True)
    want = long.sort_values(["register_row", "bulan"]).reset_index(drop=True)
    assert got["register_row"].tolist() == want["register_row"].tolist()
    assert got["bulan"].tolist() == want["bulan"].tolist()
    for column in ("Berat Badan (kg)", "Tinggi Badan (cm)", "Umur (bulan)"):
        assert np.allclose(pd.to_numeric(got[column].astype(str).str.replace(",", ".")),
                           want[column])
    assert got["Cara Ukur"].tolist() == want["Cara Ukur"].tolist()
    parsed = pd.to_datetime(got["Tanggal Ukur"].astype(str) if text_dates else
                            got["Tanggal Ukur"], dayfirst=text_dates).dt.date
    assert parsed.tolist() == want["Tanggal Ukur"].tolist()
    assert got["periode"].tolist() == [f"2025-{m:02d}" for m in want["bulan"]]
    assert [None if pd.isna(v) else str(v) for v in got["NIK"]] == \
        [None if pd.isna(children().NIK[r]) else children().NIK[r]
         for r in want["register_row"]]
    dup = register.duplicates
    assert dup[["register_row", "duplicate_of", "reason"]].values.tolist() == [
        [3, 1, "same NIK"], [4, 0, "same name, birth date and village"]]


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    return weighings()


def test_one_header_row_excel(long, tmp_path):
    path = tmp_path / "rekap.xlsx"
    wide(long).to_excel(path, index=False, engine="xlsxwriter")
    register = zscore.read_register(path)
    check(register, long)
    assert register.months["MARET_BERAT"] == (3, "weight")


def test_two_header_rows_excel(long, tmp_path):
    import xlsxwriter

    table = wide(long)
    path = tmp_path / "rekap2.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Rekap")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    fields = ["TGL UKUR", "UMUR", "BERAT", "TINGGI", "CARA UKUR"]
    kid_columns = list(children().columns)
    for c, name in enumerate(kid_columns):
        sheet.merge_range(0, c, 1, c, name)
    for m, month in enumerate(MONTHS):
        first = len(kid_columns) + 5 * m
        sheet.merge_range(0, first, 0, first + 4, month)
        for k, f in enumerate(fields):
            sheet.write(1, first + k, f)
    for r, row in enumerate(table.itertuples(index=False), start=2):
        for c, value in enumerate(row):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()),
                                     dates)
            else:
                sheet.write(r, c, value)
    book.close()
    check(zscore.read_register(path), long)


def test_semicolon_csv(long, tmp_path):
    table = wide(long)
    for column in table.columns:
        if column.endswith(("BERAT", "TINGGI")):
            table[column] = table[column].map(
                lambda v: "" if v is None or v != v else f"{v:.1f}".replace(".", ","))
        if column.endswith("TANGGALUKUR") or column == "TANGGAL LAHIR":
            table[column] = table[column].map(
                lambda d: "" if d is None or d != d else d.strftime("%d/%m/%Y"))
    path = tmp_path / "rekap.csv"
    path.write_text(table.to_csv(sep=";", index=False), encoding="utf-8")
    check(zscore.read_register(path), long, text_dates=True)


def test_followup_on_a_wide_register(long, tmp_path):
    path = tmp_path / "rekap.xlsx"
    wide(long).to_excel(path, index=False, engine="xlsxwriter")
    register = zscore.read_register(path)
    result = zscore.followup(register.weighings)
    growth = result.rows["growth"]
    first = register.weighings.groupby("register_row").cumcount() == 0
    # every child's first month is B, except children sharing a NIK (rows 1 and 3) and the
    # child without one (row 4)
    assert (growth[first & ~register.weighings.register_row.isin([1, 3, 4])] == "B").all()
    reasons = result.rows["followup_reason"][register.weighings.register_row == 4]
    assert (reasons == "child_missing").all()
    from zscore.cli import main

    out = tmp_path / "f.csv"
    assert main(["followup", str(path), "--register", "wide", "-o", str(out), "--quiet"]) == 0
    assert len(pd.read_csv(out)) == len(long)


def test_not_a_register():
    with pytest.raises(zscore.InputError, match="no month columns"):
        zscore.read_register({"a": [1], "b": [2]})


def test_month_columns_zscore_has_no_name_for_are_kept_per_month():
    wide = {"NIK": ["3201", "3202"], "JK": ["L", "P"], "JANUARI_BERAT": [8.1, None],
            "JANUARI_STATUS_TBU": ["Pendek", None], "FEBRUARI_BERAT": [8.4, 9.0],
            "FEBRUARI_STATUS_TBU": ["Normal", "Pendek"]}
    long = zscore.read_register(wide, year=2025).weighings
    assert list(long.columns) == ["NIK", "JK", "bulan", "periode", "Berat Badan (kg)",
                                  "STATUS_TBU", "register_row"]
    assert long["STATUS_TBU"].tolist() == ["Pendek", "Normal", "Pendek"]


def test_cli_audit_of_a_wide_register(tmp_path):
    from zscore.cli import main

    wide = pd.DataFrame({"NIK": ["3201000000000001", "3201000000000002"],
                         "TANGGAL LAHIR": ["2023-01-10", "2022-05-01"], "JENIS_KELAMIN": ["P", "L"],
                         "JANUARI_TANGGALUKUR": ["2025-01-12", "2025-01-13"],
                         "JANUARI_TINGGI": [78.0, 86.0], "JANUARI_STATUS_TBU": ["Pendek", "Pendek"],
                         "FEBRUARI_TANGGALUKUR": ["2025-02-12", "2025-02-10"],
                         "FEBRUARI_TINGGI": [78.6, 91.0],
                         "FEBRUARI_STATUS_TBU": ["Pendek", "Pendek"]})
    source = tmp_path / "rekap.xlsx"
    wide.to_excel(source, index=False, engine="xlsxwriter")
    out = tmp_path / "audit.csv"
    assert main(["audit", str(source), "--register", "wide", "-o", str(out), "--quiet"]) == 0
    got = pd.read_csv(out)
    # the second child's February length is normal for the age: stored "Pendek" differs
    assert got[["register_row", "bulan", "column", "computed"]].values.tolist() == [
        [1, 2, "STATUS_TBU", "normal"]]
