"""Adversarial cases of the programme tools (review of issue 12): files and tables as district
nutrition officers make them. Each test fails on the bug it was written for."""

from __future__ import annotations

import pandas as pd
import pytest

import zscore
from zscore.cli import main


def _visits() -> pd.DataFrame:
    return pd.DataFrame({
        "NIK": ["1", "2", "3", "4"], "Kecamatan": ["K1", "K1", "K2", "K2"],
        "Desa": ["Sukamaju", "Cibodas", "Mekar Sari", "Tanjung"], "JK": ["L", "P", "L", "P"],
        "Tanggal Lahir": ["2023-01-05", "2023-02-01", "2022-07-09", "2022-07-09"],
        "Tanggal Ukur": ["2025-02-10", "2025-02-11", "2025-02-12", "2025-02-12"],
        "BB": [9.0, 10.1, 11.5, 11.0], "TB": [75.0, 83.0, 88.0, 87.0]})


def test_rollup_targets_match_desa_in_other_case_and_spacing():
    targets = pd.DataFrame({"Desa": ["SUKAMAJU", " cibodas ", "Mekar  Sari", "Tanjung"],
                            "Sasaran": [10, 20, 30, 40]})
    table = zscore.rollup(_visits(), by="Kecamatan,Desa", targets=targets)
    desa = table[table.level == "desa"].set_index("Desa")
    # four desa, each with its target; no extra rows for the other spellings
    assert sorted(desa.index) == ["Cibodas", "Mekar Sari", "Sukamaju", "Tanjung"]
    assert desa.sasaran.to_dict() == {"Cibodas": 20.0, "Mekar Sari": 30.0, "Sukamaju": 10.0,
                                      "Tanjung": 40.0}


def test_rollup_kecamatan_sasaran_sums_its_own_desa_only():
    targets = pd.DataFrame({"Desa": ["Sukamaju", "Cibodas", "Mekar Sari", "Tanjung"],
                            "Sasaran": [10, 20, 30, 40]})
    table = zscore.rollup(_visits(), by="Kecamatan,Desa", targets=targets)
    kec = table[table.level == "kecamatan"].set_index("Kecamatan")
    assert kec.sasaran.to_dict() == {"K1": 30.0, "K2": 70.0}
    assert kec.coverage_pct.to_dict() == {"K1": round(200 / 30, 2), "K2": round(200 / 70, 2)}
    assert table[table.level == "kabupaten"].sasaran.tolist() == [100.0]


def test_followup_a_row_without_weight_on_the_same_date_does_not_void_the_weighing():
    # a height-only row on the day of a weighing (a second line in the register)
    visits = pd.DataFrame({
        "NIK": ["1"] * 4, "JK": ["L"] * 4, "Tanggal Lahir": ["2024-01-10"] * 4,
        "Tanggal Penimbangan": ["2024-02-12", "2024-03-12", "2024-04-15", "2024-04-15"],
        "BB": [4.0, 4.9, 5.4, None], "TB": [None, None, None, 60.0]})
    rows = zscore.followup(visits).rows
    assert rows["growth"].tolist()[:3] == ["B", "N", "T"]
    assert rows["followup_reason"].tolist()[2] is None or pd.isna(
        rows["followup_reason"].tolist()[2])
    assert rows["followup_reason"].tolist()[3] == "weight_missing"


