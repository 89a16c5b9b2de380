"""zscore.audit: a register with known stored errors of each documented kind; the audit must
find exactly those, each with its cause, and nothing else.

The wrong values are made here with the test's own formulas (plain LMS and SD-line
interpolation from the WHO table files, read as text) or by zscore.classify on the faulty
inputs a local tool would use (age in whole months, length rounded to 0.5 cm): none of it
shares code with zscore.programme._variants."""

from __future__ import annotations

import datetime
import math
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import zscore

BIRTH = datetime.date(2022, 1, 1)
STATUS = {"len": ("Status TB/U", "stunting"), "wei": ("Status BB/U", "underweight"),
          "wfl": ("Status BB/TB", "wasting")}
ZS = {"len": "ZS TB/U", "wei": "ZS BB/U", "wfl": "ZS BB/TB"}


def who_table(name: str) -> dict[tuple[int, float], tuple[float, float, float]]:
    text = resources.files("zscore").joinpath("data", "who_growth_standards",
                                              f"{name}.tsv").read_text()
    out = {}
    for line in text.splitlines()[1:]:
        sex, key, l, m, s = line.split("\t")
        out[(int(sex), float(key))] = (float(l), float(m), float(s))
    return out


WEI, LEN, WFL = who_table("wei_2006"), who_table("len_2006"), who_table("wfl_2006")


def plain(y: float, lms: tuple[float, float, float]) -> float:
    l, m, s = lms
    return ((y / m) ** l - 1) / (l * s)


def by_sd_lines(y: float, lms: tuple[float, float, float]) -> float:
    l, m, s = lms
    line = {k: m * (1 + l * s * k) ** (1 / l) for k in range(-3, 4)}
    for k in range(-3, 3):
        if line[k] <= y < line[k + 1]:
            return k + (y - line[k]) / (line[k + 1] - line[k])
    if y < line[-3]:
        return -3 - (line[-3] - y) / (line[-2] - line[-3])
    return 3 + (y - line[3]) / (line[3] - line[2])


def children() -> pd.DataFrame:
    rng = np.random.default_rng(20250)
    rows = []
    for i in range(40):
        sex = "L" if i % 2 == 0 else "P"
        days = int(rng.integers(100, 1500))
        visit = BIRTH + datetime.timedelta(days=days)
        lying = days < 731
        lms_len = LEN[(1 if sex == "L" else 2, float(days))]
        height = round(lms_len[1] * (1 + lms_len[2] * rng.normal(-0.8, 0.9)), 1)
        lms_wei = WEI[(1 if sex == "L" else 2, float(days))]
        weight = round(lms_wei[1] * (1 + lms_wei[2] * rng.normal(-0.5, 0.8)), 1)
        rows.append({"NIK": f"32010{i:011d}", "Nama Anak": f"Anak {i}", "JK": sex,
                     "Tanggal Lahir": BIRTH.isoformat(), "Tanggal Ukur": visit.isoformat(),
                     "BB": weight, "TB": height, "Cara Ukur": "Terlentang" if lying else "Berdiri",
                     "Desa": ["Sukamaju", "Cibodas"][i % 2 == 0 and i % 3 == 0],
                     "Posyandu": f"Mawar {i % 3}"})
    return pd.DataFrame(rows)


