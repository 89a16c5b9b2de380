"""zscore.quality: each check against a value worked out by hand, against a slow reference
(scipy.stats, one group at a time), properties, every input kind, and bad input."""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import zscore
from zscore import InputError
from zscore.quality import COLUMNS, summary

from .reference._who import SHARED_REFERENCE, shared_path

quality_module = importlib.import_module("zscore.quality")  # zscore.quality is the function

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "children.csv"
#: WHO's own 5-19 year example survey, as WHO ships it with anthroplus: read only from
#: ../shared/reference_cases (not copied into the repository); its tests skip when absent.
WHO_2007_SURVEY = SHARED_REFERENCE / "who2007_survey_WHO_input.csv"


def row(q: pd.DataFrame, check: str, variable: str, statistic: str | None = None,
        group: str = "All") -> pd.Series:
    """The one row of a quality table for a check, variable (and statistic) in a group."""
    sel = q[(q.check == check) & (q.variable == variable) & (q.group == group)]
    if statistic is not None:
        sel = sel[sel.statistic.str.startswith(statistic)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def scored(z: dict[str, list], **columns: list) -> pd.DataFrame:
    """A table shaped like classify's output, with z-scores and flags chosen by hand."""
    n = len(next(iter(z.values())))
    base = {"sex": [1] * n, "age": [400.0] * n}
    base.update(columns)
    for name, values in z.items():
        base[name] = values
        flags = [math.nan if v is None or (isinstance(v, float) and math.isnan(v)) else
                 float(abs(v) > 5) for v in values]
        base["f" + name[1:]] = pd.array([None if math.isnan(f) else int(f) for f in flags],
                                        dtype="Int8")
    return pd.DataFrame({k: (pd.array(v, dtype="Float64") if k.startswith("z") else v)
                         for k, v in base.items()})


@pytest.fixture(scope="module")
def children() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE)


# --- each check against a hand-computed value -----------------------------------------------------
def test_flagged_and_missing_by_hand():
    q = zscore.quality(scored({"zlen": [0.0, 1.0, -1.0, 2.0, 7.0, None]}))
    flagged = row(q, "flagged", "zlen")
    assert flagged.n == 5 and flagged.value == pytest.approx(20.0)  # 1 of 5 computed
    assert flagged.verdict == "warn" and flagged.high == 1.0
    missing = row(q, "missing", "zlen")
    assert missing.n == 6 and missing.value == pytest.approx(100 / 6)
    assert missing.verdict == "info"


def test_moments_by_hand():
    # unflagged z -1, 0, 1, 2: mean 0.5, m2 = 1.25, m3 = 0, m4 = 2.5625
    q = zscore.quality(scored({"zwei": [-1.0, 0.0, 1.0, 2.0, 6.5]}))
    assert row(q, "mean", "zwei").value == pytest.approx(0.5)
    sd = row(q, "sd", "zwei")
    assert sd.n == 4 and sd.value == pytest.approx(math.sqrt(5 / 3))
    assert sd.verdict == "pass" and sd.high == 1.46  # WHO: only large SDs are a concern
    assert row(q, "skewness", "zwei").value == pytest.approx(0.0, abs=1e-12)
    kurt = row(q, "kurtosis", "zwei")
    assert kurt.value == pytest.approx(2.5625 / 1.25**2)  # 1.64: light tails
    assert kurt.verdict == "warn" and (kurt.low, kurt.high) == (2.0, 4.0)


def test_skewness_beyond_who_rule_of_thumb_warns():
    z = [0.0] * 8 + [3.0, 4.0]  # a long right tail
    q = zscore.quality(scored({"zwfl": z}))
    skew = row(q, "skewness", "zwfl")
    assert skew.value == pytest.approx(stats.skew(z, bias=True))
    assert skew.value > 0.5 and skew.verdict == "warn"


def test_sd_above_the_dhs_range_warns():
    z = list(np.linspace(-4.0, 4.0, 41))  # SD about 2.4
    sd = row(zscore.quality(scored({"zlen": z})), "sd", "zlen")
    assert sd.value == pytest.approx(np.std(z, ddof=1))
    assert sd.value > 1.95 and sd.verdict == "warn"


