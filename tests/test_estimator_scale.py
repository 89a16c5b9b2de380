"""Weights of any size (issue 9): the survey estimators of zscore.prevalence and the weighted
checks of zscore.quality give the same answers for weights w and c * w, whatever c, with
strata and clusters, and weights far outside float64's comfortable range (1e155, whose
squares overflow; 1e-320 and 5e-324, subnormal; 1e-300 beside 1e300 in one table) give the
figures of ordinary weights, with a ZScoreWarning.

A power-of-two factor must change nothing at all (the estimators rescale by powers of two,
which is exact); any other factor only up to rounding.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zscore
from zscore import InputError, ZScoreWarning

ESTIMATES = ("estimate", "se", "ci_lower", "ci_upper")
DESIGNS = {
    "weights only": dict(weights="w"),
    "strata": dict(weights="w", strata="stratum"),
    "clusters": dict(weights="w", cluster="cluster"),
    "strata and clusters": dict(weights="w", cluster="cluster", strata="stratum"),
}
WEIGHTED_CHECKS = ("sex_ratio", "age_groups", "age_ratio")


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def noted(fn, *args, **kw) -> tuple[pd.DataFrame, str]:
    """The result and the text of every ZScoreWarning of the call."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, " | ".join(str(r.message) for r in record if r.category is ZScoreWarning)


def survey(seed: int = 0, n: int = 120, nstrata: int = 3, clusters: int = 8) -> pd.DataFrame:
    """Classified z-scores (2 decimals, some missing), weights in 0.5-3 with some zeros, a
    stratified cluster design with a lonely stratum sometimes, and a region."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({
        "csex": rng.integers(1, 3, n).astype(float),
        "age": rng.uniform(0, 1826, n),
        "stratum": rng.integers(0, nstrata, n),
        "cluster": rng.integers(0, clusters, n),
        "w": np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0.5, 3.0, n)),
        "region": rng.choice(["north", "south", "east"], n),
    })
    for column in ("zlen", "zwei", "zbmi", "zwfl"):
        z = np.round(rng.normal(-1.0, 1.5, n), 2).clip(-4.5, 4.5)
        z[rng.random(n) < 0.1] = np.nan
        table[column] = z
    return table


def prevalence(table: pd.DataFrame, w: np.ndarray, design: str) -> pd.DataFrame:
    return quiet(zscore.prevalence, table.assign(w=w), by="region", **DESIGNS[design])


def split(t: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The table without its weighted n, and the weighted n."""
    weighted = (t.statistic == "n (weighted)").to_numpy()
    return t[~weighted], t.loc[weighted, "estimate"]


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, rtol: float = 0.0) -> None:
    """Every figure but the weighted n equal: exactly (rtol 0) or up to rounding."""
    a, b = split(got)[0], split(expected)[0]
    for column in ESTIMATES:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        assert np.array_equal(np.isnan(x), np.isnan(y)), column
        if rtol:
            np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-12, err_msg=column)
        else:
            np.testing.assert_array_equal(x, y, err_msg=column)


def raw_children(seed: int = 0, n: int = 400) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return dict(sex=rng.integers(1, 3, n), age=rng.uniform(0, 1800, n),
                weight=np.round(rng.uniform(3, 20, n), 1),
                lenhei=np.round(rng.uniform(50, 110, n), 1),
                region=rng.choice(["north", "south"], n))


def quality(children: dict[str, np.ndarray], w: np.ndarray) -> pd.DataFrame:
    return quiet(zscore.quality, children, weights=w, by="region")


def weighted_part(q: pd.DataFrame) -> pd.DataFrame:
    return q[q.check.isin(WEIGHTED_CHECKS)]


# --- prevalence ---------------------------------------------------------------------------------
@examples(12)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(-1000, 1000),
       design=st.sampled_from(sorted(DESIGNS)))
