"""zscore.followup on hand-made weighing histories: B, N, T, 2T, O after a skipped month,
unsorted input, duplicates and the other per-row reasons. Expected values are worked out by
hand from the Buku KIA KBM row (800, 900, 800, 600, 500, 400, 300 ... 200 g)."""

from __future__ import annotations

import datetime
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import zscore


def lms(table: str, sex: int, day: int) -> tuple[float, float, float]:
    text = resources.files("zscore").joinpath("data", "who_growth_standards",
                                              f"{table}.tsv").read_text()
    for line in text.splitlines()[1:]:
        s, key, l, m, sd = line.split("\t")
        if int(s) == sex and float(key) == day:
            return float(l), float(m), float(sd)
    raise KeyError(day)


def at_z(table: str, sex: int, day: int, z: float) -> float:
    l, m, s = lms(table, sex, day)
    return m * (1 + l * s * z) ** (1 / l)


BIRTH = "2024-01-10"
# child A, in date order: (date, weight kg, expected growth, gain g, kbm g, two_t)
A = [("2024-02-12", 4.0, "B", None, None, None),      # first weighing
     ("2024-03-12", 4.9, "N", 900, 900, 0),           # 2 months: gain 900 >= 900
     ("2024-04-15", 5.4, "T", 500, 800, 0),           # 3 months: 500 < 800
     ("2024-05-14", 5.7, "T", 300, 600, 1),           # 4 months: second T in a row: 2T
     ("2024-07-10", 6.3, "O", 600, None, None),       # June skipped: O
     ("2024-08-12", 6.4, "T", 100, 300, 0),           # 7 months: T, but not 2T (after O)
     ("2024-09-11", 6.5, "T", 100, 300, 1),           # 8 months: 2T again
     ("2024-10-14", 6.9, "N", 400, 300, 0)]           # 9 months: N


def histories() -> pd.DataFrame:
    rows = [{"NIK": "3201000000000001", "JK": "L", "Tanggal Lahir": BIRTH,
             "Tanggal Penimbangan": d, "BB": w, "Posyandu": "Mawar"} for d, w, *_ in A]
    b = "3201000000000002"
    rows += [
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2024-03-05",
         "BB": 8.0, "Posyandu": "Melati"},
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2024-02-06",
         "BB": 7.8, "Posyandu": "Melati"},                       # earlier, listed later
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2024-03-05",
         "BB": 8.0, "Posyandu": "Melati"},                       # the same weighing again
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2024-04-09",
         "BB": 6.1, "Posyandu": "Melati"},                       # -24 %: implausible
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2024-05-07",
         "BB": 8.3, "Posyandu": "Melati"},                       # vs March: gap: O
        {"NIK": b, "JK": "P", "Tanggal Lahir": "2023-06-01", "Tanggal Penimbangan": "2023-05-07",
         "BB": 3.0, "Posyandu": "Melati"},                       # before birth
        {"NIK": "3201000000000003", "JK": "L", "Tanggal Lahir": "2023-01-01",
         "Tanggal Penimbangan": "2024-01-09", "BB": 9.0, "Posyandu": "Melati"},
        {"NIK": "3201000000000003", "JK": "L", "Tanggal Lahir": "2023-01-01",
         "Tanggal Penimbangan": "2024-01-09", "BB": 9.4, "Posyandu": "Melati"},  # conflict
        {"NIK": None, "JK": "L", "Tanggal Lahir": "2023-01-01",
         "Tanggal Penimbangan": "2024-01-09", "BB": 9.4, "Posyandu": "Melati"},
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result():
    return zscore.followup(histories())


def test_child_a_codes(result):
    rows = result.rows.iloc[: len(A)]
    assert rows["growth"].tolist() == [g for _, _, g, *_ in A]
    for got, (_, _, _, gain, kbm, two) in zip(rows.itertuples(), A, strict=True):
        assert (np.isnan(got.gain_g) if gain is None else got.gain_g == gain)
        assert (np.isnan(got.kbm_g) if kbm is None else got.kbm_g == kbm)
        assert (pd.isna(got.two_t) if two is None else got.two_t == two)
    assert rows["followup_reason"].isna().all()


def test_rows_keep_order_and_columns(result):
    frame = histories()
    rows = result.rows
    assert len(rows) == len(frame)
    pd.testing.assert_frame_equal(rows[frame.columns], frame)
    assert list(rows.columns[len(frame.columns):]) == ["age_months", "growth", "gain_g",
                                                       "kbm_g", "two_t", "bgm",
                                                       "followup_reason"]


def test_reasons_and_unsorted_input(result):
    rows = result.rows
    b = rows.iloc[len(A):]
    growth = b["growth"].tolist()
    reason = b["followup_reason"].tolist()
    # 2024-02 is B (listed second), 2024-03 N? gain 200 at 9 months, KBM 300: T
    assert growth[1] == "B" and growth[0] == "T" and b.iloc[0].gain_g == 200
    assert reason[2] == "duplicate_weighing" and pd.isna(growth[2])
    assert reason[3] == "weight_fall" and pd.isna(growth[3])
    assert growth[4] == "O"
    assert reason[5] == "date_before_birth"
    assert reason[6] == reason[7] == "same_date_conflict"
    assert reason[8] == "child_missing"


