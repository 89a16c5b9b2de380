"""The scalar row kernel as it was before the chunked SIMD kernel (issue 13, commit 689ff8a):
kept here only as the benchmark baseline of benchmarks/rows_per_second.py, so that the gain is
measured as a ratio in the same run. Not part of the package; not used by any test of it.

``score_rows(0, n, *args)`` and ``score_parallel(*args)`` take the arguments the package's
``compute()`` built at that commit; :func:`arguments` builds them from zscore's plan.
"""

# ruff: noqa: I001, RUF046  (the baseline is kept as it was)
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from zscore._kernels import (
    BLOCK, DAY_TABLE_OF, HUNDREDTHS, I_BMI, I_HC, I_LEN, I_SS, I_WEI, I_WFL, R_AGE_INVALID,
    R_AGE_MISSING, R_AGE_OUT_OF_RANGE, R_LENHEI_INVALID, R_LENHEI_MISSING,
    R_LENHEI_OUT_OF_RANGE, R_MEASURE_INVALID, R_MEASUREMENT_INVALID, R_MEASUREMENT_MISSING,
    R_OEDEMA, R_OEDEMA_INVALID, R_OK, R_SEX_INVALID, R_SEX_MISSING, R_WEIGHT_INVALID,
    R_WEIGHT_MISSING, STANDARD_2007, STANDARD_AUTO, flag_of, lerp, lms_z, measurement_reason,
    restricted_z, round2_index, round_half_up, tenth_position,
)