def test_digit_preference_by_hand():
    # decimal digits: five .0 and five .5: X2 = 2 * (5-1)^2/1 + 8 * 1 = 40; DPS = 100 sqrt(40/90)
    weight = [10.0, 11.0, 12.0, 9.0, 8.0, 10.5, 11.5, 12.5, 9.5, 8.5]
    q = zscore.quality(sex=[1] * 10, age=[400] * 10, weight=weight)
    dps = row(q, "digit_preference", "weight", "digit preference score")
    assert dps.n == 10 and dps.value == pytest.approx(100 * math.sqrt(40 / 90))
    assert dps.p_value == pytest.approx(stats.chi2.sf(40, 9))
    assert dps.verdict == "fail"
    assert row(q, "digit_preference", "weight", "% with decimal digit 0 or 5").value == 100.0


def test_uniform_decimal_digits_pass_and_whole_numbers_fail():
    uniform = [10 + k / 10 for k in range(10)] * 3
    q = zscore.quality(sex=[1] * 30, age=[400] * 30, weight=uniform, lenhei=uniform)
    for variable in ("weight", "lenhei"):
        dps = row(q, "digit_preference", variable, "digit preference score")
        assert dps.value == pytest.approx(0.0, abs=1e-9) and dps.verdict == "pass"
    whole = [float(v) for v in range(60, 90)]
    q = zscore.quality(sex=[1] * 30, age=[400] * 30, lenhei=whole)
    dps = row(q, "digit_preference", "lenhei", "digit preference score")
    assert dps.value == pytest.approx(100.0) and dps.verdict == "fail"


def test_age_heaping_by_hand():
    # completed months 11, 12 x 4, 13 (ages in months): 4 of 6 in the heaped month where a third
    # is expected -> 100 * 4 / (6 / 3)
    months = [11.5, 12.0, 12.0, 12.0, 12.0, 13.5] + [30.5] * 4
    q = zscore.quality(sex=[1] * 10, age=months, age_unit="months")
    heap = row(q, "age_heaping", "age", "heaping index, whole years")
    assert heap.n == 6 and heap.value == pytest.approx(200.0)
    assert heap.p_value == pytest.approx(stats.binomtest(4, 6, 1 / 3, "greater").pvalue)
    assert heap.verdict == "pass"  # p = 0.1: too few children to call it heaping
    q = zscore.quality(sex=[1] * 60, age=months * 6, age_unit="months")
    heap = row(q, "age_heaping", "age", "heaping index, whole years")
    assert heap.value == pytest.approx(200.0) and heap.p_value < 0.001
    assert heap.verdict == "fail"


def test_ages_without_heaping_pass():
    days = np.arange(0, 1826, 0.5)  # every half day: a smooth, flat age distribution
    q = zscore.quality(sex=np.ones(days.size), age=days)
    for what in ("whole years", "half years"):
        heap = row(q, "age_heaping", "age", f"heaping index, {what}")
        assert heap.value == pytest.approx(100.0, abs=4) and heap.verdict == "pass"
    groups = row(q, "age_groups", "age", "dissimilarity index")
    assert groups.value < 0.1 and groups.verdict == "pass"


def test_sex_ratio_by_hand():
    sex = [1] * 60 + [2] * 40
    q = zscore.quality(sex=sex, age=[400] * 100, expected_sex_ratio=1.0)
    ratio = row(q, "sex_ratio", "sex")
    assert ratio.value == pytest.approx(1.5) and ratio.expected == 1.0
    # R: prop.test(60, 100, p = 0.5) gives X-squared = 3.61, p-value = 0.05743
    assert ratio.p_value == pytest.approx(stats.chi2.sf(3.61, 1))
    assert round(ratio.p_value, 5) == 0.05743 and ratio.verdict == "pass"
    q = zscore.quality(sex=[1] * 600 + [2] * 400, age=[400] * 1000, expected_sex_ratio=1.0)
    assert row(q, "sex_ratio", "sex").verdict == "fail"


