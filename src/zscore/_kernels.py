"""The numba kernels: LMS formulas, WHO rounding, interpolation, and the row loop. Nothing else.

Inputs arrive already normalised by :mod:`zscore.classify` (codes from :mod:`zscore.rules`):

* ``sex`` int8: 1 male, 2 female, 0 missing, -1 invalid code;
* ages and measurements float64: NaN missing; any negative, zero (measurements only) or
  infinite value is invalid (unparseable text arrives as -inf);
* ``measure`` int8: 1 length (lying), 2 height (standing), 0 missing, -1 invalid code;
* ``oedema`` int8: 1 yes, 0 no, -1 invalid code.

A measurement the caller did not supply is passed as an array of length 0 and its indicators
are switched off through ``slot`` (-1). Every rule is documented in docs/methods.md.

Nothing here is a ``parallel=True`` kernel: scoring (:func:`score`) and the column conversions
(:func:`over_blocks`) run serial kernels that release the GIL on Python threads, which is safe
under every numba threading layer and after ``fork()`` (docs/threads.md).
"""

from __future__ import annotations

import math
import threading

import numpy as np
from numba import njit

from . import _threads

# Reason codes (must equal zscore.rules.REASONS order; tests check it).
R_OK = 0
R_SEX_MISSING = 1
R_SEX_INVALID = 2
R_AGE_MISSING = 3
R_AGE_INVALID = 4
R_AGE_OUT_OF_RANGE = 5
R_OEDEMA = 6
R_OEDEMA_INVALID = 7
R_WEIGHT_MISSING = 8
R_WEIGHT_INVALID = 9
R_LENHEI_MISSING = 10
R_LENHEI_INVALID = 11
R_MEASURE_INVALID = 12
R_LENHEI_OUT_OF_RANGE = 13
R_MEASUREMENT_MISSING = 14
R_MEASUREMENT_INVALID = 15

# standard= modes (zscore.rules.STANDARDS order).
STANDARD_AUTO, STANDARD_2006, STANDARD_2007 = 0, 1, 2
# Indicator positions (must equal zscore.rules.INDICATORS_2006 order).
I_LEN, I_WEI, I_WFL, I_BMI, I_HC, I_AC, I_TS, I_SS = 0, 1, 2, 3, 4, 5, 6, 7
#: Rows per parallel work item: large enough that calling the row loop costs nothing,
#: small enough to balance two or more threads.
BLOCK = 16384
# Positions in the day-table stack (zscore.rules.DAY_TABLES) of each age-based indicator.
DAY_TABLE_OF = np.array([0, 1, -1, 2, 3, 4, 5, 6], dtype=np.int64)


@njit(cache=True, error_model="numpy")
def lms_z(y, l, m, s):
    """Plain LMS z-score, ((y/M)^L - 1) / (S L), in the operation order of WHO's code."""
    if l == 1.0:  # pow(x, 1) == x exactly, so this is the same double, only faster
        return (y / m - 1.0) / s
    return ((y / m) ** l - 1.0) / (s * l)


@njit(cache=True, error_model="numpy")
def lms_value(k, l, m, s):
    """Measurement at z = k: M (1 + L S k)^(1/L)."""
    return m * ((1.0 + l * s * k) ** (1.0 / l))


@njit(cache=True, error_model="numpy")
def restricted_z(y, l, m, s):
    """Restricted LMS: beyond +-3 SD, distance in units of the 2-to-3 SD gap on that side."""
    z = lms_z(y, l, m, s)
    if z > 3.0:
        sd3 = lms_value(3.0, l, m, s)
        return 3.0 + (y - sd3) / (sd3 - lms_value(2.0, l, m, s))
    if z < -3.0:
        sd3 = lms_value(-3.0, l, m, s)
        return -3.0 + (y - sd3) / (lms_value(-2.0, l, m, s) - sd3)
    return z


#: k / 100 for k = 0 .. HUNDREDTHS - 1, each the correctly rounded double (as R divides).
HUNDREDTHS = 4096
_HUNDREDTHS = np.arange(HUNDREDTHS) / 100.0
#: round2_index's index when the result did not come from the table.
NO_INDEX = 1 << 30


@njit(cache=True, error_model="numpy", inline="always")
def round2_index(x):
    """R >= 4.0's round(x, 2), and the result in hundredths (k, for z = k/100) when
    |k| < HUNDREDTHS, else NO_INDEX.

    R (fround.c) takes the two 2-decimal neighbours lo = floor(100x)/100, hi = ceil(100x)/100
    and returns the one nearer to x by double differences, on a tie the one with an even last
    digit. Far from a tie the nearer one is unambiguous (double errors < 1e-11 for |x| < 1e5
    against a margin of 1e-9), so one rounding of 100x and a table look-up give the same double.
    """
    if not math.isfinite(x) or x == 0.0:
        return x, NO_INDEX if x != 0.0 else 0
    sign = 1.0
    if x < 0.0:
        sign = -1.0
        x = -x
    if x >= 8796093022208.0:  # R: log10(2)*(0.5+logb(x)) + 2 > 15, i.e. x >= 2^43: returns x
        return sign * x, NO_INDEX
    x10 = 100.0 * x
    i10 = math.floor(x10)
    frac = x10 - i10
    if x < 1e5 and abs(frac - 0.5) > 1e-7:
        k = int(i10) + int(frac > 0.5)  # branch-free: frac is random
        if k < HUNDREDTHS:
            return sign * _HUNDREDTHS[k], k if sign > 0.0 else -k
        return sign * (k / 100.0), NO_INDEX
    lo = i10 / 100.0
    hi = math.ceil(x10) / 100.0
    du = hi - x
    dd = x - lo
    if du < dd or (du == dd and i10 % 2.0 == 1.0):
        return sign * hi, NO_INDEX
    return sign * lo, NO_INDEX


@njit(cache=True, error_model="numpy")
def round2_r(x):
    """R >= 4.0's round(x, 2): the nearer of the two 2-decimal neighbours, ties to even."""
    return round2_index(x)[0]


