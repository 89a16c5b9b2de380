"""The measurement-position rules of WHO's anthro, one rule per test, on small hand-made cases.

The rules (../shared/WHO_RULES.md A5-A7, A10 and F2-F5), in anthro's R source
(github.com/WorldHealthOrganization/anthro, 1.1.0.9000):
- anthro:R/z-score.R, anthro_zscores: a standing height under 9 months (unrounded age) makes
  the measure unknown (cmeasure NA, c9mo_flag 1);
- anthro:R/z-score-helper.R, adjust_lenhei: +0.7 cm for "h" under 731 rounded days, -0.7 cm
  for "l" from 731 days, else nothing (no age or no measure: nothing);
- anthro:R/z-score-weight-for-lenhei.R, anthro_zscore_weight_for_lenhei: the weight-for-length
  or -height table is chosen by age, else by measure, else by clenhei < 87 cm; the limits
  45-110 cm (length) and 65-120 cm (height) are inclusive and apply to the adjusted value.

The oracle shares no code with zscore: the expected clenhei is written out in each case, and
the expected z-scores are computed here from the shipped WHO tables, read with plain pandas,
with the LMS formulas written out below. Table choice is asserted by computing the z from both
candidate tables and requiring zscore to match the right one and not the other. (WHO's height
table is its length table shifted by 0.7 cm, so a wrong table choice can hide behind a wrong
adjustment in zwfl alone; clenhei is therefore always asserted too.)
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zscore

TABLES = Path(__file__).resolve().parents[1] / "src" / "zscore" / "data" / "who_growth_standards"
NAN = float("nan")
#: inclusive limits of the weight-for-length / weight-for-height tables (WHO_RULES.md A10)
LIMITS = {"length": (45.0, 110.0), "height": (65.0, 120.0)}


# --- the oracle: WHO's tables and formulas, written out here ------------------------------------
@cache
def _rows(name: str, key: str, scale: int) -> dict[tuple[int, int], tuple[float, float, float]]:
    """{(sex, key * scale): (L, M, S)} from a shipped table (scale 10: tenths of a cm)."""
    t = pd.read_csv(TABLES / f"{name}.tsv", sep="\t")
    assert list(t.columns) == ["sex", key, "l", "m", "s"]
    return {(int(r.sex), round(getattr(r, key) * scale)): (r.l, r.m, r.s)
            for r in t.itertuples(index=False)}


def plain_z(y: float, l: float, m: float, s: float) -> float:
    """LMS z-score (anthro:R/z-score-helper.R compute_zscore)."""
    return ((y / m) ** l - 1) / (s * l)


def restricted_z(y: float, l: float, m: float, s: float) -> float:
    """LMS z-score, beyond +-3 SD in units of the 2-to-3 SD gap (compute_zscore_adjusted)."""
    z = plain_z(y, l, m, s)

    def sd(k: float) -> float:
        return m * (1 + l * s * k) ** (1 / l)

    if z > 3:
        return 3 + (y - sd(3)) / (sd(3) - sd(2))
    if z < -3:
        return -3 + (y - sd(-3)) / (sd(-2) - sd(-3))
    return z


def zlen_from_table(sex: int, day: int, clenhei: float) -> float:
    """Length/height-for-age at a whole (already rounded) day: lenanthro's row for that day."""
    return plain_z(clenhei, *_rows("len_2006", "age", 1)[(sex, day)])


def zwfl_from_table(table: str, sex: int, clenhei: float, weight: float) -> float:
    """Weight-for-length ("length") or -height ("height") as anthro computes it: NaN outside
    the inclusive limits, else L, M, S interpolated linearly between the 0.1 cm rows
    (low = trunc(clenhei * 10) / 10, d = (clenhei - low) / 0.1), restricted LMS."""
    lo_cm, hi_cm = LIMITS[table]
    if not lo_cm <= clenhei <= hi_cm:
        return NAN
    rows = _rows("wfl_2006" if table == "length" else "wfh_2006", table, 10)
    low = math.trunc(clenhei * 10)
    d = (clenhei - low / 10) / 0.1
    lms = rows[(sex, low)]
    if d > 0:
        upp = rows[(sex, low + 1)]
        lms = tuple(a + d * (b - a) for a, b in zip(lms, upp, strict=True))
    return restricted_z(weight, *lms)