def test_age_groups_and_age_ratio_by_hand():
    # 10 children all 0-5 months: shares 100 % vs 10 % expected -> dissimilarity 90
    q = zscore.quality(sex=[1] * 10, age=[2.0] * 10, age_unit="months")
    groups = row(q, "age_groups", "age", "dissimilarity index")
    assert groups.value == pytest.approx(90.0)
    assert groups.p_value == pytest.approx(stats.chisquare(
        [10, 0, 0, 0, 0, 0], [1, 1, 2, 2, 2, 2]).pvalue)
    assert row(q, "age_groups", "age", "% aged 00-05 mo").value == 100.0
    assert row(q, "age_groups", "age", "% aged 12-23 mo").expected == pytest.approx(20.0)
    # SMART age ratio: 17 children 6-29 months, 20 children 30-59 months -> 0.85
    ages = [6.0 + k for k in range(17)] + [30.0 + k for k in range(20)]
    ratio = row(zscore.quality(sex=[1] * 37, age=ages, age_unit="months"), "age_ratio", "age")
    assert ratio.value == pytest.approx(0.85) and ratio.n == 37
    assert ratio.p_value == pytest.approx(1.0) and ratio.verdict == "pass"


def test_measure_position_by_hand():
    # under 24 months: 1 of 4 standing (one of them under 9 months); from 24 months: 1 of 2 lying
    age = [100, 300, 400, 600, 800, 1000]
    measure = ["h", "l", "l", "l", "l", "h"]
    q = zscore.quality(sex=[1] * 6, age=age, lenhei=[60, 65, 70, 75, 80, 85], measure=measure)
    standing = row(q, "measure_position", "measure", "% measured standing, under 24")
    assert standing.n == 4 and standing.value == 25.0
    lying = row(q, "measure_position", "measure", "% measured lying")
    assert lying.n == 2 and lying.value == 50.0
    under9 = row(q, "measure_position", "measure", "% measured standing, under 9")
    assert under9.n == 1 and under9.value == 100.0


def test_731_days_is_two_years():
    q = zscore.quality(sex=[1, 1], age=[730.4, 730.5], lenhei=[80, 80], measure=["h", "h"])
    assert row(q, "measure_position", "measure", "% measured standing, under 24").n == 1
    assert row(q, "measure_position", "measure", "% measured lying").n == 1


def test_birth_dates_by_hand():
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D")  # every day of one year
    n = len(days)
    q = zscore.quality(sex=[1] * n, age=[400] * n, birth_date=days.strftime("%Y-%m-%d"))
    month = row(q, "birth_month", "birth_date")
    assert month.value < 0.1 and month.verdict == "info"
    day = row(q, "birth_day", "birth_date")
    assert day.value == pytest.approx(100 * (24 / 365) / (24 / 365.2425))
    assert day.verdict == "pass"
    made_up = pd.Series(pd.to_datetime([f"2021-{m:02d}-01" for m in range(1, 13)] * 10))
    q = zscore.quality(sex=[1] * 120, age=[400] * 120, birth_date=made_up)
    day = row(q, "birth_day", "birth_date")
    assert day.value == pytest.approx(100 * 365.2425 / 24) and day.verdict == "fail"


def test_unreadable_birth_dates_are_missing():
    q = zscore.quality(sex=[1] * 3, age=[400] * 3, birth_date=["2021-03-04", "soon", None])
    assert row(q, "missing", "birth_date").value == pytest.approx(200 / 3)
    assert row(q, "birth_month", "birth_date").n == 1


# --- against a slow reference, group by group ----------------------------------------------------
def test_every_group_matches_scipy(children):
    q = zscore.quality(children, by="village")
    out = zscore.classify(children)
    for village, part in out.groupby("village"):
        for z in ("zlen", "zwei", "zwfl", "zbmi"):
            values = part[z].to_numpy(dtype=float, na_value=np.nan)
            flags = part["f" + z[1:]].to_numpy(dtype=float, na_value=np.nan)
            kept = values[~np.isnan(values) & (flags != 1)]
            assert row(q, "sd", z, group=village).value == pytest.approx(np.std(kept, ddof=1))
            assert row(q, "skewness", z, group=village).value == pytest.approx(
                stats.skew(kept, bias=True))
            assert row(q, "kurtosis", z, group=village).value == pytest.approx(
                stats.kurtosis(kept, fisher=False, bias=True))
            share = 100 * np.mean(flags[~np.isnan(values)] == 1)
            assert row(q, "flagged", z, group=village).value == pytest.approx(share)
        weights = pd.to_numeric(part.weight, errors="coerce").to_numpy()
        digits = np.rint(weights[weights > 0] * 10).astype(int) % 10
        counts = np.bincount(digits, minlength=10)
        chi = stats.chisquare(counts)
        dps = row(q, "digit_preference", "weight", "digit preference score", village)
        assert dps.value == pytest.approx(100 * math.sqrt(chi.statistic / (counts.sum() * 9)))
        assert dps.p_value == pytest.approx(chi.pvalue)
        sexes = pd.to_numeric(part.sex, errors="coerce").to_numpy()
        boys, girls = int((sexes == 1).sum()), int((sexes == 2).sum())
        ratio = row(q, "sex_ratio", "sex", group=village)
        assert ratio.value == pytest.approx(boys / girls)