@njit(cache=True, error_model="numpy", inline="always")
def round_half_up(x):
    """WHO's age rounding (anthro round_up): fraction >= 0.5 goes up. x must be >= 0."""
    f = math.floor(x)
    if x - f >= 0.5:
        f += 1.0
    return f


@njit(cache=True, error_model="numpy", inline="always")
def is_valid_measurement(x):
    return x > 0.0 and x < math.inf


@njit(cache=True, error_model="numpy", inline="always")
def measurement_reason(x, r_missing, r_invalid):
    if x != x:
        return r_missing
    if not is_valid_measurement(x):
        return r_invalid
    return R_OK


@njit(cache=True, error_model="numpy")
def flag_of(z, low, high):
    if z != z:
        return np.int8(-1)
    if z < low or z > high:
        return np.int8(1)
    return np.int8(0)


@njit(cache=True, error_model="numpy", inline="always")
def tenth_position(x, first_tenth):
    """Rows around x in a 0.1 cm table starting at first_tenth/10 cm, and the weight d of the
    upper row: low = trunc(10 x)/10, d = (x - low)/0.1, in the double operations of
    anthro:R/z-score-weight-for-lenhei.R. Returns (low row, upper row, d)."""
    x10 = x * 10.0
    low_tenth = math.trunc(x10)
    d = (x - low_tenth / 10.0) / 0.1
    return int(low_tenth) - first_tenth, int(math.trunc(x10 + 1.0)) - first_tenth, d


@njit(cache=True, error_model="numpy", inline="always")
def lerp(lo, up, d):
    """WHO's interpolation of one of L, M, S: lo + d (up - lo)."""
    return lo + d * (up - lo)


# --- the scoring kernel ---------------------------------------------------------------------------
# A batch is scored a chunk of CHUNK rows at a time, in three steps (docs/performance.md):
#
# 1. gather (numba): every rule of a row up to its L, M, S: reasons, the cleaned columns, the
#    z-scores that need no power (L = 1) and, for the others, x = y/M, L, M, S and y into the
#    chunk's structure-of-arrays buffers. Three kernels, each compiled the first time a batch
#    needs it: gather_2006 (every row; the 0-5 year rules), gather_2007 (only when the chunk has
#    rows scored with the 2007 reference) and gather_other (only when head or arm circumference
#    or a skinfold was supplied);
# 2. the powers x^L of the whole chunk in one numpy call (vectorised: AVX-512 where the CPU has
#    it, several times faster than one pow() call per value);
# 3. finish (numba): the z-scores from the powers, the restricted LMS tails, WHO rounding,
#    flags and categories. Wherever the power's error (at most ~1 ulp, bounded here by 4.5 ulp)
#    could change a result, the z is recomputed with the scalar formula (lms_z, restricted_z):
#    near a 2-decimal rounding tie (its margin from L and S of the row), near the +-3 SD switch
#    of the restricted LMS, where |S L| is so small that the error is not negligible, and for any
#    odd value (x^L not a normal number, |z| >= 1000).
#
# Every batch takes these steps, one child too (so a row's z never depends on the size of its
# batch, bit for bit). Chunks run on several Python threads (every step releases the GIL).

#: Rows per chunk: the buffers of one chunk (six float64 rows per powered indicator) stay in
#: the core's cache.
CHUNK = 4096
#: Bound on the relative error of numpy's power against the correctly rounded x^L (measured:
#: 0.72 ulp for numpy's AVX-512 code, 0.5 for glibc's pow; 1e-15 is 4.5 ulp).
POWER_ERROR = 1e-15
#: Beyond this bound on |z(fast) - z(exact)| the z is recomputed exactly (precision="full"
#: promises 1e-9; WHO's smallest |S L|, 7.7e-6, gives ~1.3e-10 at x^L = 1).
MAX_Z_ERROR = 1e-10
#: Margin, in hundredths of z, of the rounding-tie test (round2_index's own margin is 1e-7).
TIE_MARGIN = 2e-7
#: gather's buffer kinds: nothing left to do, plain LMS from the power, restricted LMS.
K_DONE, K_PLAIN, K_RESTRICTED = 0, 1, 2


@njit(cache=True, error_model="numpy", inline="always")
def _age_state(a, age_is_months, mode, days_per_month, max_months, max_days, first_2007,
               last_2007):
    """(reason, whole day, months, 2007 reference?, in the age range of its standard). Takes
    the constants one by one: an array argument of an inlined helper is reference-counted
    (two atomic operations) on every row."""
    r_age = R_OK
    day = -1.0
    months = math.nan
    if a != a:
        r_age = R_AGE_MISSING
    elif not (a >= 0.0):  # negative (or unparseable text, -inf); +inf is merely too old
        r_age = R_AGE_INVALID
    elif age_is_months:
        months = a
        day = round_half_up(a * days_per_month)
    else:
        months = a / days_per_month
        day = round_half_up(a)
    has_age = r_age == R_OK
    new = mode == STANDARD_2007 or (mode == STANDARD_AUTO and has_age and months >= first_2007)
    if new:
        in_range = has_age and months >= first_2007 and months <= last_2007
    else:
        in_range = has_age and months < max_months and day <= max_days
    return r_age, day, months, new, in_range


@njit(cache=True, error_model="numpy", inline="always")
def _sex_reason(sx):
    if sx == 0:
        return R_SEX_MISSING
    if sx < 0:
        return R_SEX_INVALID
    return R_OK


@njit(cache=True, error_model="numpy", inline="always")
def _score_now(l, ps):
    """Whether gather computes a z at once (scalar formula): L = 1 (no power) or no buffer
    row. Otherwise it leaves x = y/M, L, M, S, y in the buffers for steps 2 and 3. (No helper of
    the row loops takes an array: numba would reference-count it per call.)"""
    return ps < 0 or l == 1.0


@njit(cache=True, error_model="numpy", inline="always")
def _z_now(y, l, m, s, kind):
    return restricted_z(y, l, m, s) if kind == K_RESTRICTED else lms_z(y, l, m, s)


