"""numba kernels for :mod:`zscore.quality`: everything the checks count, per group, in one pass
over the rows (:func:`tally`) plus two for the z-score moments (:func:`zstats`). numpy needs a
masked copy and a ``bincount`` per statistic, about a hundred passes over the data.

Every kernel takes ``codes`` (int64, the row's group, -1 = no group) and ``size`` (the number of
groups). Inputs arrive normalised by :mod:`zscore.quality` (codes from :mod:`zscore.rules`); an
input that was not supplied is an array of length 0. :mod:`zscore.quality` holds the plain numpy
version of each count, used for small data and as the reference the tests compare with.
"""

from __future__ import annotations

import math

import numpy as np
from numba import get_num_threads, njit, prange

from . import _threads

# --- the columns of tally()'s output -------------------------------------------------------------
TOTAL = 0
#: rows missing or unusable: sex, age, weight, lenhei, measure, birth date
MISSING = 1
DIGITS_WEIGHT = 7  #: 10 decimal digits of weight
DIGITS_LENHEI = 17  #: 10 decimal digits of length/height
MONTHS = 27  #: completed months of age 0..228 (the row's standard's range only)
MONTH_COUNT = 229
SEX = MONTHS + MONTH_COUNT  #: boys, girls
POSITION = SEX + 2  #: 2 * age band (< 9, 9-23, >= 24 months) + standing
BIRTH = POSITION + 6  #: 2 * calendar month (0-11) + born on the 1st or 15th
WIDTH = BIRTH + 24
#: columns of the weighted output: the months, then boys and girls
WEIGHTED_SEX = MONTH_COUNT
WEIGHTED_WIDTH = MONTH_COUNT + 2

#: Rows below which a kernel runs on one thread (threads cost more than they save).
_ROWS_PER_THREAD = 200_000
# standard codes (zscore.rules.STANDARD_LABELS order)
_S2006, _S2007 = 0, 1


@njit(cache=True)
def month_of(age, standard):
    """Completed month of an age in months when it lies in its standard's range (0-59 months
    for WHO 2006, 60-228 for WHO 2007), else -1."""
    if not (0.0 <= age < MONTH_COUNT):  # NaN fails too
        return -1
    m = int(math.floor(age))  # noqa: RUF046 (explicit: numba types it as int64)
    if standard == _S2006 and m < 60:
        return m
    if standard == _S2007 and 60 <= m <= 228:
        return m
    return -1


#: Above this a "measurement" has no meaningful decimal (and would overflow an int64 * 10).
_HUGE = 1e15


@njit(cache=True)
def decimal_digit(value):
    """The first decimal of a positive value read to 0.1 (round half even), else -1. Values
    from 1e15 up have no decimal a float can hold: digit 0 (as quality's numpy path counts
    them; value * 10 would overflow near 1.8e307)."""
    if not value > 0.0 or value == math.inf:  # NaN fails too
        return -1
    if value >= _HUGE:
        return 0
    return int(np.rint(value * 10.0)) % 10


@njit(cache=True)
def _tally_rows(start, stop, out, wout, codes, sex, age, standard, weight, lenhei, measure,
                birth_month, birth_day, weights):
    has_weight, has_lenhei = weight.shape[0] > 0, lenhei.shape[0] > 0
    has_measure, has_birth = measure.shape[0] > 0, birth_month.shape[0] > 0
    weighted = weights.shape[0] > 0
    for i in range(start, stop):
        g = codes[i]
        if g < 0:
            continue
        out[g, TOTAL] += 1.0
        s = sex[i]
        a = age[i]
        st = standard[i]
        if s <= 0:
            out[g, MISSING] += 1.0
        elif s <= 2:
            out[g, SEX + s - 1] += 1.0
        if a != a:
            out[g, MISSING + 1] += 1.0
        m = month_of(a, st)
        if m >= 0:
            out[g, MONTHS + m] += 1.0
        if has_weight:
            d = decimal_digit(weight[i])
            if d < 0:
                out[g, MISSING + 2] += 1.0
            else:
                out[g, DIGITS_WEIGHT + d] += 1.0
        if has_lenhei:
            d = decimal_digit(lenhei[i])
            if d < 0:
                out[g, MISSING + 3] += 1.0
            else:
                out[g, DIGITS_LENHEI + d] += 1.0
        if has_measure:
            c = measure[i]
            if c <= 0:
                out[g, MISSING + 4] += 1.0
            elif st == _S2006 and a < 60.0:  # a NaN age compares False
                band = 0 if a < 9.0 else (1 if a < 24.0 else 2)
                out[g, POSITION + 2 * band + (1 if c == 2 else 0)] += 1.0
        if has_birth:
            bm = birth_month[i]
            if bm <= 0:
                out[g, MISSING + 5] += 1.0
            else:
                bd = birth_day[i]
                out[g, BIRTH + 2 * (bm - 1) + (1 if bd == 1 or bd == 15 else 0)] += 1.0
        if weighted:
            w = weights[i]
            if w == w:
                if m >= 0:
                    wout[g, 0, m] += 1.0
                    wout[g, 1, m] += w
                    wout[g, 2, m] += w * w
                if 1 <= s <= 2:
                    k = WEIGHTED_SEX + s - 1
                    wout[g, 0, k] += 1.0
                    wout[g, 1, k] += w
                    wout[g, 2, k] += w * w