def test_a_group_equals_the_data_set_cut_to_that_group(children):
    q = zscore.quality(children, by="village", details=True)
    for village in ("Cibodas", "Sukamaju"):
        alone = zscore.quality(children[children.village == village], details=True)
        mine = q[q.group == village].drop(columns=["group_by", "group"]).reset_index(drop=True)
        theirs = alone[alone.variable != "village"].drop(columns=["group_by", "group"])
        pd.testing.assert_frame_equal(mine, theirs.reset_index(drop=True))


# --- the numba kernels against the numpy versions ---------------------------------------------
@pytest.mark.parametrize("rows_per_thread", [200_000, 1_000])
def test_kernels_match_numpy(monkeypatch, rows_per_thread):
    """Every count of the kernels equals numpy's, on rows with every kind of bad value, on one
    thread and split between threads."""
    monkeypatch.setattr(importlib.import_module("zscore._quality_kernels"), "_ROWS_PER_THREAD",
                        rows_per_thread)
    rng = np.random.default_rng(3)
    n, size = 6000, 7
    age = rng.uniform(-100.0, 7200.0, n)  # days: negative, 0-5 years and 5-19 years
    age[rng.random(n) < 0.05] = np.nan
    weight = np.round(rng.uniform(-1.0, 40.0, n), 1)
    weight[rng.random(n) < 0.05] = np.nan
    data = {
        "sex": rng.choice(np.array([1, 2, 0, 7]), n, p=[0.45, 0.45, 0.05, 0.05]),
        "age": age, "weight": weight, "lenhei": np.round(rng.uniform(40.0, 180.0, n), 1),
        "measure": rng.choice(np.array(["l", "h", "", "x"]), n),
        "birth": pd.Series(pd.Timestamp("2020-01-01")
                           + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")).where(
                               rng.random(n) > 0.05),
        "w": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0.1, 5.0, n)),
    }
    given = dict.fromkeys(("sex", "age", "weight", "lenhei", "measure", "oedema", "headc",
                           "armc", "triskin", "subskin"))
    d = quality_module._gather(data, given, {"age_unit": "days"}, "auto", "birth", "w")
    combos = quality_module._combos(d)
    codes = rng.integers(-1, size, n)
    a = quality_module._numpy_sums(d, combos, codes, size)
    b = quality_module._kernel_sums(d, combos, codes, size)
    for name in ("total", "months", "sex", "position", "birth"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.missing.keys() == b.missing.keys() and a.digits.keys() == b.digits.keys()
    for key in a.missing:
        np.testing.assert_array_equal(a.missing[key], b.missing[key], err_msg=key)
    for key in a.digits:
        np.testing.assert_array_equal(a.digits[key], b.digits[key], err_msg=key)
    for x, y in zip(a.weighted_months + a.weighted_sex, b.weighted_months + b.weighted_sex,
                    strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12)
    assert len(a.z) == len(b.z) == len(combos)
    for x, y in zip(a.z, b.z, strict=True):
        assert x.keys() == y.keys()
        for key in x:
            np.testing.assert_allclose(x[key], y[key], rtol=1e-10, err_msg=key)


def test_the_kernel_path_gives_the_same_table(children, monkeypatch):
    data = children.assign(birth=pd.Timestamp("2024-06-15")
                           - pd.to_timedelta(pd.to_numeric(children.age, errors="coerce"),
                                             unit="D"))
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(data))
    kwargs = dict(by=["village", "sex"], weights=w, birth_date="birth", details=True)
    small = zscore.quality(data, **kwargs)
    monkeypatch.setattr(quality_module, "SMALL", 0)
    pd.testing.assert_frame_equal(zscore.quality(data, **kwargs), small, rtol=1e-12)