@njit(cache=True, error_model="numpy", nogil=True)
def gather_2006(
    start, stop, sex, age, age_is_months, weight, lenhei, measure, oedema,
    day_tables, lenhei_tables, mode, slot, pslot, constants,
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_reason,
    bx, bl, bm, bs, by, bkind,
):
    """Step 1 for rows start..stop-1: every row's common rules, and the 2006 indicators zlen,
    zwei, zbmi and zwfl (see score for the arguments). Returns the number of rows of the 2007
    reference, whose age-based z-scores gather_2007 fills in."""
    switch_day = constants[3]
    standing_min_months = constants[4]
    adjust_cm = constants[5]
    wfl_switch_cm = constants[6]
    wfl_lo, wfl_hi, wfh_lo, wfh_hi = constants[7], constants[8], constants[9], constants[10]
    have_len = lenhei.shape[0] > 0
    have_wei = weight.shape[0] > 0
    wfl_first = int(round(wfl_lo * 10.0))
    wfh_first = int(round(wfh_lo * 10.0))
    n_new = 0
    dpm, max_months, max_days = constants[0], constants[1], constants[2]
    first_2007, last_2007 = constants[11], constants[12]
    for i in range(start, stop):
        j = i - start
        sx = sex[i]
        r_sex = _sex_reason(sx)
        r_age, day, months, new, in_age_range = _age_state(
            age[i], age_is_months, mode, dpm, max_months, max_days, first_2007, last_2007)
        has_age = r_age == R_OK
        out_std[i] = 1 if new else 0
        n_new += 1 if new else 0
        oe = oedema[i]
        r_oedema = R_OK
        if oe == 1:
            r_oedema = R_OEDEMA
        elif oe < 0:
            r_oedema = R_OEDEMA_INVALID
        # --- length/height: 0-5 y position rules and +-0.7 cm; 5-19 y standing height as given
        r_len = R_OK
        clh = math.nan
        cm = 0
        if have_len:
            lh = lenhei[i]
            cm = measure[i]
            c9 = 0
            r_len = measurement_reason(lh, R_LENHEI_MISSING, R_LENHEI_INVALID)
            if new:
                if r_len == R_OK:
                    clh = lh
            else:
                if cm == 2 and has_age and months < standing_min_months:
                    cm = 0
                    c9 = 1
                if r_len == R_OK and cm < 0:
                    r_len = R_MEASURE_INVALID
                if r_len == R_OK:
                    clh = lh
                    if has_age and day < switch_day and cm == 2:
                        clh = lh + adjust_cm
                    elif has_age and day >= switch_day and cm == 1:
                        clh = lh - adjust_cm
                    if not (clh > 0.0):  # a length under 0.7 cm lying from 2 years
                        r_len = R_LENHEI_INVALID
            out_clenhei[i] = clh
            out_cmeasure[i] = max(cm, 0)
            out_c9mo[i] = c9
        r_wei = R_OK
        w = math.nan
        if have_wei:
            w = weight[i]
            r_wei = measurement_reason(w, R_WEIGHT_MISSING, R_WEIGHT_INVALID)
        r_bmi_input = r_wei if r_wei != R_OK else r_len
        bmi = math.nan
        if have_len and have_wei:
            if r_bmi_input == R_OK:
                t = clh / 100.0
                bmi = w / (t * t)
                if not (bmi > 0.0 and bmi < math.inf):  # finite inputs can over/underflow
                    bmi = math.nan
                    r_bmi_input = R_MEASUREMENT_INVALID
            out_cbmi[i] = bmi
        r_base = r_sex
        if r_base == R_OK:
            r_base = r_age
            if r_base == R_OK and not in_age_range:
                r_base = R_AGE_OUT_OF_RANGE
        sxi = max(int(sx) - 1, 0)
        di = int(day) if in_age_range and not new else 0
        key = np.int64(0)
        # the age-based indicators both standards have; a 2007 row is left to gather_2007
        for k in (I_LEN, I_WEI, I_BMI):
            sl = slot[k]
            if sl < 0:
                continue
            ps = pslot[k]
            if new:
                out_z[sl, i] = math.nan
                if ps >= 0:
                    bkind[ps, j] = K_DONE
                continue
            r = r_base
            if k == I_LEN:
                y = clh
                if r == R_OK:
                    r = r_len
            else:  # weight- and BMI-for-age: missing with oedema
                y = w if k == I_WEI else bmi
                if r == R_OK:
                    r = r_oedema
                if r == R_OK:
                    r = r_wei if k == I_WEI else r_bmi_input
            z = math.nan
            if r == R_OK:
                t = k if k < I_WFL else k - 1  # DAY_TABLE_OF[k], without an array
                y_, l_, m_, s_ = y, day_tables[t, sxi, di, 0], day_tables[t, sxi, di, 1], \
                    day_tables[t, sxi, di, 2]
                kind_ = K_PLAIN if k == I_LEN else K_RESTRICTED
                if _score_now(l_, ps):
                    z = _z_now(y_, l_, m_, s_, kind_)
                    if ps >= 0:
                        bkind[ps, j] = K_DONE
                else:
                    bx[ps, j] = y_ / m_
                    bl[ps, j] = l_
                    bm[ps, j] = m_
                    bs[ps, j] = s_
                    by[ps, j] = y_
                    bkind[ps, j] = kind_
            elif ps >= 0:
                bkind[ps, j] = K_DONE
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * k)
        sl = slot[I_WFL]
        if sl >= 0:  # weight-for-length/height: age only when present (else by position)
            ps = pslot[I_WFL]
            r = r_sex
            if r == R_OK and has_age and not in_age_range:
                r = R_AGE_OUT_OF_RANGE
            if r == R_OK and new:  # the 2007 reference has no weight-for-height
                r = R_AGE_OUT_OF_RANGE
            if r == R_OK:
                r = r_oedema
            if r == R_OK:
                r = r_wei
            if r == R_OK:
                r = r_len
            z = math.nan
            done = True
            if r == R_OK:
                if has_age:
                    use_length = day < switch_day
                elif cm == 1:
                    use_length = True
                elif cm == 2:
                    use_length = False
                else:
                    use_length = clh < wfl_switch_cm
                if use_length:
                    tb, first, ok = 0, wfl_first, clh >= wfl_lo and clh <= wfl_hi
                else:
                    tb, first, ok = 1, wfh_first, clh >= wfh_lo and clh <= wfh_hi
                if ok:
                    lo, up, d = tenth_position(clh, first)
                    l = lenhei_tables[tb, sxi, lo, 0]
                    m = lenhei_tables[tb, sxi, lo, 1]
                    s = lenhei_tables[tb, sxi, lo, 2]
                    if d > 0.0:
                        l = lerp(l, lenhei_tables[tb, sxi, up, 0], d)
                        m = lerp(m, lenhei_tables[tb, sxi, up, 1], d)
                        s = lerp(s, lenhei_tables[tb, sxi, up, 2], d)
                    y_, l_, m_, s_, kind_ = w, l, m, s, K_RESTRICTED
                    if _score_now(l_, ps):
                        z = _z_now(y_, l_, m_, s_, kind_)
                        if ps >= 0:
                            bkind[ps, j] = K_DONE
                    else:
                        bx[ps, j] = y_ / m_
                        bl[ps, j] = l_
                        bm[ps, j] = m_
                        bs[ps, j] = s_
                        by[ps, j] = y_
                        bkind[ps, j] = kind_
                    done = False
                else:
                    r = R_LENHEI_OUT_OF_RANGE
            if done and ps >= 0:
                bkind[ps, j] = K_DONE
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * I_WFL)
        out_reason[i] = key
    return n_new