# --- zscore, through both public front ends -----------------------------------------------------
def _one(front: str, **kw) -> dict:
    """clenhei, cmeasure, c9mo_flag, zlen, zwfl of one child, full precision, 2006 standards;
    missing values as NaN (z, clenhei) and None (cmeasure)."""
    kw = dict(kw, precision="full", standard="2006")
    if front == "classify":
        out = zscore.classify(**{k: ([v] if k in ("sex", "age", "weight", "lenhei", "measure")
                                     else v) for k, v in kw.items()})
        cm = out["cmeasure"][0]
        return {"clenhei": float(out["clenhei"][0]),
                "cmeasure": None if cm is None or cm != cm else str(cm),
                "c9mo_flag": int(out["c9mo_flag"][0]),
                "zlen": float(out["zlen"][0]), "zwfl": float(out["zwfl"][0])}
    r = zscore.child(**kw)
    return {"clenhei": NAN if r.clenhei is None else r.clenhei, "cmeasure": r.cmeasure,
            "c9mo_flag": r.c9mo_flag,
            "zlen": NAN if r.z["zlen"] is None else r.z["zlen"],
            "zwfl": NAN if r.z["zwfl"] is None else r.z["zwfl"]}


@pytest.fixture(params=["classify", "child"])
def score(request):
    def run(**kw):
        return _one(request.param, **kw)
    return run


def assert_z(got: float, want: float, what: str) -> None:
    if math.isnan(want):
        assert math.isnan(got), f"{what}: zscore {got!r}, expected missing"
    else:
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), f"{what}: {got!r} != {want!r}"


def assert_table(out: dict, right: str, sex: int, weight: float) -> None:
    """zwfl is the z from the right table at clenhei, and differs from the other table's z."""
    wrong = "height" if right == "length" else "length"
    want = zwfl_from_table(right, sex, out["clenhei"], weight)
    other = zwfl_from_table(wrong, sex, out["clenhei"], weight)
    assert not math.isnan(want)
    assert_z(out["zwfl"], want, f"zwfl from the {right} table")
    assert math.isnan(other) or abs(other - want) > 0.01, "case does not tell the tables apart"


# --- A7: the +-0.7 cm adjustment (anthro:R/z-score-helper.R adjust_lenhei) ----------------------
@pytest.mark.parametrize("sex, age, lenhei, day", [
    (1, 300, 70.0, 300),
    (2, 730, 80.0, 730),
    (1, 730.4, 80.0, 730),   # 730.4 d rounds half-up to day 730: still a length age
    (2, 280, 66.2, 280),     # 280 d = 9.2 months: old enough for a standing height (A6)
])
def test_a7_standing_height_under_731_days_adds_0_7_cm(score, sex, age, lenhei, day):
    # WHO_RULES.md A7: age_in_days < 731 and measure "h" -> clenhei = lenhei + 0.7
    out = score(sex=sex, age=age, weight=8.0, lenhei=lenhei, measure="h")
    assert out["clenhei"] == lenhei + 0.7
    assert out["cmeasure"] == "h" and out["c9mo_flag"] == 0
    # zlen from lenanthro's row for that day, at the adjusted value
    assert_z(out["zlen"], zlen_from_table(sex, day, lenhei + 0.7), "zlen")


@pytest.mark.parametrize("sex, age, age_unit, lenhei, day", [
    (1, 731, "days", 85.0, 731),
    (2, 730.5, "days", 85.0, 731),   # 730.5 d rounds half-up (not to even) to day 731
    (1, 24.0, "months", 85.0, 731),  # 24.0 months = 730.5 d -> day 731
    (2, 1500, "days", 100.0, 1500),
])
def test_a7_lying_length_from_731_days_subtracts_0_7_cm(score, sex, age, age_unit, lenhei, day):
    # WHO_RULES.md A5 (half-up day rounding), A7: age_in_days >= 731 and "l" -> lenhei - 0.7
    out = score(sex=sex, age=age, age_unit=age_unit, weight=12.0, lenhei=lenhei, measure="l")
    assert out["clenhei"] == lenhei - 0.7
    assert out["cmeasure"] == "l" and out["c9mo_flag"] == 0
    assert_z(out["zlen"], zlen_from_table(sex, day, lenhei - 0.7), "zlen")