# --- properties -----------------------------------------------------------------------------------
def test_sd_of_an_exactly_normal_sample_is_about_one():
    z = stats.norm.ppf((np.arange(20_000) + 0.5) / 20_000).round(2)
    q = zscore.quality(scored({"zwfl": list(z)}))
    assert row(q, "sd", "zwfl").value == pytest.approx(1.0, abs=0.01)
    assert row(q, "skewness", "zwfl").value == pytest.approx(0.0, abs=1e-6)
    kurt = row(q, "kurtosis", "zwfl")
    assert kurt.value == pytest.approx(3.0, abs=0.05) and kurt.verdict == "pass"


def test_raw_measurements_and_classify_output_give_the_same_checks(children):
    from_raw = zscore.quality(children, by="village")
    from_scored = zscore.quality(zscore.classify(children), by="village")
    pd.testing.assert_frame_equal(from_raw, from_scored)


@pytest.mark.parametrize("kind", ["dict", "polars", "pyarrow", "arrays"])
def test_every_input_kind_gives_the_same_table(children, kind):
    expected = zscore.quality(children, by="village")
    cols = {c: children[c].to_numpy() for c in children.columns}
    if kind == "dict":
        got = zscore.quality(cols, by="village")
    elif kind == "polars":
        pl = pytest.importorskip("polars")
        got = zscore.quality(pl.from_pandas(children), by="village")
    elif kind == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        got = zscore.quality(pa.Table.from_pandas(children), by="village")
    else:
        got = zscore.quality(**{k: cols[k] for k in ("sex", "age", "weight", "lenhei",
                                                     "measure", "oedema")},
                             by={"village": cols["village"]})
    pd.testing.assert_frame_equal(got, expected)


def test_weights_scaled_by_a_constant_change_nothing(children):
    w = np.random.default_rng(1).uniform(0.5, 3.0, len(children))
    one = zscore.quality(children, weights=w)
    scaled = zscore.quality(children, weights=w * 40.0)
    pd.testing.assert_frame_equal(one, scaled)
    unit = zscore.quality(children, weights=np.ones(len(children)))
    plain = zscore.quality(children)
    checks = ["sex_ratio", "age_groups", "age_ratio"]
    a, b = unit[unit.check.isin(checks)], plain[plain.check.isin(checks)]
    np.testing.assert_allclose(a.value, b.value)
    np.testing.assert_allclose(a.p_value, b.p_value, equal_nan=True)


def test_weights_move_the_sex_ratio():
    sex = np.array([1] * 50 + [2] * 50)
    q = zscore.quality(sex=sex, age=np.full(100, 400.0), weights=np.where(sex == 1, 3.0, 1.0))
    ratio = row(q, "sex_ratio", "sex")
    assert ratio.value == pytest.approx(3.0) and ratio.n == 100 and "weighted" in ratio.note


def test_details_add_the_distributions(children):
    q = zscore.quality(children, details=True)
    digits = q[(q.check == "digit_preference") & (q.variable == "lenhei")
               & q.statistic.str.startswith("% with decimal digit ")]
    digits = digits[~digits.statistic.str.contains(" or ")]
    assert len(digits) == 10 and digits.value.sum() == pytest.approx(100.0)
    months = q[(q.check == "age_heaping") & q.statistic.str.startswith("% aged ")]
    assert len(months) == 60 and months.value.sum() == pytest.approx(100.0)
    assert len(zscore.quality(children)) < len(q)


def test_table_shape_and_summary(children):
    q = zscore.quality(children, by=["village", "sex"])
    assert tuple(q.columns) == COLUMNS
    assert set(q.verdict) <= {"pass", "warn", "fail", "info", "n/a"}
    assert list(q.group_by.unique()) == ["all", "village", "sex"]
    assert q[q.group_by == "sex"].group.unique().tolist() == ["1", "2"]
    assert q.n.dtype == np.int64
    text = summary(q)
    assert text.startswith("Data quality: All") and "sex_ratio" in text
    assert "Cibodas" in summary(q, "Cibodas").splitlines()[0]


# --- 5-19 years (WHO Growth Reference 2007) -----------------------------------------------------
@pytest.fixture(scope="module")
def who_2007_survey() -> pd.DataFrame:
    return pd.read_csv(shared_path(WHO_2007_SURVEY.name))


