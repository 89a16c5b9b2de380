"""The z-scores that local tools compute by mistake, for the audit's "likely cause" only.

Each function recomputes one indicator with one documented fault (docs/programme.md, "audit
causes") from the same WHO tables the kernel uses (:func:`zscore.tables.packed_2006`). Nothing
here is used to score a child: zscore's own z-scores come from the kernel.
"""

from __future__ import annotations

import numpy as np

from .. import rules, tables

DAYS = rules.DAYS_PER_MONTH
_LEN, _WEI = rules.DAY_TABLES.index("len_2006"), rules.DAY_TABLES.index("wei_2006")
_WFL_FIRST = round(rules.WFL_RANGE_CM[0] * 10)
_WFH_FIRST = round(rules.WFH_RANGE_CM[0] * 10)


def half_up(x: np.ndarray) -> np.ndarray:
    """Round halves up (WHO's age rounding; x >= 0)."""
    f = np.floor(x)
    return f + ((x - f) >= 0.5)


def lms_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Plain LMS: ((y/M)^L - 1) / (S L), for any z (no restriction beyond +-3 SD)."""
    return ((y / m) ** l - 1.0) / (s * l)


def sd_line(k: float, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The measurement at z = k: M (1 + L S k)^(1/L)."""
    return m * (1.0 + l * s * k) ** (1.0 / l)


def restricted_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """WHO's restricted LMS: beyond +-3 SD, in units of the 2-to-3 SD gap on that side."""
    z = lms_z(y, l, m, s)
    up3, up2 = sd_line(3.0, l, m, s), sd_line(2.0, l, m, s)
    lo3, lo2 = sd_line(-3.0, l, m, s), sd_line(-2.0, l, m, s)
    z = np.where(z > 3.0, 3.0 + (y - up3) / (up3 - up2), z)
    return np.where(z < -3.0, -3.0 + (y - lo3) / (lo2 - lo3), z)


def sd_lines_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """z read off the printed SD lines (-3 .. +3) by straight lines between them (the chart
    method), beyond +-3 SD by the outer gap, instead of the LMS formula."""
    ks = np.arange(-3.0, 4.0)
    lines = np.stack([sd_line(k, l, m, s) for k in ks])  # [7, n]
    z = np.full(np.shape(y), np.nan)
    below = y < lines[0]
    z = np.where(below, -3.0 - (lines[0] - y) / (lines[1] - lines[0]), z)
    above = y >= lines[-1]
    z = np.where(above, 3.0 + (y - lines[-1]) / (lines[-1] - lines[-2]), z)
    for j in range(6):
        inside = (y >= lines[j]) & (y < lines[j + 1])
        z = np.where(inside, ks[j] + (y - lines[j]) / (lines[j + 1] - lines[j]), z)
    return z


def day_lms(table: int, sex: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, ...]:
    """L, M, S of a by-day 2006 table at whole days (NaN outside 0 .. 1856 or without sex)."""
    packed = tables.packed_2006().day_tables
    n = sex.size
    out = [np.full(n, np.nan) for _ in range(3)]
    ok = ((sex == 1) | (sex == 2)) & np.isfinite(day) & (day >= 0) & (day < packed.shape[2])
    rows = packed[table, sex[ok].astype(np.int64) - 1, day[ok].astype(np.int64)]
    for k in range(3):
        out[k][ok] = rows[:, k]
    return tuple(out)