@njit(cache=True, error_model="numpy")
def score_rows(
    start, stop, sex, age, age_is_months, weight, lenhei, measure, oedema, other,
    day_tables, lenhei_tables, month_tables, mode,
    slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants,
    cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut, who_round,
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat,
):
    """Rows start..stop-1 (see score_parallel for the arguments). Called directly for a handful
    of rows (one child), where threads cost more than they save."""
    days_per_month = constants[0]
    max_months = constants[1]
    max_days = constants[2]
    switch_day = constants[3]
    standing_min_months = constants[4]
    adjust_cm = constants[5]
    wfl_switch_cm = constants[6]
    wfl_lo, wfl_hi, wfh_lo, wfh_hi = constants[7], constants[8], constants[9], constants[10]
    min_months_2007, max_months_2007, max_months_wfa = constants[11], constants[12], constants[13]
    have_len = lenhei.shape[0] > 0
    have_wei = weight.shape[0] > 0
    have_other = other.shape[1] > 0
    ncat = cat_slot.shape[0]
    ncol = out_cat.shape[0]
    nactive = slot_indicator.shape[0]
    wfl_first = int(round(wfl_lo * 10.0))
    wfh_first = int(round(wfh_lo * 10.0))
    for i in range(start, stop):
        # --- sex
        sx = sex[i]
        r_sex = R_OK
        if sx == 0:
            r_sex = R_SEX_MISSING
        elif sx < 0:
            r_sex = R_SEX_INVALID
        # --- age: rounded whole day for 0-5 y lookups, unrounded months for the rest
        a = age[i]
        r_age = R_OK
        day = -1.0
        months = math.nan
        if a != a:
            r_age = R_AGE_MISSING
        elif not (a >= 0.0):  # negative (or unparseable text, -inf); +inf is merely too old
            r_age = R_AGE_INVALID
        else:
            if age_is_months:
                months = a
                day = round_half_up(a * days_per_month)
            else:
                months = a / days_per_month
                day = round_half_up(a)
        has_age = r_age == R_OK
        # --- the standard: WHO 2006 (0-5 y) or the 2007 reference (5-19 y)
        new = mode == STANDARD_2007 or (
            mode == STANDARD_AUTO and has_age and months >= min_months_2007)
        out_std[i] = 1 if new else 0
        if new:
            in_age_range = has_age and months >= min_months_2007 and months <= max_months_2007
        else:
            in_age_range = has_age and months < max_months and day <= max_days
        # --- oedema
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
        # --- the age-based reason shared by every indicator (before its own checks)
        r_base = r_sex
        if r_base == R_OK:
            r_base = r_age
            if r_base == R_OK and not in_age_range:
                r_base = R_AGE_OUT_OF_RANGE
        sxi = max(int(sx) - 1, 0)
        # table rows: whole day (2006) or the two whole months around the age (2007)
        di = 0
        mlo = 0
        mup = 0
        dm = 0.0
        if in_age_range:
            if new:
                mlo = int(math.trunc(months))
                mup = int(math.trunc(months + 1.0))
                dm = months - mlo
            else:
                di = int(day)
        # Each z-score, unrounded, straight into out_z (no helper takes an array: numba would
        # reference-count it on every call); the reason codes packed 5 bits per indicator.
        key = np.int64(0)
        for k in (I_LEN, I_WEI, I_BMI):  # the age-based indicators both standards have
            sl = slot[k]
            if sl < 0:
                continue
            r = r_base
            if k == I_LEN:
                y = clh
                if r == R_OK:
                    r = r_len
            else:  # weight- and BMI-for-age: missing with oedema
                y = w if k == I_WEI else bmi
                if r == R_OK and new and k == I_WEI and months > max_months_wfa:
                    r = R_AGE_OUT_OF_RANGE
                if r == R_OK:
                    r = r_oedema
                if r == R_OK:
                    r = r_wei if k == I_WEI else r_bmi_input
            z = math.nan
            if r == R_OK:
                if new:
                    t = 0 if k == I_LEN else (1 if k == I_WEI else 2)
                    l = month_tables[t, sxi, mlo, 0]
                    m = month_tables[t, sxi, mlo, 1]
                    s = month_tables[t, sxi, mlo, 2]
                    if dm > 0.0:  # anthroplus: linear in age between whole months
                        l = lerp(l, month_tables[t, sxi, mup, 0], dm)
                        m = lerp(m, month_tables[t, sxi, mup, 1], dm)
                        s = lerp(s, month_tables[t, sxi, mup, 2], dm)
                else:
                    t = DAY_TABLE_OF[k]
                    l = day_tables[t, sxi, di, 0]
                    m = day_tables[t, sxi, di, 1]
                    s = day_tables[t, sxi, di, 2]
                z = lms_z(y, l, m, s) if k == I_LEN else restricted_z(y, l, m, s)
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * k)
        sl = slot[I_WFL]
        if sl >= 0:  # weight-for-length/height: age only when present (else by position)
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
                    z = restricted_z(w, l, m, s)
                else:
                    r = R_LENHEI_OUT_OF_RANGE
            out_z[sl, i] = z
            key |= np.int64(r) << np.int64(5 * I_WFL)
        if have_other:  # head and arm circumference, skinfolds (arm and skinfolds from day 91)
            for k in range(I_HC, I_SS + 1):
                sl = slot[k]
                if sl < 0:
                    continue
                r = r_base
                if r == R_OK and (new or day < min_day[k]):
                    r = R_AGE_OUT_OF_RANGE
                z = math.nan
                if r == R_OK:
                    y = other[k - I_HC, i]
                    r = measurement_reason(y, R_MEASUREMENT_MISSING, R_MEASUREMENT_INVALID)
                    if r == R_OK:
                        t = DAY_TABLE_OF[k]
                        l = day_tables[t, sxi, di, 0]
                        m = day_tables[t, sxi, di, 1]
                        s = day_tables[t, sxi, di, 2]
                        z = restricted_z(y, l, m, s) if restricted[k] else lms_z(y, l, m, s)
                out_z[sl, i] = z
                key |= np.int64(r) << np.int64(5 * k)
        out_reason[i] = key
        # WHO rounding, then flags and categories from the z as returned
        for sl in range(nactive):
            z = out_z[sl, i]
            if who_round:
                z = round2_index(z)[0]
                out_z[sl, i] = z
            k = slot_indicator[sl]
            out_f[sl, i] = flag_of(z, flag_low[k], flag_high[k])
        for c in range(ncol):  # a column without a rule for this row's standard stays missing
            out_cat[c, i] = -1
        std_bit = 2 if new else 1
        for c in range(ncat):
            if (cat_std[c] & std_bit) == 0:
                continue
            sl = cat_slot[c]
            z = out_z[sl, i]
            code = -1
            if z == z and out_f[sl, i] != 1:
                h = z * 100.0  # after WHO rounding z = h/100 exactly: the class is tabulated
                if who_round and abs(h) < HUNDREDTHS - 1:
                    code = cat_lut[c, int(round(h)) + HUNDREDTHS - 1]
                else:
                    j = 0
                    for b in range(cat_ncut[c]):  # branch-free count: z is random
                        cut = cat_cuts[c, b]
                        j += np.int64((z > cut) | ((z == cut) & cat_closed_up[c, b]))
                    code = cat_remap[c, j]
            out_cat[cat_col[c], i] = code


