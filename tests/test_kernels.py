"""Each kernel helper against a slow, obviously-correct Python version."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from zscore import _kernels, rules


def r_round2(x: float) -> float:
    """R 4.x round(x, 2), written out from its description (fround.c): the double neighbours
    lo = floor(100 x) / 100 and hi = ceil(100 x) / 100, the nearer by double differences, ties
    to the even last digit."""
    if not math.isfinite(x) or x == 0:
        return x
    sign = -1.0 if x < 0 else 1.0
    x = abs(x)
    x10 = 100.0 * x
    lo, hi = math.floor(x10) / 100.0, math.ceil(x10) / 100.0
    du, dd = hi - x, x - lo
    if du < dd or (du == dd and math.floor(x10) % 2 == 1):
        return sign * hi
    return sign * lo


@pytest.mark.parametrize("x, expected", [
    (5.003, 5.0), (5.007, 5.01), (-6.004, -6.0), (0.125, 0.12), (0.135, 0.14),
    (2.675, 2.67), (1.005, 1.0), (-1.005, -1.0), (0.0, 0.0), (1e-300, 0.0), (math.inf, math.inf),
])
def test_round2_known_values(x, expected):
    assert _kernels.round2_r(x) == expected


def test_round2_matches_r_rule_on_ties_and_random_values():
    rng = np.random.default_rng(7)
    ties = (np.arange(-100_000, 100_000) + 0.5) / 100.0  # x.xx5 decimal "ties"
    values = np.concatenate([ties, rng.normal(0, 3, 50_000), rng.uniform(-20, 20, 50_000)])
    ours = np.array([_kernels.round2_r(v) for v in values])
    slow = np.array([r_round2(v) for v in values])
    np.testing.assert_array_equal(ours, slow)
    # and it is not Python's or numpy's rounding
    assert (ours != np.round(values, 2)).any()


def test_round_half_up():
    assert _kernels.round_half_up(730.5) == 731
    assert _kernels.round_half_up(730.4999) == 730
    assert _kernels.round_half_up(24 * rules.DAYS_PER_MONTH) == 731
    assert _kernels.round_half_up(0.0) == 0


def _lms_exact(y, l, m, s):
    # exact-ish reference in rationals where possible; float pow is the only rounding
    return ((y / m) ** l - 1.0) / (s * l)


@pytest.mark.parametrize("l", [1.0, 0.3487, -0.3521, -0.0001, -1.7407])
def test_restricted_lms_matches_definition(l):
    m, s = 10.0, 0.12
    sd = lambda k: m * (1 + l * s * k) ** (1 / l)  # noqa: E731
    for y in np.linspace(0.4 * m, 2.5 * m, 301):
        z = _lms_exact(y, l, m, s)
        if z > 3:
            expect = 3 + (y - sd(3)) / (sd(3) - sd(2))
        elif z < -3:
            expect = -3 + (y - sd(-3)) / (sd(-2) - sd(-3))
        else:
            expect = z
        assert _kernels.restricted_z(y, l, m, s) == pytest.approx(expect, abs=1e-12)
        assert _kernels.lms_z(y, l, m, s) == pytest.approx(z, abs=1e-12)


def test_plain_lms_with_l_one_is_bit_identical_to_power_formula():
    rng = np.random.default_rng(1)
    for y, m, s in zip(rng.uniform(40, 130, 2000), rng.uniform(45, 120, 2000),
                       rng.uniform(0.03, 0.05, 2000), strict=True):
        assert _kernels.lms_z(y, 1.0, m, s) == ((y / m) ** 1.0 - 1.0) / (s * 1.0)


def test_tenth_position_and_lerp():
    # on the grid: the row itself, no interpolation
    assert _kernels.tenth_position(45.0, 450) == (0, 1, 0.0)
    lo, up, d = _kernels.tenth_position(45.125, 450)
    assert (lo, up) == (1, 2) and d == pytest.approx(0.25, abs=1e-12)
    assert d == (45.125 - math.trunc(451.25) / 10.0) / 0.1  # R's operations, bit for bit
    # float noise: a value a hair below 74.8 takes 74.7 as low row with d ~ 1, as in WHO's code
    lo, up, d = _kernels.tenth_position(74.79999999999999, 450)
    assert (lo, up) == (747 - 450, 748 - 450) and 0.9999 < d < 1.0
    assert _kernels.lerp(2.0, 4.0, 0.25) == 2.5


def test_factorize_matches_numpy_and_falls_back():
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 50, 10_000).astype(np.int64) << 10
    codes, uniques, ok = _kernels.factorize_int64(keys, 1 << 12)
    assert ok
    np.testing.assert_array_equal(uniques[codes], keys)
    assert len(set(uniques.tolist())) == len(uniques) == 50
    _, _, ok = _kernels.factorize_int64(np.arange(5000, dtype=np.int64), 1 << 12)
    assert not ok


def test_factorize_skip_zero_gives_minus_one():
    rng = np.random.default_rng(4)
    keys = rng.integers(0, 5, 10_000).astype(np.int64) << 5
    codes, uniques, ok = _kernels.factorize_int64(keys, 1 << 12, True)
    assert ok and 0 not in uniques.tolist() and len(uniques) == 4
    np.testing.assert_array_equal(codes == -1, keys == 0)
    np.testing.assert_array_equal(uniques[codes[keys != 0]], keys[keys != 0])


def test_reason_column_same_for_large_and_small_batches():
    """The parallel path (key 0 straight to -1) labels rows as the numpy path does."""
    from zscore.classify import SMALL, factorize_reasons

    rng = np.random.default_rng(5)
    keys = np.where(rng.random(3 * SMALL) < 0.9, 0,
                    rng.integers(1, 16, 3 * SMALL) << (5 * rng.integers(0, 4, 3 * SMALL)))
    active = ("len", "wei", "wfl", "bmi")
    codes, labels = factorize_reasons(keys.astype(np.int64), active)
    small = [factorize_reasons(keys[i:i + 1000].astype(np.int64), active)
             for i in range(0, keys.size, 1000)]
    got = [labels[c] if c >= 0 else None for c in codes.tolist()]
    expected = [lab[c] if c >= 0 else None for sc, lab in small for c in sc.tolist()]
    assert got == expected


def test_reason_codes_match_rules():
    for name, code in rules.REASON_CODE.items():
        if name in rules.SPECIAL_REASONS:  # set after the kernel (classify.special_reasons)
            continue
        assert getattr(_kernels, "R_" + name.upper()) == code
    assert len(rules.REASONS) <= 1 << rules.REASON_BITS
    assert [i.name for i in rules.INDICATORS_2006] == ["len", "wei", "wfl", "bmi", "hc", "ac",
                                                        "ts", "ss"]


def test_rounding_rule_differs_from_decimal_on_binary_values():
    # 0.285 is stored as 0.28499999999999998; R compares double differences and gives 0.28
    assert Fraction(0.285) < Fraction(285, 1000)
    assert _kernels.round2_r(0.285) == r_round2(0.285)


# --- WHO precision against full precision --------------------------------------------------------
def _random_children(n: int, seed: int) -> dict:
    """Children 0-19 years with plausible and absurd measurements, and weights placed exactly
    on (or a hair from) a rounding tie of zwei, where the fast power must hand over."""
    from zscore import tables

    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = np.where(rng.random(n) < 0.75, rng.uniform(0, 1860, n), rng.uniform(1800, 7000, n))
    day = np.minimum(np.floor(age + 0.5).astype(np.int64), 1826)
    wfa = tables.load("wei_2006").lms[sex - 1, day]
    lfa = tables.load("len_2006").lms[sex - 1, day]
    weight = np.round(wfa[:, 1] * np.exp(wfa[:, 2] * rng.normal(-0.3, 2.0, n)), 1)
    lenhei = np.round(lfa[:, 1] * (1 + lfa[:, 2] * rng.normal(-0.5, 2.0, n)), 1)
    wild = rng.random(n) < 0.2  # anything: far beyond +-5 SD, out of the power's domain
    weight[wild] = rng.uniform(0.3, 150.0, wild.sum())
    lenhei[wild] = rng.uniform(30.0, 200.0, wild.sum())
    tie = (rng.random(n) < 0.2) & (age < 1826)  # zwei exactly at k/100 + 0.005 (+- 1e-12)
    l, m, s = wfa[tie, 0], wfa[tie, 1], wfa[tie, 2]
    z_tie = (rng.integers(-300, 300, tie.sum()) + 0.5) / 100.0
    z_tie += rng.choice([0.0, 1e-12, -1e-12, 3e-10, -3e-10], tie.sum())
    weight[tie] = m * (1.0 + l * s * z_tie) ** (1.0 / l)
    measure = rng.choice(np.array(["l", "h", ""]), n)
    return {"sex": sex, "age": age, "weight": weight, "lenhei": lenhei, "measure": measure}



def test_who_precision_is_the_exact_z_rounded():
    """Whatever the kernel does to be fast (docs/performance.md tried faster powers), on two
    million children (a fifth of them with absurd values, a fifth with zwei on a rounding tie)
    every WHO-precision z must be R's round(z, 2) of the full-precision z, bit for bit."""
    import importlib

    from numba import njit

    batch = importlib.import_module("zscore.classify")

    @njit(cache=False)
    def round_all(z):
        out = np.empty_like(z)
        for i in range(z.size):
            out.flat[i] = _kernels.round2_r(z.flat[i])
        return out

    kids = _random_children(2_000_000, 7)
    who = batch.classify(**kids)
    full = batch.classify(**kids, precision="full")
    for name in ("zlen", "zwei", "zwfl", "zbmi"):
        expected = round_all(full[name])
        got = who[name]
        assert np.array_equal(got.view(np.int64), expected.view(np.int64)), name
    # flags and categories read the rounded z (unchanged code; the reference tests check them)
    assert np.isfinite(who["zwei"]).mean() > 0.5