def test_a_power_of_two_changes_nothing_but_the_weighted_n(seed, k, design):
    """Weights 0.5-3 times 2^k stay normal numbers for k in -1000..1000; the weighted n is the
    old one times 2^k (inf where that is beyond float64)."""
    table = survey(seed)
    w = table["w"].to_numpy()
    base = prevalence(table, w, design)
    got = prevalence(table, np.ldexp(w, k), design)
    assert_same(got, base)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(split(got)[1], np.ldexp(split(base)[1].to_numpy(), k))


@examples(12)
@given(seed=st.integers(0, 2**32 - 1), exponent=st.floats(-300, 300),
       design=st.sampled_from(sorted(DESIGNS)))
def test_any_constant_factor_changes_nothing_but_the_weighted_n(seed, exponent, design):
    table = survey(seed)
    c = 10.0**exponent
    w = table["w"].to_numpy()
    base = prevalence(table, w, design)
    got = prevalence(table, w * c, design)
    assert_same(got, base, rtol=1e-12)
    np.testing.assert_allclose(split(got)[1], split(base)[1] * c, rtol=1e-12)


@pytest.mark.parametrize("design", sorted(DESIGNS))
@pytest.mark.parametrize("c", [1e155, 1e200, 1e-300, 1e-320, 5e-324])
def test_constant_weights_of_any_size_give_the_figures_of_weights_1(c, design):
    table = survey(3)
    ones = np.ones(len(table))
    base = prevalence(table, ones, design)
    got = prevalence(table, ones * c, design)
    # 5e-324 is 2^-1074: exact; others are a constant within rounding of 1
    assert_same(got, base, rtol=0.0 if c == 5e-324 else 1e-12)
    assert np.isfinite(split(got)[0]["se"]).sum() == np.isfinite(split(base)[0]["se"]).sum() > 0
    np.testing.assert_allclose(split(got)[1], split(base)[1] * c, rtol=1e-12)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_weights_of_1e155_give_finite_ses(design):
    """Their squares (1e310) overflow float64: the SEs were NaN before the rescaling."""
    table = survey(4)
    w = table["w"].to_numpy()
    base = prevalence(table, w, design)
    got, notes = noted(zscore.prevalence, table.assign(w=w * 1e155), by="region",
                       **DESIGNS[design])
    assert "rescaled by a power of two" in notes
    assert_same(got, base, rtol=1e-12)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_subnormal_weights_are_used_exactly_as_given(design):
    """w * 1e-320 keeps only a few digits of w (a subnormal number), but those weights are
    used exactly: the figures of the same weights times 2^1074 (whole numbers)."""
    table = survey(5)
    tiny = table["w"].to_numpy() * 1e-320
    got = prevalence(table, tiny, design)
    whole = prevalence(table, np.ldexp(tiny, 1074), design)
    assert_same(got, whole)
    assert np.isfinite(split(got)[0]["se"]).any()
    np.testing.assert_array_equal(split(got)[1], np.ldexp(split(whole)[1].to_numpy(), -1074))