def scored(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    """zscore.classify of the rows, with Permenkes labels (optionally on changed inputs)."""
    base = dict(sex="JK", birth_date="Tanggal Lahir", visit_date="Tanggal Ukur", weight="BB",
                lenhei="TB", measure="Cara Ukur")
    base.update(changes)
    return zscore.classify(frame, labels="id", **base)


def with_stored(frame: pd.DataFrame) -> pd.DataFrame:
    out = scored(frame)
    register = frame.copy()
    for ind, (column, category) in STATUS.items():
        register[column] = [None if v is None or v != v else str(v).title()
                            for v in out[category].astype(object)]
        register[ZS[ind]] = [None if math.isnan(z) else f"{z:.2f}" for z in out["z" + ind]]
    return register


def plant(register: pd.DataFrame, row: int, column: str, value: str) -> None:
    register.loc[row, column] = value


def age_days(frame: pd.DataFrame, row: int) -> int:
    return (datetime.date.fromisoformat(frame.loc[row, "Tanggal Ukur"]) - BIRTH).days


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, dict[tuple[int, str], str]]:
    frame = children()
    # row 0: very low weight: beyond -3 SD plain LMS and WHO's restricted LMS differ
    frame.loc[0, "BB"] = round(frame.loc[0, "BB"] * 0.62, 1)
    # row 2: low weight for length too
    frame.loc[2, "BB"] = round(frame.loc[2, "BB"] * 0.65, 1)
    # row 4: age 20 days past a whole month
    # row 6: a height between 0.5 cm steps (x.2, x.8 round away from x.0 and x.5)
    frame.loc[6, "TB"] = math.floor(frame.loc[6, "TB"]) + 0.2
    # row 8: far too short: length-for-age flagged
    frame.loc[8, "TB"] = round(frame.loc[8, "TB"] * 0.7, 1)
    # row 10: length exactly -2.00 SD (as stored: 2 decimals)
    days10 = age_days(frame, 10)
    sex10 = 1 if frame.loc[10, "JK"] == "L" else 2
    lms = LEN[(sex10, float(days10))]
    adjust = 0.0
    if days10 >= 731 and frame.loc[10, "Cara Ukur"] == "Terlentang":
        adjust = 0.7
    frame.loc[10, "TB"] = round(lms[1] * (1 - 2 * lms[2]) + adjust, 4)
    # row 21: a length between the -2 SD lines of the exact age and of the age in completed
    # months (younger, so its line is lower): pendek by WHO, normal by whole months
    d21 = age_days(frame, 21)
    s21 = 1 if frame.loc[21, "JK"] == "L" else 2
    exact, whole = LEN[(s21, float(d21))], LEN[(s21, float(math.floor(
        math.floor(d21 / 30.4375) * 30.4375 + 0.5)))]
    low, high = whole[1] * (1 - 2 * whole[2]), exact[1] * (1 - 2 * exact[2])
    assert high > low + 0.05, "row 21 must be well past a whole month"
    adjust = 0.7 if d21 >= 731 and frame.loc[21, "Cara Ukur"] == "Terlentang" else 0.0
    frame.loc[21, "TB"] = round((low + high) / 2 + adjust, 2)
    register = with_stored(frame)
    out = scored(frame)
    expect: dict[tuple[int, str], str] = {}
    assert out.loc[21, "stunting"] == "pendek"
    plant(register, 21, "Status TB/U", "Normal")
    expect[(21, "Status TB/U")] = "completed_months"

    def days_of(row: int) -> int:
        return age_days(frame, row)

    def sex_of(row: int) -> int:
        return 1 if frame.loc[row, "JK"] == "L" else 2

    # plain LMS (the test's own formula at the day's LMS)
    z = plain(frame.loc[0, "BB"], WEI[(sex_of(0), float(days_of(0)))])
    assert abs(z - out.loc[0, "zwei"]) > 0.02, "row 0 must be beyond -3 SD"
    plant(register, 0, "ZS BB/U", f"{z:.2f}")
    expect[(0, "ZS BB/U")] = "plain_lms"
    clh2 = out.loc[2, "clenhei"]
    table = WFL if days_of(2) < 731 else who_table("wfh_2006")
    low = math.floor(round(clh2 * 10, 6)) / 10
    a, b = table[(sex_of(2), round(low, 1))], table[(sex_of(2), round(low + 0.1, 1))]
    d = (clh2 - low) / 0.1
    lms2 = tuple(x + d * (y - x) for x, y in zip(a, b, strict=True))
    z = plain(frame.loc[2, "BB"], lms2)
    assert abs(z - out.loc[2, "zwfl"]) > 0.02, "row 2 must be beyond -3 SD"
    plant(register, 2, "ZS BB/TB", f"{z:.2f}")
    expect[(2, "ZS BB/TB")] = "plain_lms"
    # completed months: classify given the age as floor(days / 30.4375) months
    months = frame.assign(m=[math.floor(age_days(frame, r) / 30.4375) for r in frame.index])
    wrong = scored(months, birth_date=None, visit_date=None, age="m", age_unit="months")
    for row in (r for r in range(3, 40) if r != 21):
        if abs(wrong.loc[row, "zlen"] - out.loc[row, "zlen"]) >= 0.02:
            break
    plant(register, row, "ZS TB/U", f"{wrong.loc[row, 'zlen']:.2f}")
    expect[(row, "ZS TB/U")] = "completed_months"
    # rounded months on weight-for-age
    rounded = frame.assign(m=[math.floor(age_days(frame, r) / 30.44 + 0.5) for r in frame.index])
    wrong = scored(rounded, birth_date=None, visit_date=None, age="m", age_unit="months")
    for row2 in (r for r in range(12, 40) if r != 21):
        if abs(wrong.loc[row2, "zwei"] - out.loc[row2, "zwei"]) >= 0.02 and \
                abs(out.loc[row2, "zwei"]) < 3:
            break
    plant(register, row2, "ZS BB/U", f"{wrong.loc[row2, 'zwei']:.2f}")
    expect[(row2, "ZS BB/U")] = "rounded_months"
    # 0.5 cm steps: classify with the length rounded to the nearest 0.5 cm
    halves = frame.copy()
    halves.loc[6, "TB"] = math.floor(frame.loc[6, "TB"] * 2 + 0.5) / 2
    wrong = scored(halves)
    assert abs(wrong.loc[6, "zwfl"] - out.loc[6, "zwfl"]) >= 0.01
    plant(register, 6, "ZS BB/TB", f"{wrong.loc[6, 'zwfl']:.2f}")
    expect[(6, "ZS BB/TB")] = "half_cm"
    # SD lines, on weight-for-age (length-for-age has L = 1: its SD lines are straight)
    for row3 in range(14, 40):
        if row3 in (row, row2, 21):
            continue
        z = by_sd_lines(frame.loc[row3, "BB"], WEI[(sex_of(row3), float(days_of(row3)))])
        if abs(z - out.loc[row3, "zwei"]) >= 0.01:
            break
    else:
        raise AssertionError("no child whose SD-line z differs")
    plant(register, row3, "ZS BB/U", f"{z:.2f}")
    expect[(row3, "ZS BB/U")] = "sd_lines"
    # a flagged z with a status
    assert out.loc[8, "flen"] == 1
    plant(register, 8, "Status TB/U", "Sangat Pendek")
    expect[(8, "Status TB/U")] = "flagged"
    # a label Permenkes does not have
    plant(register, 16 if 16 not in (row, row2, row3) else 18, "Status BB/TB", "Gizi Sedang")
    expect[(16 if 16 not in (row, row2, row3) else 18, "Status BB/TB")] = "unrecognised"
    # z exactly -2.00 classed as pendek
    assert out.loc[10, "zlen"] == -2.0
    plant(register, 10, "Status TB/U", "Pendek")
    expect[(10, "Status TB/U")] = "boundary"
    # labels written any way agree
    register.loc[1, "Status BB/U"] = "  " + str(register.loc[1, "Status BB/U"]).upper() + " "
    register.loc[3, "Status BB/TB"] = str(register.loc[3, "Status BB/TB"]).replace(" ", "   ")
    return register, expect