def test_cli_audit_with_every_stored_cell_empty_is_an_error(tmp_path, capsys):
    path = tmp_path / "reg.csv"
    path.write_text("NIK;JK;Tgl Lahir;Tanggal Penimbangan;BB;TB;Status TB/U\n"
                    "1;L;15/03/2023;10/01/2024;9,5;75,2;\n"
                    "2;P;15/03/2023;10/01/2024;9,1;74,0;\n", encoding="utf-8")
    out = tmp_path / "a.csv"
    assert main(["audit", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("zscore: error:") == 1 and "empty" in err
    assert not out.exists() and not (tmp_path / "a_summary.csv").exists()


def test_cli_followup_keeps_a_16_digit_nik_typed_as_a_number_in_excel(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "reg.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "KABUPATEN: BATU BARA")
    header = ["NIK Anak", "Jenis Kelamin", "Tanggal Lahir", "Tanggal Penimbangan",
              "Berat Badan (kg)"]
    for j, h in enumerate(header):
        sheet.write(2, j, h)
    rows = [(3201010101010001, "L", "15/03/2023", "10/01/2024", 9.5),
            (3201010101010001, "L", "15/03/2023", "12/02/2024", 9.9),
            (1271020304050607, "P", "20/06/2023", "12/02/2024", 7.0)]
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            sheet.write(3 + i, j, v)
    book.close()
    out = tmp_path / "f.csv"
    assert main(["followup", str(path), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "e+15" not in text
    nik = pd.read_csv(out, dtype=str)["NIK Anak"].tolist()
    assert nik == ["3201010101010001", "3201010101010001", "1271020304050607"]


def test_audit_a_fault_that_changes_nothing_is_not_a_cause():
    # z-scores within +-3 SD stored with 4 decimals, 0.004 off WHO's unrounded z: "rounding"
    # only. Plain LMS equals WHO's z inside +-3 SD, and TB/U's SD lines are its LMS (L = 1), so
    # neither may be named.
    n = 40
    frame = pd.DataFrame({"JK": ["L"] * n, "Umur (hari)": list(range(300, 300 + n)),
                          "BB": [8 + 2 * k / n for k in range(n)],
                          "TB": [70 + 5 * k / n for k in range(n)]})
    full = zscore.classify(frame, age="Umur (hari)", age_unit="days", precision="full")
    for z, column in (("zwei", "ZS BB/U"), ("zlen", "ZS TB/U")):
        assert full[z].abs().max() < 3
        frame[column] = (full[z] + 0.004).round(4)
    found = zscore.audit(frame, age="Umur (hari)", age_unit="days").disagreements
    assert len(found) > 10
    codes = " ".join(found.cause_code)
    assert "plain_lms" not in codes and "sd_lines" not in codes
    assert all(c.split()[0] == "rounding" for c in found.cause_code)


def _wide_two_rows(path) -> None:
    """A posyandu recap as typed in Excel: a title row, two header rows with merged month
    cells, a weight typed as text with a decimal comma, dates as text and as Excel dates, an
    empty month and a child with no weighing at all."""
    import datetime

    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("REKAP")
    sheet.write(0, 0, "REKAP PENIMBANGAN POSYANDU MAWAR 2025")
    child = ["No", "NIK", "NAMA ANAK", "TANGGAL LAHIR", "JK", "DESA"]
    for j, h in enumerate(child):
        sheet.merge_range(2, j, 3, j, h)
    col = len(child)
    for month in ("JANUARI", "FEBRUARI", "MARET"):
        sheet.merge_range(2, col, 2, col + 2, month)
        for k, f in enumerate(("TGL UKUR", "BERAT", "TINGGI")):
            sheet.write(3, col + k, f)
        col += 3
    dmy = book.add_format({"num_format": "dd/mm/yyyy"})
    rows = [(1, "3201010101010001", "Ani", "15/03/2023", "P", "Sukamaju",
             [("10/01/2025", 9.5, 75.0), None,
              (datetime.datetime(2025, 3, 12), "9,9", "77,1")]),
            (2, "3201010101010002", "Budi", "01/12/2021", "L", "Sukamaju", [None] * 3),
            (3, "3201010101010003", "Citra", "20/06/2023", "P", "Cibodas",
             [("13/01/2025", 8.0, 70.0), ("12/02/2025", 8.3, 71.0), ("12/03/2025", 8.6, 72)])]
    for i, (*own, months) in enumerate(rows):
        for j, v in enumerate(own):
            sheet.write(4 + i, j, v)
        col = len(child)
        for m in months:
            for k, v in enumerate(m or ()):
                if isinstance(v, datetime.datetime):
                    sheet.write_datetime(4 + i, col + k, v, dmy)
                else:
                    sheet.write(4 + i, col + k, v)
            col += 3
    book.close()


def test_wide_register_with_numbers_typed_as_text_in_some_cells(tmp_path):
    path = tmp_path / "rekap.xlsx"
    _wide_two_rows(path)
    long = zscore.read_register(path, year=2025).weighings
    assert long[["NIK", "bulan"]].values.tolist() == [
        ["3201010101010001", 1], ["3201010101010001", 3], ["3201010101010003", 1],
        ["3201010101010003", 2], ["3201010101010003", 3]]
    assert long["Berat Badan (kg)"].tolist() == [9.5, 9.9, 8.0, 8.3, 8.6]
    assert long["Tinggi Badan (cm)"].tolist() == [75.0, 77.1, 70.0, 71.0, 72.0]
    out = tmp_path / "f.csv"
    assert main(["followup", str(path), "--register", "wide", "--year", "2025",
                 "-o", str(out)]) == 0
    got = pd.read_csv(out, dtype={"NIK": str})
    assert got.growth.tolist() == ["B", "O", "B", "N", "N"]
    assert got.followup_reason.isna().all()


def test_audit_a_status_without_a_computed_one_is_not_called_a_boundary_case():
    # a girl of 7 years: WHO's weight-for-age z exists (2007 reference), Permenkes gives no
    # BB/U status after 60 months, so "Normal" stored is not a z on a cut-off
    frame = pd.DataFrame({"NIK": ["2"], "JK": ["P"], "Tanggal Lahir": ["2018-02-01"],
                          "Tanggal Ukur": ["2025-02-11"], "BB": [20.1], "TB": [113.0],
                          "Status BB/U": ["Normal"]})
    found = zscore.audit(frame).disagreements
    assert found.cause_code.tolist() == ["not_computed"]


def test_rollup_counts_balita_only(recwarn):
    visits = _visits()
    visits.loc[3, "Tanggal Lahir"] = "2018-02-01"  # 7 years old: not a balita
    visits.loc[3, "TB"] = 100.0  # stunted at 7 (WHO 2007), still not counted
    table = zscore.rollup(visits, by="Kecamatan,Desa")
    total = table[table.level == "kabupaten"].iloc[0]
    assert (total.children, total.weighed, total.stunted_of) == (3, 3, 3)
    assert "Tanjung" not in set(table.Desa)
    assert any("5 years" in str(w.message) for w in recwarn)


def test_followup_a_flagged_weight_for_age_is_not_bgm():
    # 9.5 kg keyed as 0.95 at 14 months: zwei far below -6, flagged by WHO; BGM unknown, not 1
    visits = pd.DataFrame({"NIK": ["1", "2"], "JK": ["L", "L"],
                           "Tanggal Lahir": ["2023-01-10", "2023-01-10"],
                           "Tanggal Penimbangan": ["2024-03-12", "2024-03-12"],
                           "BB": [0.95, 6.0]})
    result = zscore.followup(visits)
    assert result.rows["bgm"].tolist()[0] is pd.NA
    assert result.rows["bgm"].tolist()[1] == 1  # 6.0 kg at 14 months: below -3 SD, plausible
    assert result.monthly["BGM"].tolist() == [1]


def test_wide_register_date_order_from_birth_dates_or_date_format(tmp_path, capsys):
    # every weighing date could be day/month or month/day (10/01, 11/02); the birth dates
    # cannot (15/03): the order is decided with them, as zscore classify does
    path = tmp_path / "rekap.csv"
    path.write_text("NIK;JK;TANGGAL LAHIR;JANUARI_TGL UKUR;JANUARI_BERAT;FEBRUARI_TGL UKUR;"
                    "FEBRUARI_BERAT\n1;L;15/03/2023;10/01/2025;9,0;11/02/2025;9,3\n",
                    encoding="utf-8")
    long = zscore.read_register(path).weighings
    assert long["periode"].tolist() == ["2025-01", "2025-02"]
    # without a birth date, the option the error message names works on the command line
    bare = tmp_path / "bare.csv"
    bare.write_text("NIK;JK;UMUR;JANUARI_TGL UKUR;JANUARI_BERAT;FEBRUARI_TGL UKUR;"
                    "FEBRUARI_BERAT\n1;L;20;10/01/2025;9,0;11/02/2025;9,3\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    assert main(["followup", str(bare), "--register", "wide", "-o", str(out)]) == 2
    assert "--date-format dmy" in capsys.readouterr().err and not out.exists()
    assert main(["followup", str(bare), "--register", "wide", "--date-format", "dmy",
                 "-o", str(out)]) == 0
    assert pd.read_csv(out)["periode"].tolist() == ["2025-01", "2025-02"]


def test_rollup_level_names_say_what_the_rows_are():
    visits = _visits().rename(columns={"Desa": "Kelurahan"})
    visits["Posyandu"] = ["Mawar", "Melati", "Mawar", "Mawar"]
    table = zscore.rollup(visits, by="Kelurahan,Posyandu")
    assert table.level.drop_duplicates().tolist() == ["posyandu", "desa", "kabupaten"]
    assert (table.level == "posyandu").sum() == 4 and (table.level == "desa").sum() == 4


def test_rollup_targets_by_desa_name_alone_refused_when_a_name_is_in_two_kecamatan():
    visits = _visits()
    visits.loc[3, "Desa"] = "Sukamaju"  # a Sukamaju in K1 and another in K2
    targets = pd.DataFrame({"Desa": ["Sukamaju", "Cibodas", "Mekar Sari"],
                            "Sasaran": [10, 20, 30]})
    with pytest.raises(zscore.InputError, match=r"Sukamaju.*Kecamatan"):
        zscore.rollup(visits, by="Kecamatan,Desa", targets=targets)
    targets["Kecamatan"] = ["k1", "K1", "K2"]  # with the kecamatan: joined, any case
    table = zscore.rollup(visits, by="Kecamatan,Desa", targets=targets)
    got = table[table.level == "desa"].set_index(["Kecamatan", "Desa"]).sasaran
    assert got.dropna().to_dict() == {("K1", "Cibodas"): 20.0, ("K1", "Sukamaju"): 10.0,
                                      ("K2", "Mekar Sari"): 30.0}
    assert got.isna().sum() == 1 and pd.isna(got[("K2", "Sukamaju")])
    assert table[table.level == "kabupaten"].sasaran.tolist() == [60.0]


def test_cli_wide_register_from_standard_input(monkeypatch, capsys):
    import io
    import sys

    text = ("NIK;JK;TANGGAL LAHIR;JANUARI_TGL UKUR;JANUARI_BERAT;FEBRUARI_TGL UKUR;"
            "FEBRUARI_BERAT\n1;L;15/03/2023;10/01/2025;9,0;11/02/2025;9,3\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["followup", "-", "--register", "wide", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and '"B"' in out


def test_wide_register_month_names_with_the_year(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "rekap.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for j, h in enumerate(["NIK", "JK", "TANGGAL LAHIR"]):
        sheet.merge_range(0, j, 1, j, h)
    for k, month in enumerate(("JANUARI 2025", "FEBRUARI 2025")):  # merged over 2 columns
        sheet.merge_range(0, 3 + 2 * k, 0, 4 + 2 * k, month)
        sheet.write(1, 3 + 2 * k, "TGL UKUR")
        sheet.write(1, 4 + 2 * k, "BERAT")
    for j, v in enumerate(["1", "L", "15/03/2023", "10/01/2025", 9.0, "11/02/2025", 9.3]):
        sheet.write(2, j, v)
    book.close()
    long = zscore.read_register(path).weighings
    assert long[["periode", "Berat Badan (kg)"]].values.tolist() == [["2025-01", 9.0],
                                                                     ["2025-02", 9.3]]
    one_row = zscore.read_register({"NIK": ["1"], "BERAT_JANUARI_2025": [9.0],
                                    "BERAT_FEBRUARI_2025": [9.3]}, year=2025).weighings
    assert one_row["Berat Badan (kg)"].tolist() == [9.0, 9.3]


def test_cli_a_second_table_never_replaces_the_input_or_the_output(tmp_path, capsys):
    path = tmp_path / "reg.csv"
    text = ("NIK;JK;Tgl Lahir;Tanggal Penimbangan;BB\n1;L;15/03/2023;13/01/2024;9,5\n"
            "1;L;15/03/2023;13/02/2024;9,7\n")
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "f.csv"
    assert main(["followup", str(path), "-o", str(out), "--children", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == text and not out.exists()
    assert main(["followup", str(path), "-o", str(out), "--monthly", str(out)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err.count("zscore: error:") == 2


def test_rollup_targets_as_kept_desa_kelurahan_header_and_a_total_row(recwarn):
    targets = pd.DataFrame({"No": [1, 2, 3, 4, None],
                            "Desa/Kelurahan": ["Sukamaju", "Cibodas", "Mekar Sari", "Tanjung",
                                               "JUMLAH"],
                            "Jumlah Sasaran Balita": [10, 20, 30, 40, 100]})
    table = zscore.rollup(_visits(), by="Kecamatan,Desa", targets=targets)
    assert table[table.level == "desa"].sasaran.tolist() == [20.0, 10.0, 30.0, 40.0]
    assert table[table.level == "kabupaten"].sasaran.tolist() == [100.0]  # not 200
    assert "JUMLAH" not in set(table.Desa)
    assert any("totals" in str(w.message) for w in recwarn)