def mixed_weights(table: pd.DataFrame, seed: int, tiny: float, huge: float) -> np.ndarray:
    """Girls and a third of the boys get ``tiny`` times their weight, the other boys ``huge``
    times theirs: so the group "Female" holds tiny weights only."""
    rng = np.random.default_rng(seed)
    small = (table["csex"] == 2).to_numpy() | (rng.random(len(table)) < 0.33)
    w = table["w"].to_numpy()
    return np.where(small, w * tiny, w * huge)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_weights_of_1e_300_beside_1e300(design):
    """1e300 / 1e-300 is beyond float64: in a group with both, the 1e-300 rows count for
    nothing (they would count 1e-600 of the others), and a group with only them gets the
    figures of their own weights. The reference puts 1 in place of 1e300 and 1e-20 of
    1e-300: a share of 1e-20 is as invisible to float64 as 1e-600."""
    table = survey(6, n=200)
    w = mixed_weights(table, 1, 1e-300, 1e300)
    reference = mixed_weights(table, 1, 1e-20, 1.0)
    got, notes = noted(zscore.prevalence, table.assign(w=w), by="region", **DESIGNS[design])
    assert "rescaled by a power of two" in notes and "smallest nonzero" in notes
    expected = prevalence(table, reference, design)
    assert_same(got, expected, rtol=1e-12)
    assert got.attrs["df"] == expected.attrs["df"]  # the 1e-300 rows still have a weight > 0
    # girls only ("Female", "00-05 mo.Female", ...): 1e-300 in place of 1e-20; else 1e300 of 1
    weighted = (got.statistic == "n (weighted)").to_numpy()
    girls = got.group[weighted].str.endswith("Female").to_numpy()
    n_got, n_expected = split(got)[1].to_numpy(), split(expected)[1].to_numpy()
    np.testing.assert_allclose(n_got[girls], n_expected[girls] * 1e-280, rtol=1e-12)
    np.testing.assert_allclose(n_got[~girls], n_expected[~girls] * 1e300, rtol=1e-12)


def test_a_weighted_n_beyond_float64_is_inf():
    """200 children of weight 1e308: their sum is beyond float64's 1.8e308, so n (weighted)
    is inf (with a warning); every other figure is that of weights 1."""
    table = survey(7, n=200)
    ones = np.ones(len(table))
    got, notes = noted(zscore.prevalence, table.assign(w=ones * 1e308), by="region",
                       **DESIGNS["strata and clusters"])
    assert "given as inf" in notes
    base = prevalence(table, ones, "strata and clusters")
    assert_same(got, base, rtol=1e-12)
    n = split(got)[1].to_numpy()
    assert np.isposinf(n[0])  # All, HA: about 180 rows of 1e308
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(n, split(base)[1].to_numpy() * 1e308, rtol=1e-12)


def test_ordinary_weights_bring_no_warning():
    table = survey(8)
    w = np.random.default_rng(8).uniform(1e-3, 1e6, len(table))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        zscore.prevalence(table.assign(w=w), **DESIGNS["strata and clusters"])
    assert not [r for r in record if "weight" in str(r.message)]


def test_a_trillion_fold_span_is_reported_but_not_rescaled():
    table = survey(9)
    w = table["w"].to_numpy()
    w = np.where(np.arange(w.size) % 10 == 0, w * 1e-13, w)
    _, notes = noted(zscore.prevalence, table.assign(w=w), weights="w")
    assert "smallest nonzero" in notes and "rescaled" not in notes


def test_zero_missing_negative_and_infinite_weights_keep_their_meaning():
    """0: no weight (counts in n unweighted only); missing: 0 with a warning; negative or
    infinite: InputError; also next to huge weights."""
    table = survey(10)
    w = table["w"].to_numpy() * 1e200
    w[:5] = 0.0
    zero = prevalence(table, w, "strata and clusters")
    w[:5] = np.nan
    missing, notes = noted(zscore.prevalence, table.assign(w=w), by="region",
                           **DESIGNS["strata and clusters"])
    assert "missing sampling weight" in notes
    assert_same(missing, zero)
    np.testing.assert_array_equal(split(missing)[1], split(zero)[1])
    for bad in (-1e200, math.inf, -math.inf):
        w[0] = bad
        with pytest.raises(InputError, match="negative, infinite"):
            quiet(zscore.prevalence, table.assign(w=w), weights="w")


# --- quality ----------------------------------------------------------------------------------
@examples(10)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(-1000, 1000))
def test_quality_a_power_of_two_changes_nothing(seed, k):
    children = raw_children(seed % 1000, 300)
    w = np.random.default_rng(seed).uniform(0.5, 3.0, 300)
    pd.testing.assert_frame_equal(quality(children, np.ldexp(w, k)), quality(children, w),
                                  check_exact=True)