def score_parallel(
    sex, age, age_is_months, weight, lenhei, measure, oedema, other,
    day_tables, lenhei_tables, month_tables, mode,
    slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants,
    cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut, who_round,
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat,
):
    """Compute every active indicator for every row, in parallel blocks of rows (on one thread
    where numba's threads cannot run: see zscore._threads).

    other: float64[4, n] (headc, armc, triskin, subskin) or [4, 0]; day_tables: float64[7, 2,
    1827, 3]; lenhei_tables: float64[2 (length, height), 2, 651, 3]; month_tables: float64[3
    (height, weight, BMI), 2, 230, 3]; mode: STANDARD_AUTO, STANDARD_2006 or STANDARD_2007;
    slot[k] is the row of out_z/out_f for indicator k, or -1 when it is not computed,
    slot_indicator the inverse. Category rule c reads slot cat_slot[c], applies to the rows whose
    standard bit (1 = 2006, 2 = 2007) is in cat_std[c] and writes row cat_col[c] of out_cat; its
    class j (count of boundaries passed) is written as cat_remap[c, j], and cat_lut[c, k +
    HUNDREDTHS - 1] is that code for z = k/100. constants: float64 array (days per month, max age
    months, max age days, length/height switch day, 9-month rule, adjustment cm, WFL/WFH switch
    cm, WFL low, WFL high, WFH low, WFH high, 2007 first month, 2007 last month, 2007 last month of
    weight-for-age). out_std: 0 where the row used the 2006 standards, 1 the 2007 reference.
    """
    _score_blocks(
        sex, age, age_is_months, weight, lenhei, measure, oedema, other,
        day_tables, lenhei_tables, month_tables, mode,
        slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants,
        cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut,
        who_round,
        out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat,
    )


def _score_all(sex, *args):
    """score_parallel on one thread."""
    score_rows(0, sex.shape[0], sex, *args)


@njit(parallel=True, cache=True, error_model="numpy")
def _score_blocks(
    sex, age, age_is_months, weight, lenhei, measure, oedema, other,
    day_tables, lenhei_tables, month_tables, mode,
    slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants,
    cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut, who_round,
    out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason, out_cat,
):
    """score_parallel's parallel kernel: score_rows on blocks of BLOCK rows."""
    n = sex.shape[0]
    nblocks = (n + BLOCK - 1) // BLOCK
    for b in prange(nblocks):
        score_rows(
            b * BLOCK, min(n, (b + 1) * BLOCK), sex, age, age_is_months, weight, lenhei, measure,
            oedema, other, day_tables, lenhei_tables, month_tables, mode,
            slot, slot_indicator, flag_low, flag_high, restricted, min_day, constants,
            cat_slot, cat_col, cat_std, cat_cuts, cat_closed_up, cat_ncut, cat_remap, cat_lut,
            who_round,
            out_std, out_clenhei, out_cmeasure, out_c9mo, out_cbmi, out_z, out_f, out_reason,
            out_cat,
        )


def arguments(inp, *, precision: str = "who", scheme=None, standard: str = "auto"):
    """(raw, args): output arrays for ``inp`` (zscore.classify.Inputs) and the arguments of
    score_rows/score_parallel after the row range, as compute() built them at commit 689ff8a."""
    import importlib

    from zscore import rules, tables

    batch = importlib.import_module("zscore.classify")
    scheme = rules.CATEGORIES_WHO if scheme is None else scheme
    n = inp.n
    p = batch.plan(frozenset(inp.measurements), standard, scheme)
    m = inp.measurements
    has_len = "lenhei" in m
    has_bmi = has_len and "weight" in m
    other = batch._NO_OTHER
    if standard != "2007" and any(name in m for name in batch.MEASUREMENTS[2:]):
        other = np.zeros((4, n))
        for row, name in enumerate(batch.MEASUREMENTS[2:]):
            if name in m:
                other[row] = m[name]
    packed = tables.packed_2006()
    raw = batch._allocate(n, p, has_len, has_bmi)
    args = (
        inp.sex, inp.age, inp.age_unit == "months", m.get("weight", batch._EMPTY),
        m.get("lenhei", batch._EMPTY), inp.measure if has_len else batch._EMPTY_CODES,
        inp.oedema, other,
        packed.day_tables, packed.lenhei_tables, tables.packed_2007(), batch._MODE[standard],
        p.slot, p.slot_indicator, batch._FLAG_LOW, batch._FLAG_HIGH, batch._RESTRICTED,
        batch._MIN_DAY, batch._CONSTANTS,
        p.cat_slot, p.cat_col, p.cat_std, p.cat_cuts, p.cat_up, p.cat_n, p.cat_remap, p.cat_lut,
        precision == "who",
        raw.standard, raw.clenhei, raw.cmeasure, raw.c9mo, raw.cbmi, raw.z, raw.f, raw.reason,
        raw.cat,
    )
    return raw, args