@njit(cache=True, error_model="numpy", nogil=True)
def gather_2007(
    start, stop, sex, age, age_is_months, weight, lenhei, oedema,
    month_tables, mode, slot, pslot, constants,
    out_std, out_cbmi, out_z, out_reason,
    bx, bl, bm, bs, by, bkind,
):
    """Step 1, the age-based z-scores (zlen, zwei, zbmi) of the rows gather_2006 gave the 2007
    reference (out_std 1), after it: linear in age between whole months (anthroplus)."""
    have_len = lenhei.shape[0] > 0
    have_wei = weight.shape[0] > 0
    max_months_wfa = constants[13]
    dpm, max_months, max_days = constants[0], constants[1], constants[2]
    first_2007, last_2007 = constants[11], constants[12]
    for i in range(start, stop):
        if out_std[i] != 1:
            continue
        j = i - start
        sx = sex[i]
        r_age, _day, months, _new, in_age_range = _age_state(
            age[i], age_is_months, mode, dpm, max_months, max_days, first_2007, last_2007)
        r_base = _sex_reason(sx)
        if r_base == R_OK:
            r_base = r_age
            if r_base == R_OK and not in_age_range:
                r_base = R_AGE_OUT_OF_RANGE
        oe = oedema[i]
        r_oedema = R_OEDEMA if oe == 1 else (R_OEDEMA_INVALID if oe < 0 else R_OK)
        r_len = R_OK
        clh = math.nan
        if have_len:
            clh = lenhei[i]
            r_len = measurement_reason(clh, R_LENHEI_MISSING, R_LENHEI_INVALID)
        r_wei = R_OK
        w = math.nan
        if have_wei:
            w = weight[i]
            r_wei = measurement_reason(w, R_WEIGHT_MISSING, R_WEIGHT_INVALID)
        r_bmi_input = r_wei if r_wei != R_OK else r_len
        bmi = math.nan
        if have_len and have_wei:
            bmi = out_cbmi[i]  # gather_2006 left NaN where it over- or underflowed
            if r_bmi_input == R_OK and bmi != bmi:
                r_bmi_input = R_MEASUREMENT_INVALID
        sxi = max(int(sx) - 1, 0)
        mlo = 0
        mup = 0
        dm = 0.0
        if in_age_range:
            mlo = int(math.trunc(months))
            mup = int(math.trunc(months + 1.0))
            dm = months - mlo
        key = out_reason[i]
        for k in (I_LEN, I_WEI, I_BMI):
            sl = slot[k]
            if sl < 0:
                continue
            ps = pslot[k]
            r = r_base
            if k == I_LEN:
                y = clh
                if r == R_OK:
                    r = r_len
            else:
                y = w if k == I_WEI else bmi
                if r == R_OK and k == I_WEI and months > max_months_wfa:
                    r = R_AGE_OUT_OF_RANGE
                if r == R_OK:
                    r = r_oedema
                if r == R_OK:
                    r = r_wei if k == I_WEI else r_bmi_input
            z = math.nan
            if r == R_OK:
                t = 0 if k == I_LEN else (1 if k == I_WEI else 2)
                l = month_tables[t, sxi, mlo, 0]
                m = month_tables[t, sxi, mlo, 1]
                s = month_tables[t, sxi, mlo, 2]
                if dm > 0.0:
                    l = lerp(l, month_tables[t, sxi, mup, 0], dm)
                    m = lerp(m, month_tables[t, sxi, mup, 1], dm)
                    s = lerp(s, month_tables[t, sxi, mup, 2], dm)
                y_, l_, m_, s_, kind_ = y, l, m, s, K_PLAIN if k == I_LEN else K_RESTRICTED
                if _score_now(l_, ps):
                    z = _z_now(y_, l_, m_, s_, kind_)
                    if ps >= 0:
                        bkind[ps, j] = K_DONE
                else:
                    bx[ps, j] = y_ / m_
                    bl[ps, j] = l_
                    bm[ps, j] = m_
                    bs[ps, j] = s_
                    by[ps, j] = y_
                    bkind[ps, j] = kind_
            elif ps >= 0:
                bkind[ps, j] = K_DONE
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * k)
        out_reason[i] = key