@pytest.mark.parametrize("age, measure, day", [
    (300, "l", 300), (730.4, "l", 730),     # lying length at a length age
    (731, "h", 731), (730.5, "h", 731),     # standing height at a height age (730.5 -> 731)
    (1500, "h", 1500),
])
def test_a7_no_adjustment_when_position_matches_age(score, age, measure, day):
    # WHO_RULES.md A7 "otherwise ... clenhei = lenhei"; adjust_lenhei's two ifelse() branches
    out = score(sex=1, age=age, weight=10.0, lenhei=80.0, measure=measure)
    assert out["clenhei"] == 80.0
    assert out["cmeasure"] == measure
    assert_z(out["zlen"], zlen_from_table(1, day, 80.0), "zlen")


@pytest.mark.parametrize("age, day", [(300, 300), (730.4, 730), (730.5, 731), (1500, 1500)])
def test_a7_no_adjustment_when_measure_is_missing(score, age, day):
    # WHO_RULES.md A7: a missing measure means no adjustment; it is NOT imputed from the age
    # (adjust_lenhei requires !is.na(measure) in both branches)
    out = score(sex=2, age=age, weight=10.0, lenhei=80.0, measure=None)
    assert out["clenhei"] == 80.0
    assert out["cmeasure"] is None and out["c9mo_flag"] == 0
    assert_z(out["zlen"], zlen_from_table(2, day, 80.0), "zlen")


@pytest.mark.parametrize("measure", ["h", "l"])
def test_a7_no_adjustment_when_age_is_missing(score, measure):
    # WHO_RULES.md A7 / A10.2: the adjustment needs an age (adjust_lenhei: !is.na(age_in_days))
    out = score(sex=1, age=None, weight=10.0, lenhei=80.0, measure=measure)
    assert out["clenhei"] == 80.0
    assert out["cmeasure"] == measure and out["c9mo_flag"] == 0
    assert math.isnan(out["zlen"])


@pytest.mark.parametrize("lenhei, measure, age, expected", [
    # one-decimal inputs whose adjusted value is not the nearest double to one decimal: WHO
    # keeps the raw IEEE result (WHO's own sample, who_anthro_sample.csv ids 339 and 197)
    (87.1, "l", 948, 86.39999999999999),
    (70.4, "h", 301, 71.10000000000001),
    # the case WHO_RULES.md A7 quotes: 75.5 - 0.7 is the double nearest to 74.8 (exactly what
    # Python and R compute; the "74.79999999999999" there is not what IEEE arithmetic gives)
    (75.5, "l", 800, 75.5 - 0.7),
])
def test_a7_adjusted_value_is_not_rounded(score, lenhei, measure, age, expected):
    # WHO_RULES.md A7 "The result is NOT re-rounded", E1
    out = score(sex=1, age=age, weight=10.0, lenhei=lenhei, measure=measure)
    assert out["clenhei"] == expected
    assert repr(out["clenhei"]) == repr(expected)
    if expected != round(expected, 1):
        assert out["clenhei"] != round(expected, 1)
    # weight-for-length/height interpolates at the unrounded value (A10)
    table = "length" if age < 731 else "height"
    assert_z(out["zwfl"], zwfl_from_table(table, 1, expected, 10.0), "zwfl")


# --- A6: standing height under 9 months (anthro:R/z-score.R, measure_implausible) --------------
@pytest.mark.parametrize("age, age_unit, flagged", [
    (8.99, "months", True),
    (9.0, "months", False),   # 9.0 months is not < 9
    # 273.9 d = 8.9988 months (unrounded) < 9, although its rounded day 274 is 9.002 months
    (273.9, "days", True),
    (274, "days", False),
    (30, "days", True),
])
def test_a6_standing_height_under_9_months_unrounded_discards_the_measure(
        score, age, age_unit, flagged):
    # WHO_RULES.md A6 and F3: "h" with age_in_months < 9 (unrounded) -> cmeasure NA,
    # c9mo_flag 1, and so no +0.7 cm; from 9 months the usual +0.7 cm applies (A7)
    out = score(sex=1, age=age, age_unit=age_unit, weight=7.0, lenhei=65.0, measure="h")
    if flagged:
        assert out["cmeasure"] is None and out["c9mo_flag"] == 1
        assert out["clenhei"] == 65.0
    else:
        assert out["cmeasure"] == "h" and out["c9mo_flag"] == 0
        assert out["clenhei"] == 65.0 + 0.7
    # under 731 days either way: the length table, at clenhei
    assert_table(out, "length", 1, 7.0)