def test_kbm_table_by_name():
    one = histories().iloc[:3]  # B, then 900 g at 2 months, then 500 g at 3 months
    kia = zscore.followup(one)
    other = zscore.followup(one, kbm="posyandu_file")  # 600 g at 3 months
    assert kia.rows["kbm_g"].tolist()[2] == 800 and other.rows["kbm_g"].tolist()[2] == 600
    assert kia.kbm.name == "buku_kia_2023" and "Buku KIA" in kia.kbm.source
    with pytest.raises(zscore.InputError, match="kbm="):
        zscore.followup(one, kbm="nope")


def test_bgm_below_minus_3_sd():
    day = (datetime.date(2024, 7, 10) - datetime.date(2024, 1, 10)).days
    line = at_z("wei_2006", 2, day, -3.0)
    frame = pd.DataFrame({"id": ["x", "y"], "sex": ["P", "P"], "Tanggal Lahir": [BIRTH] * 2,
                          "Tanggal Penimbangan": ["2024-07-10"] * 2,
                          "BB": [round(line - 0.05, 2), round(line + 0.05, 2)]})
    rows = zscore.followup(frame).rows
    assert rows["bgm"].tolist() == [1, 0]


def test_height_fall_and_transition():
    sex, birth = 1, datetime.date(2023, 1, 1)
    visits = [datetime.date(2024, 1, 2), datetime.date(2024, 7, 1), datetime.date(2024, 8, 5)]
    z = [-1.0, -2.5, -2.6]
    heights = [round(at_z("len_2006", sex, (v - birth).days, k), 1) for v, k in zip(
        visits, z, strict=True)]
    heights[2] = heights[1] - 2.0  # a length 2 cm below last month's
    frame = pd.DataFrame({"NIK": ["7"] * 3, "JK": ["L"] * 3, "Tgl Lahir": [str(birth)] * 3,
                          "Tgl Ukur": [str(v) for v in visits], "BB": [10.0, 10.2, 10.5],
                          "PB": heights, "Cara Ukur": ["Terlentang"] * 3})
    result = zscore.followup(frame)
    reasons = [r if isinstance(r, str) else None for r in result.rows["followup_reason"]]
    assert reasons == [None, None, "height_fall"]
    child = result.children.iloc[0]
    assert child.first_status == "normal" and child.transition == "became stunted"
    assert child.weighings == 3


def test_monthly_counts(result):
    monthly = result.monthly
    assert (monthly["D"] == monthly["N"] + monthly["T"] + monthly["O"] + monthly["B"]).all()
    mawar = monthly[monthly.Posyandu == "Mawar"].set_index("month")
    assert mawar.loc["2024-05", "T"] == 1 and mawar.loc["2024-05", "2T"] == 1
    assert mawar.D.sum() == len(A)


def test_errors():
    with pytest.raises(zscore.InputError, match="child"):
        zscore.followup(histories().drop(columns=["NIK"]))
    with pytest.raises(zscore.InputError, match="already has"):
        zscore.followup(histories().assign(growth="x"))


def test_cli_followup_semicolon_csv(tmp_path):
    from zscore.cli import main

    frame = histories()
    text = frame.assign(BB=frame.BB.map(lambda w: f"{w:.1f}".replace(".", ","))).to_csv(
        sep=";", index=False)
    source = tmp_path / "timbang.csv"
    source.write_text(text, encoding="utf-8")
    assert main(["followup", str(source), "--quiet"]) == 0
    out = pd.read_csv(tmp_path / "timbang_followup.csv", sep=";", dtype=str)
    assert out["NIK"].tolist() == frame["NIK"].tolist()  # 16-digit ids written back as read
    assert out["BB"].tolist()[:2] == ["4,0", "4,9"]
    assert out["growth"].tolist()[: len(A)] == [g for _, _, g, *_ in A]
    assert (tmp_path / "timbang_followup_children.csv").exists()
    assert (tmp_path / "timbang_followup_monthly.csv").exists()


def test_cli_structural_error_writes_nothing(tmp_path, capsys):
    from zscore.cli import main

    source = tmp_path / "timbang.csv"
    histories().drop(columns=["NIK"]).to_csv(source, index=False)
    assert main(["followup", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zscore: error:") and "child" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timbang.csv"]


def test_mapping_file_names_the_child(tmp_path):
    from zscore.cli import main

    frame = histories().rename(columns={"NIK": "No Register"})
    source = tmp_path / "buku.csv"
    frame.to_csv(source, index=False)
    mapping = tmp_path / "buku.toml"
    mapping.write_text('[columns]\nchild = ["No Register"]\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["followup", str(source), "--mapping", str(mapping), "-o", str(out),
                 "--quiet"]) == 0
    assert pd.read_csv(out)["growth"].tolist()[: len(A)] == [g for _, _, g, *_ in A]
    rows = zscore.followup(frame, preset={"columns": {"child": ["No Register"]}}).rows
    assert rows["growth"].tolist()[: len(A)] == [g for _, _, g, *_ in A]