@njit(cache=True, error_model="numpy", nogil=True)
def gather_other(
    start, stop, sex, age, age_is_months, other, day_tables, mode, slot, pslot, restricted,
    min_day, constants, out_z, out_reason, bx, bl, bm, bs, by, bkind,
):
    """Step 1 for head and arm circumference and the skinfolds (0-5 years; arm and skinfolds
    from day 91), after gather_2006."""
    dpm, max_months, max_days = constants[0], constants[1], constants[2]
    first_2007, last_2007 = constants[11], constants[12]
    for i in range(start, stop):
        j = i - start
        sx = sex[i]
        r_age, day, _months, new, in_age_range = _age_state(
            age[i], age_is_months, mode, dpm, max_months, max_days, first_2007, last_2007)
        r_base = _sex_reason(sx)
        if r_base == R_OK:
            r_base = r_age
            if r_base == R_OK and not in_age_range:
                r_base = R_AGE_OUT_OF_RANGE
        sxi = max(int(sx) - 1, 0)
        di = int(day) if in_age_range and not new else 0
        key = out_reason[i]
        for k in range(I_HC, I_SS + 1):
            sl = slot[k]
            if sl < 0:
                continue
            ps = pslot[k]
            r = r_base
            if r == R_OK and (new or day < min_day[k]):
                r = R_AGE_OUT_OF_RANGE
            z = math.nan
            done = True
            if r == R_OK:
                y = other[k - I_HC, i]
                r = measurement_reason(y, R_MEASUREMENT_MISSING, R_MEASUREMENT_INVALID)
                if r == R_OK:
                    t = k if k < I_WFL else k - 1  # DAY_TABLE_OF[k], without an array
                    y_, l_, m_, s_ = y, day_tables[t, sxi, di, 0], day_tables[t, sxi, di, 1], \
                        day_tables[t, sxi, di, 2]
                    kind_ = K_RESTRICTED if restricted[k] else K_PLAIN
                    if _score_now(l_, ps):
                        z = _z_now(y_, l_, m_, s_, kind_)
                        if ps >= 0:
                            bkind[ps, j] = K_DONE
                    else:
                        bx[ps, j] = y_ / m_
                        bl[ps, j] = l_
                        bm[ps, j] = m_
                        bs[ps, j] = s_
                        by[ps, j] = y_
                        bkind[ps, j] = kind_
                    done = False
            if done and ps >= 0:
                bkind[ps, j] = K_DONE
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * k)
        out_reason[i] = key


@njit(cache=True, error_model="numpy", nogil=True)
def finish(
    start, stop, slot_indicator, slot_pslot, flag_low, flag_high, who_round, out_z, out_f,
    bx, bl, bm, bs, by, bkind, bp, bz, bneed,
):
    """Step 3 for rows start..stop-1: z-scores from the powers, WHO rounding, then the flags
    from the z as returned (categories_who or categories_full follow). One pass per step and
    indicator over the chunk's rows (1-d views), without branches on the data so that LLVM
    vectorises them, each followed by the rare rows that need the scalar formula (bneed marks
    them)."""
    size = stop - start
    for sl in range(slot_indicator.shape[0]):
        ps = slot_pslot[sl]
        zrow = out_z[sl, start:stop]
        frow = out_f[sl, start:stop]
        # --- z from the power, and which rows the power's error could change
        if ps >= 0:
            kinds, pw, ls, ss = bkind[ps, :size], bp[ps, :size], bl[ps, :size], bs[ps, :size]
            for j in range(size):
                kind = kinds[j]
                p = pw[j]
                sl_ = ss[j] * ls[j]
                z = (p - 1.0) / sl_  # the operations of lms_z on the same x = y/M
                bound = POWER_ERROR * p / abs(sl_)  # >= |z - z of the exact power|
                h = 100.0 * abs(z)
                odd = ((p > 1e-300) & (p < 1e300) & (bound <= MAX_Z_ERROR)
                       & (abs(z) < 1e3)) == 0
                tie = abs(h - math.floor(h) - 0.5) <= TIE_MARGIN + 100.0 * bound
                tail = (kind == K_RESTRICTED) & (abs(z) >= 3.0 - bound)  # tails: no power of x
                done = kind == K_DONE
                bz[j] = zrow[j] if done else z
                bneed[j] = (done == 0) & (odd | tie | tail)
            for j in range(size):
                if bneed[j]:
                    y, l, m, s = by[ps, j], bl[ps, j], bm[ps, j], bs[ps, j]
                    bz[j] = restricted_z(y, l, m, s) if kinds[j] == K_RESTRICTED \
                        else lms_z(y, l, m, s)
        else:
            for j in range(size):
                bz[j] = zrow[j]
        # --- WHO rounding (round2_index's table-free branch), flags
        k = slot_indicator[sl]
        lo, hi = flag_low[k], flag_high[k]
        for j in range(size):
            z = bz[j]
            if who_round:
                a = abs(z)
                h = 100.0 * a
                i10 = math.floor(h)
                frac = h - i10
                near = (a < 1e5) & (abs(frac - 0.5) > 1e-7)
                rounded = math.copysign((i10 + (frac > 0.5)) / 100.0, z)
                bneed[j] = (near == 0) & (z == z)  # ties, huge and infinite z: round2_index
                z = rounded if near else z
            zrow[j] = z
            frow[j] = np.int8(-1) if z != z else np.int8((z < lo) | (z > hi))
        if who_round:
            for j in range(size):
                if bneed[j]:
                    z = round2_index(bz[j])[0]
                    zrow[j] = z
                    frow[j] = flag_of(z, lo, hi)


@njit(cache=True, error_model="numpy", nogil=True)
def categories_who(start, stop, cat_slot, cat_col, cat_std, cat_lut, out_std, out_z, out_f,
                   out_cat):
    """Step 3, categories at WHO precision, after finish: where a z is present and not
    flagged, z = k/100 and its class is tabulated (cat_lut). A z that is not flagged is within
    +-6 (classify checks the thresholds): always inside the table."""
    size = stop - start
    std = out_std[start:stop]
    for c in range(out_cat.shape[0]):  # a column without a rule for a row's standard: missing
        crow = out_cat[c, start:stop]
        for j in range(size):  # (loops, not slice assignments: those take long to compile)
            crow[j] = -1
    for c in range(cat_slot.shape[0]):
        zrow = out_z[cat_slot[c], start:stop]
        frow = out_f[cat_slot[c], start:stop]
        crow = out_cat[cat_col[c], start:stop]
        bits = cat_std[c]  # 1: the 2006 standards' rows, 2: the 2007 reference's
        lut = cat_lut[c]
        for j in range(size):
            h = zrow[j] * 100.0
            ok = abs(h) < HUNDREDTHS - 1  # False for NaN
            code = lut[np.int64(math.floor((h if ok else 0.0) + 0.5)) + HUNDREDTHS - 1]
            valid = ok & ((bits & (np.int64(std[j]) + 1)) != 0) & (frow[j] != 1)
            crow[j] = code if valid else crow[j]