@pytest.mark.parametrize("age, measure", [(100, "l"), (None, "h"), (100, None), (None, None)])
def test_a6_c9mo_flag_is_0_without_a_standing_height_under_9_months(score, age, measure):
    # WHO_RULES.md A6: c9mo_flag is 0 "also when age or measure is missing"; "l" is never flagged
    out = score(sex=2, age=age, weight=6.0, lenhei=60.0, measure=measure)
    assert out["c9mo_flag"] == 0
    assert out["cmeasure"] == measure
    assert out["clenhei"] == 60.0


# --- A10: which weight-for-length/height table (anthro:R/z-score-weight-for-lenhei.R) ----------
@pytest.mark.parametrize("age, measure, clenhei", [
    (700, "h", 80.0 + 0.7),   # standing height at a length age: adjusted, then the length table
    (700, "l", 80.0),
    (700, None, 80.0),
    (730.4, "h", 80.0 + 0.7),
])
def test_a10_with_age_under_731_days_the_length_table_whatever_the_measure(
        score, age, measure, clenhei):
    # WHO_RULES.md A10.1: join_on_l <- !is.na(age_in_days) & age_in_days < 731
    out = score(sex=1, age=age, weight=10.5, lenhei=80.0, measure=measure)
    assert out["clenhei"] == clenhei
    assert_table(out, "length", 1, 10.5)


@pytest.mark.parametrize("age, measure, clenhei", [
    (800, "l", 80.0 - 0.7),   # lying length at a height age: adjusted, then the height table
    (800, "h", 80.0),
    (800, None, 80.0),
    (730.5, "l", 80.0 - 0.7),
])
def test_a10_with_age_from_731_days_the_height_table_whatever_the_measure(
        score, age, measure, clenhei):
    # WHO_RULES.md A10.1: join_on_h <- !is.na(age_in_days) & age_in_days >= 731
    out = score(sex=2, age=age, weight=10.5, lenhei=80.0, measure=measure)
    assert out["clenhei"] == clenhei
    assert_table(out, "height", 2, 10.5)


@pytest.mark.parametrize("measure, table", [("l", "length"), ("h", "height")])
@pytest.mark.parametrize("lenhei", [80.0, 95.0])
def test_a10_without_age_the_table_of_the_measure_unadjusted(score, measure, table, lenhei):
    # WHO_RULES.md A10.2 and F4: age missing -> "l" length table, "h" height table, no 0.7 cm;
    # weight-for-length/height is still computed without an age
    out = score(sex=1, age=None, weight=12.0, lenhei=lenhei, measure=measure)
    assert out["clenhei"] == lenhei
    assert_table(out, table, 1, 12.0)


@pytest.mark.parametrize("lenhei, table", [
    (86.9, "length"), (86.99, "length"), (87.0, "height"), (87.1, "height"),
])
def test_a10_without_age_or_measure_the_table_by_clenhei_under_87_cm(score, lenhei, table):
    # WHO_RULES.md A10.3: age and measure missing -> clenhei < 87 length table, else height
    out = score(sex=2, age=None, weight=12.0, lenhei=lenhei, measure=None)
    assert out["clenhei"] == lenhei
    assert_table(out, table, 2, 12.0)


