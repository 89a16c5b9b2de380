"""Property tests of zscore.classify against WHO's definitions (docs: ../shared/WHO_RULES.md, A).

Every expected value here is computed in this file, from the shipped tables and the formulas
written out below; nothing is taken from zscore's kernels. Rows are scored in batches (one
classify call per Hypothesis example) to keep the file fast.

Conventions: ages are whole days (so the table row is that day), and length/height is always
given with the position that matches the age ("l" before day 731, "h" from it), so no 0.7 cm
adjustment applies.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as hgiven
from hypothesis import strategies as st

import zscore
from zscore import rules, tables

IND = {ind.name: ind for ind in rules.INDICATORS_2006}
NAMES = tuple(IND)  # len wei wfl bmi hc ac ts ss
AGE_NAMES = tuple(n for n in NAMES if n != "wfl")
SWITCH_DAY = 731
LAST_DAY = 1826  # last whole day below 60 months (1826.25 d)
WFL_RANGE = (45.0, 110.0)
WFH_RANGE = (65.0, 120.0)


def examples(n: int) -> settings:
    """Hypothesis settings with n examples per test (per indicator when parametrized)."""
    return settings(
        max_examples=n,
        deadline=None,  # the first classify call may load numba's cache
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- reference implementation (independent of zscore's kernels) -------------------------------
def table_of(name: str, day: int) -> tables.Table:
    if name == "wfl":
        return tables.load("wfl_2006" if day < SWITCH_DAY else "wfh_2006")
    return tables.load(IND[name].table)


def day_lms(name: str, sex: int, day: int) -> tuple[float, float, float]:
    """L, M, S of the row for that sex and whole day."""
    tab = table_of(name, day)
    row = int(np.searchsorted(tab.keys, day))
    assert tab.keys[row] == day
    l, m, s = tab.lms[sex - 1, row]
    return float(l), float(m), float(s)


def wfl_lms(sex: int, day: int, x: float) -> tuple[float, float, float]:
    """L, M, S at length/height x (cm): linear between the 0.1 cm rows around x, as anthro:
    low = trunc(10 x) / 10, d = (x - low) / 0.1, X = X_low + d (X_up - X_low) when d > 0."""
    tab = table_of("wfl", day)
    tenths = np.rint(tab.keys * 10.0).astype(np.int64)
    low_tenth = math.trunc(x * 10.0)
    low = low_tenth / 10.0
    d = (x - low) / 0.1
    i = int(np.searchsorted(tenths, low_tenth))
    assert tenths[i] == low_tenth
    lo = tab.lms[sex - 1, i]
    if d > 0.0:
        up = tab.lms[sex - 1, i + 1]
        assert tenths[i + 1] == low_tenth + 1
        return tuple(float(a + d * (b - a)) for a, b in zip(lo, up, strict=True))
    return float(lo[0]), float(lo[1]), float(lo[2])


def lms_of(name: str, sex: int, day: int, x: float) -> tuple[float, float, float]:
    return wfl_lms(sex, day, x) if name == "wfl" else day_lms(name, sex, day)


def sd_value(k: float, l: float, m: float, s: float) -> float:
    """The measurement at k SD: M (1 + L S k)^(1/L)."""
    return m * (1.0 + l * s * k) ** (1.0 / l)


def measurement_at(z: float, l: float, m: float, s: float, restricted: bool) -> float | None:
    """The measurement whose (restricted) LMS z-score is z; None where the plain formula has
    no value (1 + L S z <= 0)."""
    if restricted and z > 3.0:
        sd3 = sd_value(3.0, l, m, s)
        return sd3 + (z - 3.0) * (sd3 - sd_value(2.0, l, m, s))
    if restricted and z < -3.0:
        sdm3 = sd_value(-3.0, l, m, s)
        return sdm3 + (z + 3.0) * (sd_value(-2.0, l, m, s) - sdm3)
    if 1.0 + l * s * z <= 0.0:
        return None
    return sd_value(z, l, m, s)


def r_round2(x: float) -> float:
    """R (>= 4.0) round(x, 2), from R's fround.c: lo = floor(100|x|)/100 and
    hi = ceil(100|x|)/100, where 100|x| is the double product; the nearer of the two measured
    by the double differences hi - |x| and |x| - lo; on an exact tie the even last digit.
    The integer parts are exact, the quotients and the differences are exact rationals rounded
    once to double, i.e. exactly IEEE's results."""
    if not math.isfinite(x) or x == 0.0:
        return x
    ax = abs(x)
    if 2 + (math.frexp(ax)[1] - 1 + 0.5) * math.log10(2.0) > 15:  # R: dig + logb(x) > DBL_DIG
        return x
    x100 = ax * 100.0  # the double product, as R computes it
    i_lo, i_hi = math.floor(x100), math.ceil(x100)
    lo = float(Fraction(i_lo, 100))
    hi = float(Fraction(i_hi, 100))
    du = float(Fraction(hi) - Fraction(ax))
    dd = float(Fraction(ax) - Fraction(lo))
    nearest = hi if (du < dd or (du == dd and i_lo % 2 == 1)) else lo
    return math.copysign(nearest, x)


