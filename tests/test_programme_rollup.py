"""zscore.rollup: the counts per desa, kecamatan and kabupaten equal a plain pandas groupby
of the same register (the latest status per child in the period), computed here."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore.programme.rollup import parse_period

PLACES = [("Kec Utara", "Sukamaju"), ("Kec Utara", "Cibodas"), ("Kec Selatan", "Karangrejo"),
          ("Kec Selatan", "Tanjungsari"), ("Kec Selatan", "Sidomulyo")]


def register() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for k in range(120):
        kec, desa = PLACES[k % len(PLACES)]
        birth = datetime.date(2021, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 1200)))
        sex = "L" if k % 2 else "P"
        for month in sorted(rng.choice(np.arange(1, 13), size=int(rng.integers(1, 6)),
                                       replace=False)):
            day = datetime.date(2025, int(month), int(rng.integers(1, 28)))
            if k % 17 == 0 and month > 6:
                kec, desa = PLACES[(k + 1) % len(PLACES)]  # moved in the second half
            age = (day - birth).days
            rows.append({"NIK": f"3201{k:012d}", "Kecamatan": kec, "Desa": desa, "JK": sex,
                         "Tanggal Lahir": birth.isoformat(), "Tanggal Ukur": day.isoformat(),
                         "BB": round(float(rng.normal(3.2 + age / 110, 1.4)), 1),
                         "TB": (None if rng.random() < 0.2 else
                                round(float(rng.normal(50 + age / 24, 4.5)), 1))})
    return pd.DataFrame(rows)


def expected(frame: pd.DataFrame, first: str, end: str) -> pd.DataFrame:
    """The roll-up by hand: pandas groupby on zscore.classify's statuses."""
    scored = zscore.classify(frame, labels="id", visit_date="Tanggal Ukur")
    scored["date"] = pd.to_datetime(scored["Tanggal Ukur"])
    scored = scored[(scored.date >= first) & (scored.date < end)]
    scored = scored.sort_values(["NIK", "date"], kind="stable")
    last = scored.groupby("NIK").tail(1).set_index("NIK")[["Kecamatan", "Desa"]]
    last["weighed"] = scored.groupby("NIK").BB.apply(lambda s: s.notna().any())
    last["measured"] = scored.groupby("NIK").TB.apply(lambda s: s.notna().any())
    for name, column, bad in (("stunted", "stunting", ["pendek", "sangat pendek"]),
                              ("wasted", "wasting", ["gizi buruk", "gizi kurang"]),
                              ("underweight", "underweight", ["berat badan kurang",
                                                              "berat badan sangat kurang"])):
        has = scored[scored[column].notna()]
        latest = has.groupby("NIK")[column].last()
        last[name + "_of"] = last.index.isin(latest.index)
        last[name] = [latest.get(c) in bad for c in last.index]
    return last


def compare(got: pd.Series, counts: pd.DataFrame) -> None:
    assert got.children == len(counts)
    for column in ("weighed", "measured", "stunted", "stunted_of", "wasted", "wasted_of",
                   "underweight", "underweight_of"):
        assert got[column] == counts[column].sum(), column
    of = counts.stunted_of.sum()
    assert got.stunted_pct == pytest.approx(round(100 * counts.stunted.sum() / of, 2))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return register()


def test_equals_a_pandas_groupby(frame):
    table = zscore.rollup(frame, by="kecamatan,desa", period="2025-S1")
    want = expected(frame, "2025-01-01", "2025-07-01")
    desa = table[table.level == "desa"].set_index("Desa")
    assert set(desa.index) == set(want.Desa)
    for name, part in want.groupby("Desa"):
        compare(desa.loc[name], part)
    kec = table[table.level == "kecamatan"].set_index("Kecamatan")
    for name, part in want.groupby("Kecamatan"):
        compare(kec.loc[name], part)
        assert (kec.loc[name, "Desa"]) == "(all)"
    compare(table[table.level == "kabupaten"].iloc[0], want)


def test_second_half_counts_movers_where_they_were_last(frame):
    table = zscore.rollup(frame, period="2025-S2")
    want = expected(frame, "2025-07-01", "2026-01-01")
    desa = table[table.level == "desa"].set_index("Desa")
    for name, part in want.groupby("Desa"):
        compare(desa.loc[name], part)