# --- A10: inclusive table limits, on the adjusted value -----------------------------------------
@pytest.mark.parametrize("age, lenhei, measure, clenhei, weight, table, inside", [
    # length table (age < 731 d): 45.0-110.0 cm
    (300, 44.3, "h", 45.0, 2.5, "length", True),      # 44.3 + 0.7 is exactly 45.0
    (300, 44.2, "h", 44.2 + 0.7, 2.5, "length", False),
    (300, 45.0, "l", 45.0, 2.5, "length", True),
    (300, 44.9, "l", 44.9, 2.5, "length", False),
    (300, 110.0, "l", 110.0, 18.5, "length", True),
    (300, 110.1, "l", 110.1, 18.5, "length", False),
    (300, 109.3, "h", 110.0, 18.5, "length", True),   # 109.3 + 0.7 is exactly 110.0
    (300, 109.4, "h", 109.4 + 0.7, 18.5, "length", False),
    # height table (age >= 731 d): 65.0-120.0 cm
    (800, 65.0, "h", 65.0, 7.4, "height", True),
    (800, 64.9, "h", 64.9, 7.4, "height", False),
    (800, 65.7, "l", 65.0, 7.4, "height", True),      # 65.7 - 0.7 is exactly 65.0
    (800, 65.6, "l", 65.6 - 0.7, 7.4, "height", False),
    (800, 120.0, "h", 120.0, 22.0, "height", True),
    (800, 120.1, "h", 120.1, 22.0, "height", False),
    (800, 120.7, "l", 120.0, 22.0, "height", True),   # 120.7 - 0.7 is exactly 120.0
    (800, 120.8, "l", 120.8 - 0.7, 22.0, "height", False),
])
def test_a10_table_limits_are_inclusive_on_the_adjusted_value(
        score, age, lenhei, measure, clenhei, weight, table, inside):
    # WHO_RULES.md A10 "Valid range (on clenhei, inclusive)", F5; anthro's valid_zscore:
    # lenhei >= 45 & lenhei <= 110 (join_on_l), lenhei >= 65 & lenhei <= 120 (join_on_h)
    out = score(sex=1, age=age, weight=weight, lenhei=lenhei, measure=measure)
    assert out["clenhei"] == clenhei
    if inside:
        want = zwfl_from_table(table, 1, clenhei, weight)
        assert not math.isnan(want) and not math.isnan(out["zwfl"]), f"{clenhei!r} cm is inside"
        assert_z(out["zwfl"], want, "zwfl")
    else:
        assert math.isnan(out["zwfl"]), f"zwfl at {clenhei!r} cm must be missing"
    # zlen has no such limits: it is scored whenever the age is in range
    assert not math.isnan(out["zlen"])


@pytest.mark.parametrize("lenhei, measure, table, inside", [
    (110.0, "l", "length", True), (110.1, "l", "length", False),
    (44.9, "l", "length", False),
    (65.0, "h", "height", True), (64.9, "h", "height", False),
    (120.0, "h", "height", True), (120.1, "h", "height", False),
])
def test_a10_table_limits_without_age_follow_the_measure(score, lenhei, measure, table, inside):
    # WHO_RULES.md A10.2 + limits: no age -> the measure's table, its own limits, no adjustment
    out = score(sex=2, age=None, weight=15.0, lenhei=lenhei, measure=measure)
    assert out["clenhei"] == lenhei
    if inside:
        want = zwfl_from_table(table, 2, lenhei, 15.0)
        assert not math.isnan(want) and not math.isnan(out["zwfl"]), f"{lenhei!r} cm is inside"
        assert_z(out["zwfl"], want, "zwfl")
    else:
        assert math.isnan(out["zwfl"])


# --- the oracle itself --------------------------------------------------------------------------
def test_oracle_tables_read_as_expected():
    """The oracle reads WHO's tables as anthro does: whole days 0-1826, tenths of a cm within
    the limits, both sexes (a misread table would make every test above vacuous or wrong)."""
    days = _rows("len_2006", "age", 1)
    assert sorted({d for _, d in days}) == list(range(1827))
    for table, (lo, hi) in LIMITS.items():
        rows = _rows("wfl_2006" if table == "length" else "wfh_2006", table, 10)
        assert sorted({k for s, k in rows if s == 1}) == list(range(round(lo * 10),
                                                                   round(hi * 10) + 1))
    # WHO's published medians: boys' length at birth 49.8842 cm, girls' weight at 45 cm 2.4607 kg
    assert days[(1, 0)][1] == 49.8842
    assert _rows("wfl_2006", "length", 10)[(2, 450)][1] == 2.4607
    # z = 0 at the median, whatever the table
    assert restricted_z(2.4607, *_rows("wfl_2006", "length", 10)[(2, 450)]) == pytest.approx(0)
    assert np.isnan(zwfl_from_table("length", 1, 44.9, 2.5))