@njit(cache=True, error_model="numpy", nogil=True)
def categories_full(start, stop, cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut,
                    cat_remap, out_std, out_z, out_f, out_cat, bcode):
    """Step 3, categories at full precision, after finish: where a z is present and not
    flagged, the boundaries it passed, counted one boundary at a time."""
    size = stop - start
    std = out_std[start:stop]
    for c in range(out_cat.shape[0]):
        crow = out_cat[c, start:stop]
        for j in range(size):
            crow[j] = -1
    for c in range(cat_slot.shape[0]):
        zrow = out_z[cat_slot[c], start:stop]
        frow = out_f[cat_slot[c], start:stop]
        crow = out_cat[cat_col[c], start:stop]
        bits = cat_std[c]
        for j in range(size):
            bcode[j] = 0
        for b in range(cat_ncut[c]):
            cut, up = cat_cuts[c, b], cat_closed_up[c, b]
            for j in range(size):
                z = zrow[j]
                bcode[j] += np.int8((z > cut) | ((z == cut) & up))
        remap = cat_remap[c]
        for j in range(size):
            valid = (zrow[j] == zrow[j]) & ((bits & (np.int64(std[j]) + 1)) != 0) \
                & (frow[j] != 1)
            crow[j] = remap[bcode[j]] if valid else crow[j]


#: Indicators whose L is not 1 in WHO's tables (a buffer row each when computed): lenanthro,
#: hcanthro and the 2007 height table have L = 1 everywhere.
POWERED = (I_WEI, I_WFL, I_BMI, I_AC, I_TS, I_SS)


def power_slots(slot: np.ndarray, slot_indicator: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                      int]:
    """(pslot, slot_pslot, rows): pslot[k] is indicator k's row in the chunk buffers, -1 if it
    has none (not computed, or its L is 1 so gather scores it at once); slot_pslot the same by
    output slot; rows the number of buffer rows."""
    pslot = np.full(slot.shape[0], -1, dtype=np.int64)
    row = 0
    for k in POWERED:
        if slot[k] >= 0:
            pslot[k] = row
            row += 1
    return pslot, pslot[slot_indicator], row


class Chunks:
    """One thread's chunk buffers: float64[rows, CHUNK] for x = y/M, L, M, S, y and the power,
    int8 kinds. Reused chunk after chunk (and call after call by zscore.child's thread)."""

    def __init__(self, rows: int, size: int = CHUNK) -> None:
        self.rows, self.size = rows, size
        r = max(rows, 1)
        self.values = np.ones((6, r, size))
        self.x, self.l, self.m, self.s, self.y, self.p = self.values
        self.kind = np.zeros((r, size), dtype=np.int8)
        self.z = np.zeros(size)
        self.need = np.zeros(size, dtype=np.bool_)
        self.code = np.zeros(size, dtype=np.int8)


def score(inputs: tuple, tables: tuple, plan: tuple, cats: tuple, who_round: bool,
          outputs: tuple, *, threads: int = 1, cache: dict | None = None) -> None:
    """Score every row into ``outputs`` (see zscore.classify.compute).

    inputs: (sex int8, age, age_is_months, weight, lenhei, measure int8, oedema int8, other
    float64[4, n] or [4, 0]); tables: (day_tables float64[7, 2, 1827, 3], lenhei_tables
    float64[2 (length, height), 2, 651, 3], month_tables float64[3 (height, weight, BMI), 2,
    230, 3]); plan: (mode, slot, slot_indicator, flag_low, flag_high, restricted, min_day,
    constants, pslot, slot_pslot, rows: see :func:`power_slots`); cats: (cat_slot, cat_col,
    cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut); outputs: (out_std,
    out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat).

    slot[k] is the row of out_z/out_f for indicator k, or -1 when it is not computed,
    slot_indicator the inverse; pslot[k] its row in the chunk buffers. Category
    rule c reads slot cat_slot[c], applies to the rows whose standard bit (1 = 2006, 2 = 2007) is
    in cat_std[c] and writes row cat_col[c] of out_cat; its class j (count of boundaries passed)
    is written as cat_remap[c, j], and cat_lut[c, k + HUNDREDTHS - 1] is that code for z = k/100.
    constants: float64 array (days per month, max age months, max age days, length/height switch
    day, 9-month rule, adjustment cm, WFL/WFH switch cm, WFL low, WFL high, WFH low, WFH high,
    2007 first month, 2007 last month, 2007 last month of weight-for-age). out_std: 0 where the
    row used the 2006 standards, 1 the 2007 reference. threads: Python threads over the chunks
    (each step releases the GIL); cache: a dict of one thread's, to keep the chunk buffers of a
    small batch in from call to call (zscore.child).
    """
    sex, age, months, weight, lenhei, measure, oedema, other = inputs
    day_tables, lenhei_tables, month_tables = tables
    (mode, slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants, pslot,
     slot_pslot, rows) = plan
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat = \
        outputs
    cat_slot, cat_col, cat_std, cat_cuts, cat_up, cat_n, cat_remap, cat_lut = cats
    n = sex.shape[0]
    have_other = other.shape[1] > 0

    def gather(start: int, stop: int, buf: Chunks) -> None:
        b = (buf.x, buf.l, buf.m, buf.s, buf.y, buf.kind)
        n_new = gather_2006(start, stop, sex, age, months, weight, lenhei, measure, oedema,
                            day_tables, lenhei_tables, mode, slot, pslot, constants, out_std,
                            out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_reason, *b)
        if n_new:
            gather_2007(start, stop, sex, age, months, weight, lenhei, oedema, month_tables,
                        mode, slot, pslot, constants, out_std, out_cbmi, out_z,
                        out_reason, *b)
        if have_other:
            gather_other(start, stop, sex, age, months, other, day_tables, mode, slot, pslot,
                         restricted, min_day, constants, out_z, out_reason, *b)

    def finish_chunk(start: int, stop: int, buf: Chunks) -> None:
        finish(start, stop, slot_indicator, slot_pslot, flag_low, flag_high, who_round, out_z,
               out_f, buf.x, buf.l, buf.m, buf.s, buf.y, buf.kind, buf.p, buf.z, buf.need)
        if who_round:  # each precision compiles only its own categories kernel
            categories_who(start, stop, cat_slot, cat_col, cat_std, cat_lut, out_std, out_z,
                           out_f, out_cat)
        else:
            categories_full(start, stop, cat_slot, cat_col, cat_std, cat_cuts, cat_up, cat_n,
                            cat_remap, out_std, out_z, out_f, out_cat, buf.code)

    def run(start: int, stop: int, buf: Chunks) -> None:
        gather(start, stop, buf)
        if rows:
            size = stop - start
            np.power(buf.x[:, :size], buf.l[:, :size], out=buf.p[:, :size])
        finish_chunk(start, stop, buf)

    bounds = [(a, min(n, a + CHUNK)) for a in range(0, n, CHUNK)]
    if threads <= 1 or len(bounds) < 2:
        step = max(1, min(n, CHUNK))
        buf = None if cache is None else cache.get("chunks")
        if buf is None or buf.rows != rows or buf.size != step:
            buf = Chunks(rows, step)  # (a small batch: buffers of its own size)
            if cache is not None:
                cache["chunks"] = buf
        with np.errstate(all="ignore"):
            for a, b in bounds:
                run(a, b, buf)
        return

    def start_thread():
        buf = Chunks(rows)  # each thread's own buffers

        def each(bounds: tuple[int, int]) -> None:
            with np.errstate(all="ignore"):  # numpy's error state is per thread
                run(*bounds, buf)
        return each

    on_threads(bounds, start_thread, min(threads, len(bounds)), "zscore-score")