@examples(10)
@given(seed=st.integers(0, 2**32 - 1), exponent=st.floats(-300, 300))
def test_quality_any_constant_factor_changes_nothing(seed, exponent):
    children = raw_children(seed % 1000, 300)
    w = np.random.default_rng(seed).uniform(0.5, 3.0, 300)
    got, base = quality(children, w * 10.0**exponent), quality(children, w)
    pd.testing.assert_frame_equal(got.drop(columns=["value", "p_value"]),
                                  base.drop(columns=["value", "p_value"]))
    for column in ("value", "p_value"):
        np.testing.assert_allclose(got[column], base[column], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("c", [1e155, 1e200, 1e-300, 1e-320, 5e-324])
def test_quality_constant_weights_of_any_size_give_the_verdicts_of_weights_1(c):
    """A constant 1e200 used to make Kish's effective n inf / inf: NaN p-values, n/a."""
    children = raw_children(11)
    ones = np.ones(400)
    got, notes = noted(zscore.quality, children, weights=ones * c, by="region")
    assert "the weighted checks were computed" in notes
    base = quality(children, ones)
    assert (weighted_part(got).verdict != "n/a").any()
    pd.testing.assert_frame_equal(got.drop(columns=["value", "p_value"]),
                                  base.drop(columns=["value", "p_value"]))
    for column in ("value", "p_value"):
        np.testing.assert_allclose(got[column], base[column], rtol=1e-12, atol=1e-300)


def test_quality_weights_of_1e_300_beside_1e300():
    """The region "south" and a third of the other children get weights of about 1e-300, the
    rest 1e300; the reference has 1e-20 and 1 (see test_weights_of_1e_300_beside_1e300).
    (Not by sex: boys per girl would then be about 1e600 in "All", beyond float64.)"""
    children = raw_children(12)
    rng = np.random.default_rng(12)
    w = rng.uniform(0.5, 3.0, 400)
    small = (children["region"] == "south") | (rng.random(400) < 0.33)
    got = quality(children, np.where(small, w * 1e-300, w * 1e300))
    expected = quality(children, np.where(small, w * 1e-20, w))
    pd.testing.assert_frame_equal(got.drop(columns=["value", "p_value"]),
                                  expected.drop(columns=["value", "p_value"]))
    for column in ("value", "p_value"):
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=1e-300)
    south = weighted_part(got)[weighted_part(got).group == "south"]
    assert (south.verdict != "n/a").any()  # judged on their own (tiny) weights


def test_quality_kernel_path_constant_weights():
    """From quality.SMALL rows the counts come from the numba kernels. 2^-1074 (5e-324) is
    exact; 1e200 within rounding (summed over 20,000 rows: about 1e-12 relative in Kish's n,
    more in the small p-values)."""
    children = raw_children(13, 20_000)
    ones = np.ones(20_000)
    base = quality(children, ones)
    pd.testing.assert_frame_equal(quality(children, ones * 5e-324), base, check_exact=True)
    got = quality(children, ones * 1e200)
    pd.testing.assert_frame_equal(got.drop(columns=["value", "p_value"]),
                                  base.drop(columns=["value", "p_value"]))
    np.testing.assert_allclose(got.p_value, base.p_value, rtol=1e-9, atol=1e-300)


def test_quality_zero_missing_negative_and_infinite_weights_keep_their_meaning():
    children = raw_children(14)
    w = np.random.default_rng(14).uniform(0.5, 3.0, 400) * 1e200
    w[:5] = 0.0
    zero = quality(children, w)
    w[:5] = np.nan  # left out of the weighted checks: their counted rows change, not the sums
    missing = quality(children, w)
    assert (weighted_part(missing).n <= weighted_part(zero).n).all()
    for bad in (-1.0, math.inf):
        w[0] = bad
        with pytest.raises(InputError, match="negative, infinite"):
            zscore.quality(children, weights=w)