def lenhei_lms(sex: np.ndarray, clh: np.ndarray, use_length: np.ndarray,
               step: float | None = None) -> tuple[np.ndarray, ...]:
    """L, M, S of weight-for-length (``use_length``) or -height at ``clh`` cm: interpolated
    between 0.1 cm rows as WHO does, or (``step``) at clh rounded half up to that step."""
    packed = tables.packed_2006().lenhei_tables
    n = sex.size
    out = [np.full(n, np.nan) for _ in range(3)]
    x = clh if step is None else half_up(clh / step) * step
    lo_cm = np.where(use_length, rules.WFL_RANGE_CM[0], rules.WFH_RANGE_CM[0])
    hi_cm = np.where(use_length, rules.WFL_RANGE_CM[1], rules.WFH_RANGE_CM[1])
    ok = ((sex == 1) | (sex == 2)) & np.isfinite(x) & (x >= lo_cm) & (x <= hi_cm)
    tb = np.where(use_length, 0, 1)[ok]
    first = np.where(use_length, _WFL_FIRST, _WFH_FIRST)[ok]
    xs = x[ok]
    x10 = xs * 10.0
    low_tenth = np.trunc(x10)
    d = (xs - low_tenth / 10.0) / 0.1
    lo = low_tenth.astype(np.int64) - first
    up = np.minimum(np.trunc(x10 + 1.0).astype(np.int64) - first, packed.shape[2] - 1)
    sx = sex[ok].astype(np.int64) - 1
    a, b = packed[tb, sx, lo], packed[tb, sx, up]
    b = np.where(np.isnan(b), a, b)
    for k in range(3):
        out[k][ok] = np.where(d > 0.0, a[:, k] + d * (b[:, k] - a[:, k]), a[:, k])
    return tuple(out)


#: Fault name -> what it means, for the audit's ``cause`` text.
FAULTS = {
    "plain_lms": "matches plain LMS without the restriction beyond ±3 SD",
    "completed_months": "matches age in completed months (days / 30.4375 rounded down, "
                        "looked up at that whole month)",
    "rounded_months": "matches age in rounded months (round(days / 30.44))",
    "half_cm": "matches weight-for-length/height looked up at the length/height rounded to "
               "0.5 cm",
    "sd_lines": "matches z read off the SD lines by straight lines between them (not LMS)",
}


def faulty_z(indicator: str, sex: np.ndarray, age_days: np.ndarray, clh: np.ndarray,
             weight: np.ndarray, lenhei: np.ndarray | None = None,
             measure: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per fault (of :data:`FAULTS` that apply to the indicator), the unrounded z-score it
    gives; a fault computed two ways has two entries, ``name`` and ``name:how``. ``age_days``
    unrounded (NaN unknown); ``clh`` the length/height after WHO's +-0.7 cm adjustment,
    ``lenhei`` as measured; ``measure`` 1 lying / 2 standing / 0 unknown; ``sex`` 1/2."""
    out: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        day = half_up(np.where(age_days >= 0, age_days, np.nan))
        months_floor = np.floor(age_days / DAYS)
        months_round = half_up(age_days / 30.44)
        if indicator in ("len", "wei"):
            table = _LEN if indicator == "len" else _WEI
            y = clh if indicator == "len" else weight
            formula = lms_z if indicator == "len" else restricted_z
            lms = day_lms(table, sex, day)
            if indicator == "wei":
                out["plain_lms"] = lms_z(y, *lms)
            out["completed_months"] = formula(y, *day_lms(table, sex,
                                                          half_up(months_floor * DAYS)))
            out["rounded_months"] = formula(y, *day_lms(table, sex, half_up(months_round * DAYS)))
            out["sd_lines"] = sd_lines_z(y, *lms)
        elif indicator == "wfl":
            # by age, else by position, else by length (anthro's rule without an age)
            by_position = clh < rules.WFL_WFH_SWITCH_CM
            if measure is not None:
                by_position = np.where(measure == 1, True, np.where(measure == 2, False,
                                                                    by_position))
            use_length = np.where(np.isfinite(day), day < rules.LENGTH_HEIGHT_SWITCH_DAY,
                                  by_position)
            lms = lenhei_lms(sex, clh, use_length)
            out["plain_lms"] = lms_z(weight, *lms)
            out["half_cm"] = restricted_z(weight, *lenhei_lms(sex, clh, use_length, 0.5))
            if lenhei is not None:  # the measured value rounded, then WHO's +-0.7 cm
                adjust = clh - lenhei
                steps = half_up(lenhei / 0.5) * 0.5 + adjust
                out["half_cm:measured"] = restricted_z(weight, *lenhei_lms(sex, steps,
                                                                           use_length))
            out["sd_lines"] = sd_lines_z(weight, *lms)
    return out