def on_threads(items, start_thread, threads: int, name: str) -> None:
    """Work through ``items`` on this thread and threads - 1 helper threads, all joined: each
    thread calls ``start_thread()`` once and the function it returns with every item it takes
    from the shared items. The first exception (Ctrl-C in the calling thread, MemoryError)
    stops every thread at its next item and is raised here."""
    work = iter(items)  # shared: next() on it is atomic under the GIL
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            each = start_thread()
            for item in work:
                if errors:
                    return
                each(item)
        except BaseException as exc:
            errors.append(exc)

    helpers = [threading.Thread(target=worker, name=name, daemon=True)
               for _ in range(threads - 1)]
    for t in helpers:
        t.start()
    worker()
    for t in helpers:
        t.join()
    if errors:
        raise errors[0]


def small_batch_arguments(tables: tuple, plan: tuple, cats: tuple, who_round: bool,
                          outputs: tuple, buf: Chunks) -> tuple:
    """For a batch of one chunk (zscore.child, call after call): the arguments of each step
    after the rows and inputs, as :func:`score` passes them: (gather_2006's after oedema,
    np.power's or None, finish's after the rows, the categories kernel, its arguments after the
    rows)."""
    day_tables, lenhei_tables, _ = tables
    (mode, slot, slot_indicator, flag_low, flag_high, _, _, constants, pslot, slot_pslot,
     rows) = plan
    cat_slot, cat_col, cat_std, cat_cuts, cat_up, cat_n, cat_remap, cat_lut = cats
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat = \
        outputs
    b = (buf.x, buf.l, buf.m, buf.s, buf.y, buf.kind)
    gather = (day_tables, lenhei_tables, mode, slot, pslot, constants, out_std, out_clenhei,
              out_cmeasure, out_c9mo, out_cbmi, out_z, out_reason, *b)
    power = (buf.x, buf.l, buf.p) if rows else None
    finish_args = (slot_indicator, slot_pslot, flag_low, flag_high, who_round, out_z, out_f, *b,
                   buf.p, buf.z, buf.need)
    if who_round:
        return gather, power, finish_args, categories_who, (
            cat_slot, cat_col, cat_std, cat_lut, out_std, out_z, out_f, out_cat)
    return gather, power, finish_args, categories_full, (
        cat_slot, cat_col, cat_std, cat_cuts, cat_up, cat_n, cat_remap, out_std, out_z, out_f,
        out_cat, buf.code)


def default_threads() -> int:
    """Threads for a large batch: numba's thread count (NUMBA_NUM_THREADS, or what
    numba.set_num_threads set once numba's threads have started), at most the CPUs we may use."""
    import numba

    count = numba.get_num_threads() if _threads.layer() is not None else \
        numba.config.NUMBA_NUM_THREADS
    return max(1, int(count))