# --- the fast power's fallback (docs/performance.md, "The chunked kernel") ----------------------
def _exact_z(y: float, l: float, m: float, s: float, restricted: bool) -> float:
    """WHO's z with the correctly rounded power of Python (libm), written out (A11)."""
    z = ((y / m) ** l - 1.0) / (s * l)
    if restricted and z > 3.0:
        sd3, sd2 = m * (1.0 + l * s * 3.0) ** (1.0 / l), m * (1.0 + l * s * 2.0) ** (1.0 / l)
        return 3.0 + (y - sd3) / (sd3 - sd2)
    if restricted and z < -3.0:
        sd3, sd2 = m * (1.0 - l * s * 3.0) ** (1.0 / l), m * (1.0 - l * s * 2.0) ** (1.0 / l)
        return -3.0 + (y - sd3) / (sd2 - sd3)
    return z


def _planted(l: float, m: float, s: float, targets: list[float], restricted: bool):
    """Measurements y whose exact z lies so close to a 2-decimal tie (targets, in z) that a
    power one ulp off (up or down) rounds to the other side: (y, the power one ulp off)."""
    found = []
    for t in targets:
        y0 = m * (1.0 + l * s * t) ** (1.0 / l)
        y = y0 - 2000 * math.ulp(y0)
        for _ in range(4000):
            y = math.nextafter(y, math.inf)
            p = (y / m) ** l
            exact = r_round2(_exact_z(y, l, m, s, restricted))
            for q in (math.nextafter(p, math.inf), math.nextafter(p, -math.inf)):
                if r_round2((q - 1.0) / (s * l)) != exact:
                    found.append((y, q))
                    break
            if len(found) and found[-1][0] == y:
                break
        else:
            raise AssertionError(f"no planted value near z = {t}")
    return found