@pytest.mark.parametrize("x, expected", [
    (5.003, 5.0), (5.007, 5.01), (-6.004, -6.0), (0.125, 0.12), (-0.125, -0.12),
    (0.135, 0.14), (2.675, 2.67), (1.005, 1.0), (0.375, 0.38), (-2.5, -2.5), (7.0, 7.0),
])
def test_reference_round_matches_known_r_results(x, expected):
    """The test's own R rounding on known cases: WHO_RULES A12 (5.003, 5.007, -6.004), decimal
    literals stored just below or above the tie (2.675, 1.005, 0.135), exact binary ties to the
    even digit (0.125, 0.375)."""
    assert r_round2(x) == expected


# --- building classify calls ---------------------------------------------------------------------
def measure_for(days: np.ndarray) -> np.ndarray:
    return np.where(days < SWITCH_DAY, "l", "h").astype(object)


def score(name: str, sex, day, x, y, *, precision: str = "full") -> dict:
    """classify rows whose measurement for indicator `name` is y (kg, cm or mm; for bmi y is the
    BMI and x the length/height it is built on; for wfl x is the length/height)."""
    sex = np.asarray(sex, dtype=np.float64)
    day = np.asarray(day, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if name == "len":
        kw = {"lenhei": y, "measure": measure_for(day)}
    elif name == "wfl":
        kw = {"weight": y, "lenhei": x, "measure": measure_for(day)}
    elif name == "bmi":
        t = x / 100.0
        kw = {"weight": y * t * t, "lenhei": x, "measure": measure_for(day)}
    else:
        kw = {IND[name].measurement: y}
    return zscore.classify(sex=sex, age=day, precision=precision, **kw)


@st.composite
def lengths(draw, lo: float, hi: float) -> float:
    """A length/height in [lo, hi] cm: on the 0.1 cm grid, with 2 decimals, or any double."""
    kind = draw(st.sampled_from(("grid", "hundredths", "any")))
    if kind == "grid":
        return draw(st.integers(round(lo * 10), round(hi * 10))) / 10.0
    if kind == "hundredths":
        return draw(st.integers(round(lo * 100), round(hi * 100))) / 100.0
    return draw(st.floats(lo, hi, allow_nan=False))


@st.composite
def children(draw, name: str) -> tuple[int, int, float]:
    """(sex, whole day, length/height): the length/height is the wfl abscissa (within the table
    the age selects) or the length/height a BMI is built on; unused otherwise."""
    sex = draw(st.sampled_from((1, 2)))
    day = draw(st.integers(IND[name].min_day, LAST_DAY))
    x = math.nan
    if name == "wfl":
        x = draw(lengths(*(WFL_RANGE if day < SWITCH_DAY else WFH_RANGE)))
    elif name == "bmi":
        x = draw(st.floats(45.0, 120.0, allow_nan=False))
    return sex, day, x


def columns(rows):
    """Split a list of tuples into numpy columns."""
    return [np.array(col) for col in zip(*rows, strict=True)]


# --- 1. monotonicity ----------------------------------------------------------------------------
@st.composite
def ratio_pairs(draw) -> tuple[float, float]:
    """0.3 <= a < b <= 3 with b >= 1.001 a: two measurements as multiples of the median."""
    a = draw(st.floats(0.3, 2.99))
    b = draw(st.floats(a * 1.001, 3.0))
    return a, b


@pytest.mark.parametrize("name", NAMES)
@examples(60)
@hgiven(data=st.data())
def test_z_strictly_increases_with_the_measurement(name, data):
    rows = data.draw(st.lists(st.tuples(children(name), ratio_pairs()), min_size=1, max_size=40))
    sex, day, x = columns([r[0] for r in rows])
    a, b = columns([r[1] for r in rows])
    m = np.array([lms_of(name, *c)[1] for c, _ in rows])
    y1, y2 = a * m, b * m
    assert (y1 < y2).all()
    n = len(rows)
    both = (np.concatenate([sex, sex]), np.concatenate([day, day]), np.concatenate([x, x]),
            np.concatenate([y1, y2]))
    z = score(name, *both)["z" + name]
    z1, z2 = z[:n], z[n:]
    assert np.isfinite(z).all(), [rows[i] for i in np.flatnonzero(~np.isfinite(z1 + z2))]
    bad = ~(z1 < z2)
    assert not bad.any(), [(rows[i], y1[i], y2[i], z1[i], z2[i]) for i in np.flatnonzero(bad)]
    # after the 2-decimal rounding the order can only tie, never reverse
    zr = score(name, *both, precision="who")["z" + name]
    assert (zr[:n] <= zr[n:]).all()


# --- 2. z = 0 at the median (every table row, both sexes) ----------------------------------------
@pytest.mark.parametrize("name", AGE_NAMES)
def test_median_of_every_day_row_scores_zero(name):
    tab = tables.load(IND[name].table)
    days = np.tile(tab.keys, 2)
    sex = np.repeat([1, 2], len(tab.keys))
    m = np.concatenate([tab.lms[0, :, 1], tab.lms[1, :, 1]])
    # BMI: on a length/height that is not a round number, so weight = M * t^2 is not exact
    x = np.full(len(days), 83.7)
    z = score(name, sex, days, x, m)["z" + name]
    assert np.isfinite(z).all()
    assert np.abs(z).max() < 1e-12, (np.abs(z).max(), days[np.argmax(np.abs(z))])


@pytest.mark.parametrize("table, days", [
    ("wfl_2006", np.arange(0, SWITCH_DAY)), ("wfh_2006", np.arange(SWITCH_DAY, LAST_DAY + 1)),
])
def test_median_of_every_length_row_scores_zero(table, days):
    tab = tables.load(table)
    x = np.tile(tab.keys, 2)
    sex = np.repeat([1, 2], len(tab.keys))
    day = np.resize(days, len(x))  # any age that selects this table
    m = np.concatenate([tab.lms[0, :, 1], tab.lms[1, :, 1]])
    z = score("wfl", sex, day, x, m)["zwfl"]
    assert np.isfinite(z).all()
    assert np.abs(z).max() < 1e-12, (np.abs(z).max(), x[np.argmax(np.abs(z))])


# --- 3. inverse round trip ------------------------------------------------------------------------
Z_EDGES = (-6.0, -3.0, -2.0, 0.0, 2.0, 3.0, 6.0, 3.0 + 1e-9, -3.0 - 1e-9, 2.999999, -2.999999)
z_values = st.one_of(st.floats(-6.0, 6.0, allow_nan=False), st.sampled_from(Z_EDGES))


def measurements(name: str, rows) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """For rows ((sex, day, x), z): the children kept, their z, the measurement at that z and
    their positions in rows. Rows whose measurement does not exist or is <= 0 (invalid by
    definition) are left out."""
    restricted = IND[name].restricted
    kept, zs, ys, index = [], [], [], []
    for i, (child, z) in enumerate(rows):
        y = measurement_at(z, *lms_of(name, *child), restricted)
        if y is not None and y > 0.0:
            kept.append(child)
            zs.append(z)
            ys.append(y)
            index.append(i)
    return kept, np.array(zs), np.array(ys), np.array(index, dtype=np.int64)


def round_trip(name: str, rows) -> None:
    kept, z, ys, _ = measurements(name, rows)
    if not kept:
        return
    got = score(name, *columns(kept), ys)["z" + name]
    bad = ~(np.abs(got - z) <= 1e-9)
    assert not bad.any(), [(kept[i], z[i], ys[i], got[i]) for i in np.flatnonzero(bad)]


@pytest.mark.parametrize("name", NAMES)
@examples(60)
@hgiven(data=st.data())
def test_measurement_at_z_scores_z(name, data):
    rows = data.draw(st.lists(st.tuples(children(name), z_values), min_size=1, max_size=40))
    round_trip(name, rows)


@pytest.mark.parametrize("x", [45.0, 45.01, 75.43, 75.45, 87.0, 109.95, 110.0])
def test_weight_for_length_round_trip_off_grid(x):
    zs = (-6.0, -4.5, -3.0, -1.0, 0.0, 1.7, 3.0, 4.2, 6.0)
    rows = [((sex, day, x), z) for sex in (1, 2) for day in (0, 400, 730) for z in zs]
    round_trip("wfl", rows)


@pytest.mark.parametrize("x", [65.0, 65.07, 75.43, 99.99, 119.95, 120.0])
def test_weight_for_height_round_trip_off_grid(x):
    zs = (-6.0, -4.5, -3.0, -1.0, 0.0, 1.7, 3.0, 4.2, 6.0)
    rows = [((sex, day, x), z) for sex in (1, 2) for day in (731, 1200, 1826) for z in zs]
    round_trip("wfl", rows)


# --- 4. WHO precision: R's round(z, 2), flags on the rounded z -----------------------------------
def flag_rule(z: np.ndarray, name: str) -> np.ndarray:
    ind = IND[name]
    return np.where(np.isnan(z), np.nan, ((z < ind.flag_low) | (z > ind.flag_high)) * 1.0)


def check_precisions(name: str, kept, ys) -> tuple[np.ndarray, np.ndarray]:
    """Score children `kept` with measurements ys at both precisions: the 'who' z must be
    r_round2 of the full z, and each flag must follow its rule on the z of its own precision."""
    sex, day, x = columns(kept)
    full = score(name, sex, day, x, ys)
    who = score(name, sex, day, x, ys, precision="who")
    zf, zw = full["z" + name], who["z" + name]
    expect = np.array([r_round2(v) for v in zf])
    same = (zw == expect) | (np.isnan(zw) & np.isnan(expect))
    assert same.all(), [(kept[i], ys[i], zf[i], zw[i], expect[i])
                        for i in np.flatnonzero(~same)]
    np.testing.assert_array_equal(who["f" + name], flag_rule(zw, name))
    np.testing.assert_array_equal(full["f" + name], flag_rule(zf, name))
    return zf, zw


near_ties = st.integers(-700, 699).map(lambda k: k / 100.0 + 0.005)


@pytest.mark.parametrize("name", NAMES)
@examples(40)
@hgiven(data=st.data())
def test_who_precision_is_r_rounding_of_full(name, data):
    z = st.one_of(st.floats(-7.0, 7.0, allow_nan=False), near_ties)
    # each row: a child, a z (anywhere, or near a decimal tie x.xx5) and a few ulps to move
    # the measurement by, to land on either side of the tie
    rows = data.draw(st.lists(st.tuples(children(name), z, st.integers(-8, 8)),
                              min_size=1, max_size=40))
    kept, _, ys, index = measurements(name, [(c, z) for c, z, _ in rows])
    if not kept:
        return
    ulps = np.array([j for _, _, j in rows])[index]
    check_precisions(name, kept, ys + ulps * np.spacing(ys))


@pytest.mark.parametrize("name", NAMES)
def test_who_precision_on_ties(name):
    """Walk the measurement ulp by ulp across decimal ties x.xx5, so that the full z passes
    within an ulp of each: binary ties (2k+1)/8, which some full z-scores hit exactly and R
    rounds to even, and other x.xx5, where 100 z is sometimes exactly k + 0.5 in doubles although
    z is not a tie (the cases where rint(100 z) / 100 and Python's round differ from R)."""
    rng = np.random.default_rng(2006)
    binary = [(2 * k + 1) / 8 for k in range(-16, 16)]
    decimal = [k / 100 + 0.005 for k in rng.integers(-600, 600, 40)]
    rows = []
    for sex in (1, 2):
        for day in rng.integers(IND[name].min_day, LAST_DAY + 1, 3):
            x = math.nan
            if name == "wfl":
                x = round(float(rng.uniform(*(WFL_RANGE if day < SWITCH_DAY else WFH_RANGE))), 2)
            elif name == "bmi":
                x = 100.0  # BMI = weight exactly: ulp steps of the weight are ulp steps of BMI
            rows += [((sex, int(day), x), z) for z in binary + decimal]
    kept, _, ys, _ = measurements(name, rows)
    steps = np.arange(-50, 51)
    walked = (ys[:, None] + steps[None, :] * np.spacing(ys)[:, None]).ravel()
    zf, zw = check_precisions(name, [c for c in kept for _ in steps], walked)
    on_tie = np.isin(zf, binary)
    assert on_tie.sum() >= 3, on_tie.sum()  # exact ties were reached
    # exact ties round to the even second decimal (0.125 -> 0.12, 0.375 -> 0.38)
    assert (np.rint(np.abs(zw[on_tie]) * 100) % 2 == 0).all()
    half = (zf * 100.0) % 1.0 == 0.5
    assert (half & ~on_tie).sum() >= 3  # 100 z = k + 0.5 in doubles for a z that is no tie


@st.composite
def boundary_cases(draw, name: str):
    """A z just beyond a flag threshold: within 0.005 (rounds onto the threshold) or more."""
    ind = IND[name]
    side = draw(st.sampled_from((-1.0, 1.0)))
    threshold = ind.flag_high if side > 0 else ind.flag_low
    inside = draw(st.booleans())
    gap = draw(st.floats(0.0002, 0.0048) if inside else st.floats(0.0052, 0.05))
    return draw(children(name)), threshold + side * gap, inside


@pytest.mark.parametrize("name", NAMES)
@examples(40)
@hgiven(data=st.data())
def test_flags_use_the_rounded_z(name, data):
    """E.g. full zwei 5.003 is flagged, but WHO's 5.00 is not; 5.007 -> 5.01 is flagged."""
    cases = data.draw(st.lists(boundary_cases(name), min_size=1, max_size=40))
    kept, _, ys, _ = measurements(name, [(c, z) for c, z, _ in cases])
    assert len(kept) == len(cases)  # no measurement was <= 0
    zf, zw = check_precisions(name, kept, ys)
    inside = np.array([i for _, _, i in cases])
    threshold = np.array([IND[name].flag_high if z > 0 else IND[name].flag_low
                          for _, z, _ in cases])
    # the full z is beyond the threshold: flagged at full precision
    assert ((zf > threshold) == (threshold > 0)).all()
    np.testing.assert_array_equal(flag_rule(zf, name), np.ones(len(zf)))
    # at WHO precision it is the threshold itself (not flagged) or beyond it (flagged)
    np.testing.assert_array_equal(zw[inside], threshold[inside])
    np.testing.assert_array_equal(flag_rule(zw, name), (~inside) * 1.0)


def test_flag_example_from_who_rules():
    """zwei 5.003 -> 5.00, fwei 0 (WHO); fwei 1 at full precision (WHO_RULES A12)."""
    l, m, s = day_lms("wei", 1, 365)
    y = measurement_at(5.003, l, m, s, True)
    full = score("wei", [1], [365], [math.nan], [y])
    who = score("wei", [1], [365], [math.nan], [y], precision="who")
    assert abs(full["zwei"][0] - 5.003) < 1e-9 and full["fwei"][0] == 1
    assert who["zwei"][0] == 5.0 and who["fwei"][0] == 0


# --- 5. oedema; rows are independent ------------------------------------------------------------
OEDEMA_YES = ("y", "Y", "1", 1)
OEDEMA_NO = ("n", "N", "2", 2, None)


@st.composite
def full_children(draw):
    """A child with every measurement near its median (lengths within the wfl/wfh tables)."""
    sex, day, _ = draw(children("len"))
    f = [draw(st.floats(0.95, 1.05)) for _ in range(6)]
    lenhei = day_lms("len", sex, day)[1] * f[0]
    weight = day_lms("wei", sex, day)[1] * f[1]
    headc = day_lms("hc", sex, day)[1] * f[2]
    arm_day = max(day, rules.MIN_AGE_DAYS_ARM_SKIN)
    armc, triskin, subskin = (day_lms(n, sex, arm_day)[1] * g
                              for n, g in zip(("ac", "ts", "ss"), f[3:], strict=True))
    oedema = draw(st.sampled_from(OEDEMA_YES + OEDEMA_NO))
    return sex, day, weight, lenhei, headc, armc, triskin, subskin, oedema


def classify_rows(rows, precision: str, oedema=True) -> dict:
    sex, day, weight, lenhei, headc, armc, triskin, subskin = columns([r[:8] for r in rows])
    codes = np.array([r[8] for r in rows], dtype=object) if oedema else "n"
    return zscore.classify(sex=sex, age=day.astype(float), weight=weight, lenhei=lenhei,
                           measure=measure_for(day), headc=headc, armc=armc, triskin=triskin,
                           subskin=subskin, oedema=codes, precision=precision)


@examples(60)
@hgiven(rows=st.lists(full_children(), min_size=1, max_size=40),
        precision=st.sampled_from(("full", "who")))
def test_oedema_removes_weight_based_z_only(rows, precision):
    out = classify_rows(rows, precision)
    base = classify_rows(rows, precision, oedema=False)
    yes = np.array([r[8] in OEDEMA_YES for r in rows])
    for col in ("zwei", "zwfl", "zbmi"):
        assert np.isfinite(base[col]).all()
        assert np.isnan(out[col][yes]).all()
        assert np.isnan(out["f" + col[1:]][yes]).all()
        np.testing.assert_array_equal(out[col][~yes], base[col][~yes])
    for col in ("zlen", "zhc", "zac", "zts", "zss"):
        np.testing.assert_array_equal(out[col], base[col])
        np.testing.assert_array_equal(out["f" + col[1:]], base["f" + col[1:]])
    assert np.isfinite(out["zlen"]).all()
    for label in out["reason"][yes]:
        assert label is not None and label.startswith("oedema: zwei zwfl zbmi")


MESSY_SEX = (1, 2, 1.0, "1", "2", "m", "f", "M", " F ", None, np.nan, 3, "x", "")
MESSY_MEASURE = ("l", "h", "L", "H", None, "x")
MESSY_OEDEMA = ("y", "n", "Y", "1", "2", 1, 2, None, "maybe")
messy_number = st.one_of(
    st.floats(-5.0, 2000.0, allow_nan=False),
    st.sampled_from((np.nan, 0.0, -1.0, np.inf, 730.5, 731.0, 1826.0, 1826.25, 90.5)),
)


@st.composite
def messy_rows(draw):
    n = draw(st.integers(1, 60))
    pick = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    nums = lambda: draw(st.lists(messy_number, min_size=n, max_size=n))  # noqa: E731
    return {
        "sex": np.array(pick(MESSY_SEX), dtype=object),
        "age": np.array(nums()),
        "weight": np.array(nums()) / 50.0,
        "lenhei": np.array(nums()) / 10.0,
        "measure": np.array(pick(MESSY_MEASURE), dtype=object),
        "oedema": np.array(pick(MESSY_OEDEMA), dtype=object),
        "headc": np.array(nums()) / 30.0,
        "armc": np.array(nums()) / 80.0,
        "triskin": np.array(nums()) / 100.0,
        "subskin": np.array(nums()) / 100.0,
    }


def assert_same_output(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for key in a:
        if a[key].dtype == object:
            assert a[key].tolist() == b[key].tolist(), key
        else:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@examples(60)
@hgiven(batch=messy_rows(), data=st.data(), precision=st.sampled_from(("full", "who")),
        age_unit=st.sampled_from(("days", "months")))
def test_rows_are_independent(batch, data, precision, age_unit):
    n = len(batch["sex"])
    perm = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    k = data.draw(st.integers(1, n))
    if age_unit == "months":
        batch["age"] = batch["age"] / 30.0
    opts = {"precision": precision, "age_unit": age_unit}
    whole = zscore.classify(**batch, **opts)
    shuffled = zscore.classify(**{c: v[perm] for c, v in batch.items()}, **opts)
    assert_same_output({c: v[perm] for c, v in whole.items()}, shuffled)
    subset = zscore.classify(**{c: v[perm[:k]] for c, v in batch.items()}, **opts)
    assert_same_output({c: v[perm[:k]] for c, v in whole.items()}, subset)


@pytest.mark.parametrize("precision, age_unit", [("who", "days"), ("full", "months")])
def test_rows_are_independent_in_large_batches(precision, age_unit):
    """The same with a batch large enough for the threaded kernel: shuffled and whole batches
    agree, and a small leading part (scored without threads) agrees with the whole."""
    rng = np.random.default_rng(1826)
    n = 50_000

    def messy(scale: float) -> np.ndarray:
        v = rng.uniform(-5.0, 2000.0, n) / scale
        special = rng.random(n) < 0.1
        v[special] = rng.choice([np.nan, 0.0, -1.0, np.inf], special.sum())
        return v

    def codes(values) -> np.ndarray:
        return np.array(values, dtype=object)[rng.integers(0, len(values), n)]

    batch = {"sex": codes(MESSY_SEX), "age": messy(1.0 if age_unit == "days" else 30.0),
             "weight": messy(50.0), "lenhei": messy(10.0), "measure": codes(MESSY_MEASURE),
             "oedema": codes(MESSY_OEDEMA), "headc": messy(30.0), "armc": messy(80.0),
             "triskin": messy(100.0), "subskin": messy(100.0)}
    opts = {"precision": precision, "age_unit": age_unit}
    whole = zscore.classify(**batch, **opts)
    assert np.isfinite(whole["zwfl"]).sum() > 100  # the batch is not all missing
    perm = rng.permutation(n)
    shuffled = zscore.classify(**{c: v[perm] for c, v in batch.items()}, **opts)
    assert_same_output({c: v[perm] for c, v in whole.items()}, shuffled)
    head = zscore.classify(**{c: v[:5000] for c, v in batch.items()}, **opts)
    assert_same_output({c: v[:5000] for c, v in whole.items()}, head)
