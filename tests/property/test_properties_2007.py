"""Property tests of the 5-19 year computation (WHO Growth Reference 2007, anthroplus) against
WHO's definitions (../shared/WHO_RULES.md, C), computed here from the shipped tables: L, M, S
linear in age between whole months, plain LMS for height-for-age, restricted LMS beyond +-3 SD
for weight- and BMI-for-age, limits 60 <= months <= 228 (120 for weight-for-age)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import given as hgiven
from hypothesis import strategies as st

import zscore
from zscore import tables

#: zscore column -> (anthroplus table, last month, restricted LMS)
IND = {"len": ("hfa_2007", 228, False), "wei": ("wfa_2007", 120, True),
       "bmi": ("bfa_2007", 228, True)}


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def month_lms(name: str, sex: int, months: float) -> tuple[float, float, float]:
    """anthroplus: lo = trunc(age), up = trunc(age + 1), d = age - lo; X_lo + d (X_up - X_lo)."""
    tab = tables.load(IND[name][0])
    lo, up = math.trunc(months), math.trunc(months + 1.0)
    d = months - lo
    row_lo = tab.lms[sex - 1, int(np.flatnonzero(tab.keys == lo)[0])]
    if d > 0:
        row_up = tab.lms[sex - 1, int(np.flatnonzero(tab.keys == up)[0])]
        return tuple(float(a + d * (b - a)) for a, b in zip(row_lo, row_up, strict=True))
    return float(row_lo[0]), float(row_lo[1]), float(row_lo[2])


def z_of(y: float, l: float, m: float, s: float, restricted: bool) -> float:
    def sd(k):
        return m * (1.0 + l * s * k) ** (1.0 / l)
    z = ((y / m) ** l - 1.0) / (s * l)
    if restricted and z > 3.0:
        return 3.0 + (y - sd(3.0)) / (sd(3.0) - sd(2.0))
    if restricted and z < -3.0:
        return -3.0 + (y - sd(-3.0)) / (sd(-2.0) - sd(-3.0))
    return z


def value_at(z: float, l: float, m: float, s: float, restricted: bool) -> float:
    def sd(k):
        return m * (1.0 + l * s * k) ** (1.0 / l)
    if restricted and z > 3.0:
        return sd(3.0) + (z - 3.0) * (sd(3.0) - sd(2.0))
    if restricted and z < -3.0:
        return sd(-3.0) + (z + 3.0) * (sd(-2.0) - sd(-3.0))
    return sd(z)


def score(name: str, sex, months, y, precision="full", standard="2007"):
    """zscore's z for one indicator, the measurement given directly (BMI through weight at a
    height of 100 cm, where BMI = weight)."""
    n = len(sex)
    kw = dict(sex=sex, age=months, age_unit="months", precision=precision, standard=standard)
    if name == "len":
        out = zscore.classify(lenhei=y, **kw)
    elif name == "wei":
        out = zscore.classify(weight=y, **kw)
    else:
        out = zscore.classify(weight=y, lenhei=np.full(n, 100.0), **kw)
    return out


sexes = st.lists(st.sampled_from([1, 2]), min_size=30, max_size=30)


@examples(25)
@hgiven(name=st.sampled_from(list(IND)), sex=sexes,
        months=st.lists(st.floats(60.0, 228.0), min_size=30, max_size=30),
        z=st.lists(st.floats(-5.5, 5.5), min_size=30, max_size=30))
def test_z_matches_the_formula_and_round_trips(name, sex, months, z):
    """At any age in range, the measurement at z scores back to z (the inverse round trip), and
    zscore's z equals this file's formula to 1e-9."""
    _, last, restricted = IND[name]
    months = [min(m, float(last)) for m in months]
    params = [month_lms(name, sx, m) for sx, m in zip(sex, months, strict=True)]
    ys = [value_at(zz, *p, restricted) for zz, p in zip(z, params, strict=True)]
    out = score(name, sex, months, ys)
    ours = np.asarray(out["z" + name])
    expected = np.array([z_of(y, *p, restricted) for y, p in zip(ys, params, strict=True)])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours, z, rtol=0, atol=1e-6)
    assert (np.asarray(out["standard"]) == "2007").all()


@examples(20)
@hgiven(name=st.sampled_from(list(IND)), sex=st.sampled_from([1, 2]),
        month=st.integers(60, 228))
def test_z_is_zero_at_the_median_and_grows_with_the_measurement(name, sex, month):
    _, last, _ = IND[name]
    month = min(month, last)
    _, m, _ = month_lms(name, sex, float(month))
    ys = m * np.array([0.6, 0.8, 0.95, 1.0, 1.05, 1.2, 1.5])
    z = np.asarray(score(name, [sex] * ys.size, [float(month)] * ys.size, ys)["z" + name])
    assert z[3] == 0.0
    assert (np.diff(z) > 0).all()


def test_age_limits_are_inclusive_and_fractional_months_interpolate():
    months = [59.99, 60.0, 120.0, 120.01, 228.0, 228.01]
    out = zscore.classify(sex=[1] * 6, age=months, age_unit="months", weight=[30.0] * 6,
                          lenhei=[140.0] * 6, standard="2007")
    zlen, zwei = np.asarray(out["zlen"]), np.asarray(out["zwei"])
    assert np.isnan(zlen[[0, 5]]).all() and not np.isnan(zlen[1:5]).any()
    assert np.isnan(zwei[[0, 3, 4, 5]]).all() and not np.isnan(zwei[[1, 2]]).any()
    assert list(out["reason"])[3] == "age_out_of_range: zwei"
    # halfway between two months: L, M, S halfway (height-for-age, L = 1)
    _, m, s = month_lms("len", 2, 100.5)
    h = m * (1 + s * 1.5)
    z = score("len", [2], [100.5], [h])["zlen"][0]
    assert abs(z - 1.5) < 1e-12


@examples(15)
@hgiven(sex=sexes, months=st.lists(st.floats(60.0, 228.0), min_size=30, max_size=30),
        z=st.lists(st.floats(-7.0, 7.0), min_size=30, max_size=30))
def test_flags_and_rounding_as_anthroplus(sex, months, z):
    """WHO precision: z rounded to 2 decimals, then |zhfa| > 6, zwfa < -6 or > 5, |zbfa| > 5."""
    for name, low, high in (("len", -6, 6), ("bmi", -5, 5)):
        _, _, restricted = IND[name]
        ys = [value_at(zz, *month_lms(name, sx, m), restricted)
              for zz, sx, m in zip(z, sex, months, strict=True)]
        out = score(name, sex, months, ys, precision="who")
        zz = np.asarray(out["z" + name])
        flags = np.asarray(out["f" + name])
        assert np.array_equal(np.round(zz, 2), zz)  # two decimals
        expected = ((zz < low) | (zz > high)).astype(float)
        assert np.array_equal(flags, expected)


def test_auto_equals_the_forced_standard_on_each_side():
    rng = np.random.default_rng(5)
    n = 3_000
    months = rng.uniform(0, 230, n)
    kw = dict(sex=rng.integers(1, 3, n), age=months, age_unit="months",
              weight=rng.uniform(3, 80, n), lenhei=rng.uniform(50, 190, n),
              measure=np.where(months < 24, "l", "h"))
    auto = zscore.classify(**kw)
    y06 = zscore.classify(**kw, standard="2006")
    y07 = zscore.classify(**kw, standard="2007")
    old = months >= 60
    for col in ("zlen", "zwei", "zbmi", "flen", "fwei", "fbmi"):
        a = np.asarray(auto[col], dtype=float)
        np.testing.assert_array_equal(a[old], np.asarray(y07[col], dtype=float)[old])
        np.testing.assert_array_equal(a[~old], np.asarray(y06[col], dtype=float)[~old])
    assert np.isnan(np.asarray(y06["zlen"], dtype=float)[old]).all()
    assert np.isnan(np.asarray(y07["zlen"], dtype=float)[~old]).all()
    # the parallel kernel (n >= 20,000) gives the same as the serial one
    big = {k: np.tile(v, 8) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    par = zscore.classify(**big)
    np.testing.assert_array_equal(np.asarray(par["zbmi"][:n]), np.asarray(auto["zbmi"]))
    assert list(par["thinness"][:n]) == list(auto["thinness"])


def test_oedema_and_position_in_5_19():
    """Oedema: weight- and BMI-for-age missing; standing height as given, the measure ignored
    (anthroplus has no position and no 0.7 cm adjustment)."""
    kw = dict(sex=[1, 1, 1], age=[100.0] * 3, age_unit="months", weight=[25.0] * 3,
              lenhei=[128.0] * 3)
    out = zscore.classify(**kw, oedema=["y", "n", "n"], measure=["h", "l", None])
    assert np.isnan(out["zwei"][0]) and np.isnan(out["zbmi"][0]) and not np.isnan(out["zlen"][0])
    assert out["reason"][0] == "oedema: zwei zbmi; age_out_of_range: zwfl"
    assert out["zlen"][0] == out["zlen"][1] == out["zlen"][2]
    assert (np.asarray(out["clenhei"]) == 128.0).all()