def _finish(ys, ps, l, m, s, kind, who_round):
    """_kernels.finish on one indicator (weight-for-age's flags), fed the powers ps."""
    n = len(ys)
    buf = _kernels.Chunks(1, n)
    buf.x[0] = np.array(ys) / m
    buf.l[0], buf.m[0], buf.s[0], buf.y[0] = l, m, s, ys
    buf.p[0] = ps
    buf.kind[0] = kind
    out_z = np.full((1, n), np.nan)
    out_f = np.zeros((1, n), dtype=np.int8)
    _kernels.finish(
        0, n, np.array([_kernels.I_WEI]), np.array([0]),
        np.array([i.flag_low for i in rules.INDICATORS_2006]),
        np.array([i.flag_high for i in rules.INDICATORS_2006]), who_round, out_z, out_f,
        buf.x, buf.l, buf.m, buf.s, buf.y, buf.kind, buf.p, buf.z, buf.need)
    return out_z[0], out_f[0]


@pytest.mark.parametrize("l, m, s", [
    (-0.3521, 8.9481, 0.11064),  # weight-for-age-like: |S L| = 0.039
    (0.0001, 10.2, 0.113),  # L near 0 as in weianthro (|S L| = 1.1e-5): the error x 3,500
    (-1.7884, 21.5, 0.137),  # BMI-for-age 5-19 y: large |L|
])
def test_a_power_one_ulp_off_never_changes_a_who_z(l, m, s):
    """Plant measurements whose exact z is within an ulp-sized error of a 2-decimal tie, feed
    step 3 of the kernel the power one ulp off in the direction that flips R's rounding, and
    check every z, flag and full-precision z is still the exact path's."""
    targets = [-2.995, -1.005, -0.015, 0.125, 1.995, 2.675, 2.995]
    planted = _planted(l, m, s, targets, restricted=True)
    ys = [y for y, _ in planted]
    off = [q for _, q in planted]
    exact = [_exact_z(y, l, m, s, True) for y in ys]
    # the precondition: with the planted power, the rounding really flips
    assert all(r_round2((q - 1.0) / (s * l)) != r_round2(e) for q, e in zip(off, exact,
                                                                           strict=True))
    for kind in (_kernels.K_RESTRICTED, _kernels.K_PLAIN):
        z, f = _finish(ys, off, l, m, s, kind, True)
        assert z.tolist() == [r_round2(e) for e in exact]
        assert f.tolist() == [int(e < -6 or e > 5) for e in z]
        full, _ = _finish(ys, off, l, m, s, kind, False)
        assert full.tolist() == exact  # near a tie the full z is the exact one, bit for bit