def test_month_and_targets(frame):
    targets = pd.DataFrame({"desa": [d for _, d in PLACES], "Sasaran": [40, 30, 50, 20, 10]})
    table = zscore.rollup(frame, by=["Kecamatan", "Desa"], period="2025-08", targets=targets)
    want = expected(frame, "2025-08-01", "2025-09-01")
    desa = table[table.level == "desa"].set_index("Desa")
    for name, part in want.groupby("Desa"):
        compare(desa.loc[name], part)
        target = dict(zip(targets.desa, targets.Sasaran, strict=True))[name]
        assert desa.loc[name, "sasaran"] == target
        assert desa.loc[name, "coverage_pct"] == pytest.approx(
            round(100 * part.weighed.sum() / target, 2))
    total = table[table.level == "kabupaten"].iloc[0]
    assert total.sasaran == targets.Sasaran.sum()
    assert total.coverage_pct == pytest.approx(round(100 * want.weighed.sum() / 150, 2))


def test_target_desa_without_weighings(frame):
    targets = pd.DataFrame({"Desa": ["Sukamaju", "Mekarsari"], "target": [40, 25]})
    table = zscore.rollup(frame[frame.Desa != "Cibodas"], by="Desa", period="2025",
                          targets=targets)
    row = table[table.Desa == "Mekarsari"].iloc[0]
    assert row.weighed == 0 and row.sasaran == 25 and row.coverage_pct == 0
    assert table[table.level == "kabupaten"].iloc[0].sasaran == 65


def test_aksi_layout(frame):
    table = zscore.rollup(frame, period="2025", layout="aksi")
    assert list(table.columns[:2]) == ["Kecamatan", "Desa/Kelurahan"]
    assert "Prevalensi stunting (%)" in table.columns
    # each kecamatan's desa rows, then its total ("Jumlah"); the kabupaten last
    assert table.iloc[-1, 0] == "Jumlah" and table.iloc[-1, 1] == "Jumlah"
    kec = table.iloc[:, 0].tolist()
    first_total = table.iloc[:, 1].tolist().index("Jumlah")
    assert all(k == kec[0] for k in kec[: first_total + 1])


@pytest.mark.parametrize(("text", "first", "end"), [
    ("2025", "2025-01-01", "2026-01-01"), ("2025-S1", "2025-01-01", "2025-07-01"),
    ("2025-s2", "2025-07-01", "2026-01-01"), ("2025-Q3", "2025-07-01", "2025-10-01"),
    ("2025-08", "2025-08-01", "2025-09-01"), ("2025-12", "2025-12-01", "2026-01-01"),
    ("2025-02..2025-04", "2025-02-01", "2025-05-01")])
def test_periods(text, first, end):
    p = parse_period(text)
    day = lambda s: (datetime.date.fromisoformat(s) - datetime.date(1970, 1, 1)).days  # noqa: E731
    assert (p.first, p.end) == (day(first), day(end))


def test_errors(frame):
    with pytest.raises(zscore.InputError, match="period"):
        zscore.rollup(frame, period="semester 1")
    with pytest.raises(zscore.InputError, match="no weighing in the period"):
        zscore.rollup(frame, period="2019")
    with pytest.raises(zscore.InputError, match="child"):
        zscore.rollup(frame.drop(columns=["NIK"]))


def test_cli_rollup(frame, tmp_path):
    from zscore.cli import main

    source = tmp_path / "e-ppgbm.xlsx"
    frame.to_excel(source, index=False, engine="xlsxwriter")
    targets = tmp_path / "sasaran.csv"
    pd.DataFrame({"Desa": [d for _, d in PLACES], "Sasaran": [40, 30, 50, 20, 10]}).to_csv(
        targets, index=False)
    out = tmp_path / "rollup.xlsx"
    assert main(["rollup", str(source), "--by", "kecamatan,desa", "--period", "2025-S1",
                 "--targets", str(targets), "--layout", "aksi", "-o", str(out),
                 "--quiet"]) == 0
    from zscore import io  # read back through zscore's own reader

    table = io.read(out).table.to_pandas()
    assert "Cakupan penimbangan (%)" in table.columns
    assert len(table) == len(PLACES) + 2 + 1