def test_finds_exactly_the_planted_errors(planted):
    register, expect = planted
    found = zscore.audit(register)
    got = {(r.row, r.column): r.cause_code for r in found.disagreements.itertuples()}
    assert set(got) == set(expect)
    for key, cause in expect.items():
        assert cause in got[key].split(), (key, got[key])
    assert set(found.columns) == {"Status TB/U", "Status BB/U", "Status BB/TB", "ZS TB/U",
                                  "ZS BB/U", "ZS BB/TB"}


def test_summary_counts_per_group(planted):
    register, expect = planted
    found = zscore.audit(register)
    summary = found.summary
    assert found.groups == ["Desa", "Posyandu"]
    everything = summary[(summary.Desa == "All")]
    for column in ("Status TB/U", "ZS BB/U"):
        row = everything[everything.column == column].iloc[0]
        planted_here = sum(1 for (_, c) in expect if c == column)
        assert row.disagree == planted_here
        assert row.compared == register[column].notna().sum()
        assert row.agree + row.disagree == row.compared
    parts = summary[summary.Desa != "All"]
    total = parts.groupby("column").disagree.sum()
    assert total["ZS BB/U"] == sum(1 for (_, c) in expect if c == "ZS BB/U")


def test_columns_named_and_errors():
    frame = pd.DataFrame({"sex": [1, 2], "age": [400, 700], "weight": [9.0, 10.0],
                          "height": [74.0, 80.0], "tbu": ["normal", "tinggi"],
                          "mine": ["pendek", "normal"]})
    found = zscore.audit(frame, status_len="mine")
    assert found.columns == {"mine": "status_len", "tbu": "status_len"} or \
        "mine" in found.columns
    with pytest.raises(zscore.InputError, match="no stored status"):
        zscore.audit(frame[["sex", "age", "weight", "height"]])


def test_cli_audit(planted, tmp_path):
    from zscore.cli import main

    register, expect = planted
    source = tmp_path / "register.xlsx"
    register.to_excel(source, index=False, engine="xlsxwriter")
    out = tmp_path / "audit.csv"
    assert main(["audit", str(source), "-o", str(out), "--quiet"]) == 0
    table = pd.read_csv(out, dtype={"stored": str})
    assert {(r.row, r.column) for r in table.itertuples()} == set(expect)
    summary = tmp_path / "audit_summary.csv"
    assert summary.exists()


def test_decimal_commas_and_text_as_stored(recwarn):
    register = {"JK": ["L", "P", "P"], "Umur (bulan)": [14.5, 30.2, 30.2],
                "BB": [9.1, 10.2, 10.2], "TB": [72.0, 84.0, 84.0],
                "ZS TB/U": ["-2,63", "-2,10", "tidak diukur"]}
    found = zscore.audit(register)
    got = found.disagreements[["row", "stored", "computed", "cause_code"]].values.tolist()
    assert got == [[1, "-2,10", "-1.93", ""], [2, "tidak diukur", "-1.93", "unrecognised"]]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_an_ambiguous_group_column_is_left_out_with_a_note():
    register = {"JK": ["L", "P"], "Umur (bulan)": [14.5, 30.2], "BB": [9.1, 10.2],
                "TB": [72.0, 84.0], "Status TB/U": ["Pendek", "Pendek"],
                "Kelurahan": ["A", "B"], "Nama Desa": ["A", "B"], "Posyandu": ["P", "Q"]}
    with pytest.warns(zscore.ZScoreWarning, match="not used for groups"):
        found = zscore.audit(register)
    assert found.groups == ["Posyandu"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = zscore.audit(register, by="Kelurahan")
    assert found.groups == ["Kelurahan"]