def test_the_tails_and_tiny_sl_take_the_scalar_formula():
    """Beyond +-3 SD (restricted LMS) and where the error bound from |S L| is too large, step 3
    recomputes the z with the scalar formula whatever power it was given."""
    l, m, s = -0.3521, 8.9481, 0.11064
    ys = [m * (1.0 + l * s * t) ** (1.0 / l) for t in (-4.2, 3.7, 5.5)]
    garbage = [1.5, 0.5, 7.0]  # powers nothing like (y/M)^L
    z, _ = _finish(ys, garbage, l, m, s, _kernels.K_RESTRICTED, False)
    assert z.tolist() == [_exact_z(y, l, m, s, True) for y in ys]
    l = 1e-7  # |S L| ~ 1e-8: the fast z's error bound exceeds MAX_Z_ERROR
    ys = [9.5, 10.5]
    z, _ = _finish(ys, [2.0, 2.0], l, m, s, _kernels.K_PLAIN, False)
    assert z.tolist() == [_exact_z(y, l, m, s, False) for y in ys]


def test_planted_ties_through_classify_equal_the_exact_path():
    """The same planted weights (weight-for-age at the day where WHO's L is nearest 0, and at
    a day with an ordinary L) through classify's chunked pipeline and numpy's power, in a batch
    of several chunks on two threads: WHO-precision zwei equals R's rounding of the exact z."""
    from zscore import tables

    day_tables = tables.packed_2006().day_tables[rules.DAY_TABLES.index("wei_2006")]
    boys = day_tables[0, :1827]
    tiny = int(np.nanargmin(np.abs(boys[:, 0])))
    rows, expect = [], []
    for day in (tiny, 300):
        l, m, s = boys[day]
        for y, _ in _planted(l, m, s, [-2.995, -0.015, 1.005, 2.675], restricted=True):
            rows.append((day, y))
            expect.append(r_round2(_exact_z(y, l, m, s, True)))
    from zscore.parse import SMALL

    reps = SMALL // len(rows) + 1  # threads from SMALL rows
    age = np.tile([float(d) for d, _ in rows], reps)
    weight = np.tile([y for _, y in rows], reps)
    import zscore

    out = zscore.classify(sex=np.ones(age.size), age=age, weight=weight)
    assert out["zwei"].tolist() == expect * reps


def test_an_error_in_one_chunk_stops_every_thread(monkeypatch):
    """A failure in one chunk (MemoryError, Ctrl-C in the calling thread) is raised by the
    call, and the other threads stop at their next chunk instead of scoring the rest."""
    import zscore

    calls = []
    real = _kernels.finish

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("planted")
        return real(*args)

    monkeypatch.setattr(_kernels, "finish", failing)
    n = 40 * _kernels.CHUNK
    with pytest.raises(MemoryError, match="planted"):
        zscore.classify(sex=np.ones(n), age=np.full(n, 300.0), weight=np.full(n, 8.0))
    assert len(calls) < 10  # of 40 chunks