def _chunks(n):
    """Row ranges, one per thread (one for small data)."""
    parts = max(1, min(get_num_threads(), n // _ROWS_PER_THREAD))
    return np.linspace(0, n, parts + 1).astype(np.int64)


@njit(cache=True, parallel=True)
def _tally_parallel(bounds, out, wout, codes, sex, age, standard, weight, lenhei, measure,
                    birth_month, birth_day, weights):
    for p in prange(bounds.shape[0] - 1):
        _tally_rows(bounds[p], bounds[p + 1], out[p], wout[p], codes, sex, age, standard, weight,
                    lenhei, measure, birth_month, birth_day, weights)


def _tally_serial(bounds, out, wout, *args):
    """_tally_parallel on one thread (see zscore._threads)."""
    for p in range(bounds.shape[0] - 1):
        _tally_rows(bounds[p], bounds[p + 1], out[p], wout[p], *args)


def tally(codes, size, sex, age, standard, weight, lenhei, measure, birth_month, birth_day,
          weights):
    """Counts per group: float64[size, WIDTH] (columns above) and, when ``weights`` is given,
    float64[size, 3, WEIGHTED_WIDTH]: rows with a weight, sum of weights, sum of squares."""
    bounds = _chunks(codes.shape[0])
    parts = bounds.shape[0] - 1
    out = np.zeros((parts, size, WIDTH))
    wout = np.zeros((parts, size if weights.shape[0] else 0, 3, WEIGHTED_WIDTH))
    args = (codes, sex, age, standard, weight, lenhei, measure, birth_month, birth_day, weights)
    if parts == 1:  # no thread pool to wake for small data
        _tally_rows(0, codes.shape[0], out[0], wout[0], *args)
    else:
        _threads.call(_tally_parallel, _tally_serial, bounds, out, wout, *args)
    return out.sum(axis=0), wout.sum(axis=0)


@njit(cache=True)
def _z_rows(first, start, stop, mean, counts, out, codes, z, flagged, standard, age, max_age):
    """Pass 1 (``first``): counts, n and the sum of z; pass 2: the central moments. Rows are
    counted under their standard (0 or 1), up to that standard's ``max_age`` (NaN age: kept)."""
    for i in range(start, stop):
        g = codes[i]
        st = standard[i]
        if g < 0 or st < 0 or st > 1 or age[i] > max_age[st]:
            continue
        x = z[i]
        if first:
            counts[g, st, 0] += 1.0
            if x == x:
                counts[g, st, 1] += 1.0
                if flagged[i]:
                    counts[g, st, 2] += 1.0
                else:
                    out[g, st, 0] += 1.0
                    out[g, st, 1] += x
        elif x == x and not flagged[i]:
            d = x - mean[g, st]
            d2 = d * d
            out[g, st, 2] += d2
            out[g, st, 3] += d2 * d
            out[g, st, 4] += d2 * d2


@njit(cache=True, parallel=True)
def _z_parallel(first, bounds, mean, counts, sums, codes, z, flagged, standard, age, max_age):
    for p in prange(bounds.shape[0] - 1):
        _z_rows(first, bounds[p], bounds[p + 1], mean, counts[p], sums[p], codes, z, flagged,
                standard, age, max_age)


def _z_serial(first, bounds, mean, counts, sums, *args):
    """_z_parallel on one thread (see zscore._threads)."""
    for p in range(bounds.shape[0] - 1):
        _z_rows(first, bounds[p], bounds[p + 1], mean, counts[p], sums[p], *args)


def zstats(codes, size, z, flagged, standard, age, max_age):
    """Per group and standard (0 WHO 2006, 1 WHO 2007), for one z-score on the rows scored with
    that standard and not older than ``max_age[standard]`` months: counts float64[size, 2, 3]
    (rows, z-scores computed, flagged) and, over the computed unflagged z-scores,
    float64[size, 2, 5]: n, mean and the central moments m2, m3, m4 (divided by n), taken
    around the group mean in a second pass."""
    bounds = _chunks(codes.shape[0])
    parts = bounds.shape[0] - 1
    counts = np.zeros((parts, size, 2, 3))
    sums = np.zeros((parts, size, 2, 5))
    mean = np.full((size, 2), np.nan)
    args = (codes, z, flagged, standard, age, np.asarray(max_age, dtype=np.float64))
    for first in (True, False):
        if parts == 1:  # no thread pool to wake for small data
            _z_rows(first, 0, codes.shape[0], mean, counts[0], sums[0], *args)
        else:
            _threads.call(_z_parallel, _z_serial, first, bounds, mean, counts, sums, *args)
        if first:
            n, total = sums[:, :, :, 0].sum(axis=0), sums[:, :, :, 1].sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean[:] = np.where(n > 0, total / np.where(n > 0, n, 1.0), np.nan)
    out = sums.sum(axis=0)
    out[:, :, 1] = mean
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, :, 2:] = np.where(n[:, :, None] > 0, out[:, :, 2:] / n[:, :, None], np.nan)
    return counts.sum(axis=0), out