@njit(cache=True, error_model="numpy")
def factorize_int64(keys, capacity, skip_zero=False):
    """Codes (int32) and distinct values of keys, in order of first appearance, by open
    addressing in a table of `capacity` slots (a power of two). Returns (codes, uniques, ok);
    ok is False when more distinct keys turned up than capacity // 2 (the caller then falls back
    to numpy). With skip_zero, key 0 gets code -1 and is not among the uniques."""
    n = keys.shape[0]
    codes = np.empty(n, dtype=np.int32)
    table_keys = np.empty(capacity, dtype=np.int64)
    table_codes = np.full(capacity, -1, dtype=np.int32)
    uniques = np.empty(capacity // 2, dtype=np.int64)
    mask = capacity - 1
    nunique = 0
    last_key = np.int64(0)
    last_code = -1
    for i in range(n):
        k = keys[i]
        if skip_zero and k == 0:
            codes[i] = -1
            continue
        if last_code >= 0 and k == last_key:
            codes[i] = last_code
            continue
        h = (k * np.int64(-7046029254386353131)) >> np.int64(17)
        pos = h & mask
        while True:
            c = table_codes[pos]
            if c < 0:
                if nunique >= capacity // 2:
                    return codes, uniques[:nunique], False
                table_keys[pos] = k
                table_codes[pos] = nunique
                uniques[nunique] = k
                c = nunique
                nunique += 1
                break
            if table_keys[pos] == k:
                break
            pos = (pos + 1) & mask
        codes[i] = c
        last_key = k
        last_code = c
    return codes, uniques[:nunique], True


def read_only(a: np.ndarray) -> np.ndarray:
    """``a`` if it is read-only, else a read-only view of it. numba compiles a kernel once per
    combination of argument types, and a read-only array (what pandas, polars and pyarrow give)
    is another type than a writable one: passing every input column read-only means a first
    call compiles each kernel once, whatever the caller's container."""
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


# --- column conversions: a rows kernel (it releases the GIL), run over blocks of rows on Python
# threads for a large column (as score runs its chunks), in one call for a small one. No
# parallel=True kernel: they took 0.8-2 s each to compile on a first large call, and they start
# numba's threading layer, with its troubles under fork and workqueue (docs/threads.md).
def over_blocks(rows, n: int, *args) -> int:
    """``rows(*args, start, stop)`` over every block of n rows, on default_threads() threads
    when the column is large; returns the sum of what the calls return (None counts 0)."""
    threads = default_threads() if n >= 2 * BLOCK else 1
    if threads <= 1:
        return int(rows(*args, 0, n) or 0)
    counts: list[int] = []  # (list.append is atomic under the GIL)

    def each(a: int) -> None:
        counts.append(int(rows(*args, a, min(n, a + BLOCK)) or 0))

    on_threads(range(0, n, BLOCK), lambda: each, threads, "zscore-convert")
    return sum(counts)


@njit(cache=True, error_model="numpy", nogil=True)
def _nullable_rows(values, out, start, stop):
    for i in range(start, stop):
        v = values[i]
        out[i] = np.float32(np.nan) if v < 0 else np.float32(v)


def nullable_to_float32(values):
    """int8 codes with -1 for missing -> float32 with NaN (the numpy form of WHO's flags)."""
    out = np.empty(values.shape[0], dtype=np.float32)
    over_blocks(_nullable_rows, values.shape[0], values, out)
    return out


#: Code returned by codes_from_points for a character beyond its table (the caller maps it).
UNMAPPED = -128


@njit(cache=True, error_model="numpy", nogil=True)
def _points_rows(points, table, out, start, stop):
    size = table.shape[0]
    count = 0
    for i in range(start, stop):
        p = np.int64(points[i])
        if p < size:
            out[i] = table[p]
        else:
            out[i] = UNMAPPED
            count += 1
    return count


def codes_from_points(points, table):
    """int8 code of each one-character text (its code point; 0 for ""), table[point], or
    UNMAPPED for a point beyond the table. Returns (codes, number of UNMAPPED)."""
    out = np.empty(points.shape[0], dtype=np.int8)
    return out, over_blocks(_points_rows, points.shape[0], read_only(points), table, out)


@njit(cache=True, error_model="numpy", nogil=True)
def _numbers_rows(values, numbers, codes, missing, invalid, out, start, stop):
    for i in range(start, stop):
        v = np.float64(values[i])
        c = invalid
        if v != v:
            c = missing
        else:
            for j in range(numbers.shape[0]):
                if v == numbers[j]:
                    c = codes[j]
        out[i] = c


def codes_from_numbers(values, numbers, codes, missing, invalid):
    """int8 code of each number: codes[j] where it equals numbers[j], missing for NaN,
    invalid otherwise."""
    out = np.empty(values.shape[0], dtype=np.int8)
    over_blocks(_numbers_rows, values.shape[0], read_only(values), numbers, codes, missing,
                invalid, out)
    return out


@njit(cache=True, error_model="numpy", nogil=True)
def _utf8_rows(offsets, data, validity, first, table, null_code, out, start, stop):
    has_validity = validity.shape[0] > 0
    count = 0
    for i in range(start, stop):
        j = first + i
        if has_validity and ((validity[j >> 3] >> (j & 7)) & 1) == 0:
            out[i] = null_code
            continue
        a = offsets[j]
        size = offsets[j + 1] - a
        if size == 0:
            out[i] = table[0]
        elif size == 1 and data[a] > 0 and data[a] < table.shape[0]:
            out[i] = table[data[a]]
        else:
            out[i] = UNMAPPED
            count += 1
    return count


def codes_from_utf8(offsets, data, validity, first, n, table, null_code):
    """int8 codes of n strings of an Arrow string array from row ``first`` (its offsets, UTF-8
    bytes and validity bitmap, empty when there are no nulls): "" and one ASCII character
    through table (indexed by the character; "" at 0), null as null_code, anything else
    UNMAPPED for the caller. Returns (codes, number of UNMAPPED)."""
    out = np.empty(n, dtype=np.int8)
    return out, over_blocks(_utf8_rows, n, read_only(offsets), read_only(data),
                            read_only(validity), first, table, null_code, out)


#: The kernels every scoring call needs (the others are compiled when a batch needs them).
FIRST_KERNELS = ("gather_2006", "finish", "categories_who")


def compiled_already() -> bool:
    """Whether numba's cache (next to this module in __pycache__, or in NUMBA_CACHE_DIR) holds
    the kernels a first call needs, for this source: if not, the first call compiles them (a
    few seconds, once per installation). Reads numba's three small index files with numba's
    own test (numba 0.68 stamps a hash of this file's text, so a file touched but not changed
    still counts as compiled; older numba stamps its time and size). True when it cannot
    tell."""
    try:
        for name in FIRST_KERNELS:
            if not globals()[name]._cache._cache_file._load_index():
                return False
    except Exception:  # another numba, an unreadable index: say nothing
        return True
    return True