def test_5_to_19_years(who_2007_survey):
    q = zscore.quality(who_2007_survey, age="agemons", age_unit="months", lenhei="height",
                       birth_date="dob", by="region", weights="sw")
    assert set(q.variable) >= {"zhfa", "zwfa", "zbfa"}
    assert not set(q.variable) & {"zlen", "zwei", "zwfl", "zbmi"}
    out = zscore.classify(who_2007_survey, age="agemons", age_unit="months", lenhei="height")
    assert (out.standard == "2007").all()
    for z, name in (("zlen", "zhfa"), ("zwei", "zwfa"), ("zbmi", "zbfa")):
        values = out[z].to_numpy(dtype=float, na_value=np.nan)
        flags = out["f" + z[1:]].to_numpy(dtype=float, na_value=np.nan)
        kept = values[~np.isnan(values) & (flags != 1)]
        assert row(q, "sd", name).value == pytest.approx(np.std(kept, ddof=1))
        assert row(q, "sd", name).verdict == "info"  # no expected SD range for 5-19 years
    # weight-for-age stops at 120 months: only those children count for its missing share
    young = int((who_2007_survey.agemons <= 120).sum())
    assert row(q, "missing", "zwfa").n == young
    bands = q[(q.check == "age_groups") & (q.group == "All")].statistic.tolist()
    assert bands[1:] == ["% aged 60-119 mo", "% aged 120-179 mo", "% aged 180-228 mo"]
    assert row(q, "age_ratio", "age").verdict == "n/a"
    assert "ages 72, 84" in row(q, "age_heaping", "age", "heaping index, whole years").reference
    # dates of birth written day/month/year, as WHO's file has them: every one is read
    assert row(q, "missing", "birth_date").value == 0.0
    assert "most over-represented" in row(q, "birth_month", "birth_date").note


def test_0_to_19_years_in_one_table(children, who_2007_survey):
    older = who_2007_survey.rename(columns={"height": "lenhei"})
    both = pd.concat([children.assign(age=pd.to_numeric(children.age, errors="coerce")
                                      / 30.4375),
                      older.assign(age=older.agemons)], ignore_index=True)
    q = zscore.quality(both, age_unit="months")
    assert {"zlen", "zwfl", "zhfa", "zbfa"} <= set(q.variable)
    assert len(q[q.check == "age_groups"]) == 2 + 6 + 3
    assert row(q, "age_ratio", "age").verdict != "n/a"
    # classify's output, its standard column included, gives the same table
    pd.testing.assert_frame_equal(zscore.quality(zscore.classify(both, age_unit="months"),
                                                 age_unit="months"), q)
    only_2006 = zscore.quality(both, age_unit="months", standard="2006")
    assert "zhfa" not in set(only_2006.variable)
    assert row(only_2006, "missing", "zlen").value > 50  # the older children: out of range


# --- bad input: never a crash, never a lost row ---------------------------------------------------
def test_empty_data():
    empty = pd.DataFrame({"sex": pd.Series([], dtype=int), "age": pd.Series([], dtype=float),
                          "weight": pd.Series([], dtype=float)})
    q = zscore.quality(empty)
    assert len(q) and set(q.verdict) <= {"n/a"}
    assert (q.n == 0).all()


def test_a_group_with_one_row(children):
    data = children.copy()
    data.loc[0, "village"] = "Lonely"
    q = zscore.quality(data, by="village")
    sd = row(q, "sd", "zlen", group="Lonely")
    assert sd.n == 1 and sd.verdict == "n/a" and sd.note == "too few values"
    assert row(q, "mean", "zlen", group="Lonely").verdict == "info"
    assert row(q, "sex_ratio", "sex", group="Lonely").n == 1


def test_an_all_missing_column(children):
    data = children.assign(weight=np.nan)
    q = zscore.quality(data)
    assert row(q, "missing", "weight").value == 100.0
    assert row(q, "missing", "zwei").value == 100.0
    dps = row(q, "digit_preference", "weight", "digit preference score")
    assert dps.verdict == "n/a" and dps.note == "no values"
    assert row(q, "sd", "zwei").verdict == "n/a"
    assert row(q, "sd", "zlen").verdict in {"pass", "warn"}


def test_missing_optional_columns_are_not_available():
    q = zscore.quality(sex=[1, 2, 1], weight=[9.1, 10.2, 11.3])
    for check, variable in [("missing", "age"), ("age_heaping", "age"), ("age_groups", "age"),
                            ("measure_position", "measure"), ("birth_month", "birth_date"),
                            ("digit_preference", "lenhei"), ("sd", "zlen")]:
        rows = q[(q.check == check) & (q.variable == variable)]
        assert len(rows) and (rows.verdict == "n/a").all(), (check, variable)
        assert rows.note.str.len().gt(0).all()
    assert row(q, "digit_preference", "weight", "digit preference score").verdict != "n/a"


def test_a_missing_group_value_keeps_the_row(children):
    data = children.copy()
    data.loc[:9, "village"] = None
    q = zscore.quality(data, by="village")
    assert row(q, "missing", "village").value == pytest.approx(1000 / len(data))
    assert row(q, "missing", "sex").n == len(data)  # the whole data set, rows without a group too
    assert q[q.group_by == "village"].group.nunique() == 6


def test_bad_rows_do_not_stop_the_checks():
    q = zscore.quality(sex=["m", "x", None, 2], age=[-5, "soon", 400, 500],
                       weight=[9.0, -1.0, "heavy", 10.1], lenhei=[70.0, 0.0, 72.0, 75.5],
                       measure=["l", "q", None, "h"])
    assert row(q, "missing", "sex").value == 50.0
    assert row(q, "missing", "age").value == 50.0
    assert row(q, "missing", "weight").value == 50.0
    assert row(q, "missing", "measure").value == 50.0
    assert row(q, "measure_position", "measure", "% measured standing, under 24").n == 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(by="nowhere"), "no such column"),
    (dict(weights="nowhere"), "no such column"),
    (dict(weights=-np.ones(600)), "negative"),
    (dict(standard="1977"), "standard="),
    (dict(age_unit="years"), "age_unit"),
    (dict(expected_sex_ratio=0), "expected_sex_ratio"),
    (dict(by=[1, 2]), "column names"),
])
def test_structural_problems_raise_one_clear_error(children, kwargs, message):
    with pytest.raises(InputError, match=message):
        zscore.quality(children, **kwargs)


def test_a_grouping_of_single_children_is_refused(monkeypatch):
    monkeypatch.setattr(quality_module, "MAX_GROUPS", 10)
    ids = np.arange(11)
    with pytest.raises(InputError, match="11 groups"):
        zscore.quality(sex=np.ones(11), age=np.full(11, 400.0), by={"child": ids})
    assert len(zscore.quality(sex=np.ones(10), age=np.full(10, 400.0), by={"child": ids[:10]}))


def test_by_without_a_table_needs_a_mapping():
    with pytest.raises(InputError, match="map names to arrays"):
        zscore.quality(sex=[1], age=[400], by="village")


def test_without_pandas_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"zscore-who\[pandas\]"):
        zscore.quality(sex=[1], age=[400])


def test_stray_ages_of_the_other_standard_are_not_judged():
    """An under-five survey with a few children just past 60 months: their 60-228 month age
    distribution is reported but gets no verdict (it is not a distribution)."""
    import warnings

    rng = np.random.default_rng(4)
    n = 2_000
    age = np.where(rng.random(n) < 0.04, rng.uniform(1827, 1890, n), rng.uniform(0, 1826, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = zscore.quality(sex=rng.integers(1, 3, n), age=age)
    rows = q[(q.check == "age_groups") & q.statistic.str.contains("dissimilarity")]
    older = rows[rows.statistic.str.contains("60-228")]
    assert len(older) == 1 and older.verdict.iloc[0] == "info"
    assert "stray ages" in older.note.iloc[0]
    younger = rows[rows.statistic.str.contains("0-59")]
    assert younger.verdict.iloc[0] in ("pass", "warn", "fail")


def test_an_age_given_as_a_duration_is_read_in_the_calls_unit():
    """Durations (visit - birth date) give the same checks as the number of days, for raw
    measurements and for classify's output, with age_unit "days" or "months"."""
    import warnings

    import pandas as pd

    rng = np.random.default_rng(13)
    n = 600
    df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1800, n).round(),
                       "weight": rng.uniform(3, 20, n).round(1),
                       "lenhei": rng.uniform(50, 110, n).round(1)})
    as_duration = df.assign(age=pd.to_timedelta(df.age, unit="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = zscore.quality(df)
        for table in (as_duration, zscore.classify(as_duration)):
            for unit in ("days", "months"):
                got = zscore.quality(table, age_unit=unit)
                np.testing.assert_allclose(got.value.to_numpy(), expected.value.to_numpy(),
                                           rtol=1e-9, equal_nan=True)
