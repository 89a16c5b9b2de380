"""Survey estimators for WHO's prevalence tables: grouped weighted sums and Taylor-linearised
variances, as numba kernels on plain arrays, plus the closed-form statistics built from them.

Every estimate is a ratio ``r = sum(w y) / sum(w)`` over the rows of a group (a domain) where
``y`` is known: a 0/1 prevalence indicator or a z-score. Its linearised score is
``t_i = w_i (y_i - r) / sum(w)`` for those rows and 0 for every other row, and

    var(r) = sum_h  n_h / (n_h - 1) * sum_j (T_hj - mean_j T_hj)^2

over strata ``h`` with ``n_h`` primary sampling units (PSUs) each, ``T_hj`` the sum of the scores
of PSU ``j`` (with-replacement sampling of PSUs within strata, as R's ``survey`` package computes
it for ``svydesign(..., nest = TRUE)``). A stratum with a single PSU contributes ``T_h1^2``
(``options(survey.lonely.psu = "adjust")``: centred on the population mean of the scores,
which is 0). WHO's no-design and weights-only formulas are this estimator with every row its own
PSU in a single stratum (docs/prevalence.md).

Rows arrive coded by :mod:`zscore.prevalence`:

* ``bins`` int8[5, n]: for the indicators HA, WA, BMI, WH (rows 0-3) the class of the value WHO
  uses for the prevalences (0: z < -3, 1: -3 <= z < -2, 2: -2 <= z < -1, 3: -1 <= z <= 1,
  4: 1 < z <= 2, 5: 2 < z <= 3, 6: z > 3; 7: oedema, counted as z = -3.1 with no z-score for
  the mean and SD; -1: missing); row 4 the combined class (0: stunted and wasted, 1: stunted
  and overweight, 2: neither; -1: missing);
* ``z0``..``z3`` float64: the z-scores of the four indicators (read only where the class is 0-6);
* ``codes`` int[K, n]: each row's level in each grouping (-1: none); group ``g`` of grouping
  ``k`` is ``offsets[k] + code``; group 0 is "All" and holds every row;
* ``w`` float64 sampling weights (>= 0, finite); any size: see "weights of any size" below.

The rows of a table may come in parts (a file read in batches, Dask partitions): each part
becomes :class:`Sums` that add up over parts, and the estimates are computed from them once
(:func:`estimates`). Where every row is its own PSU the variance needs per (stratum, group) sums
of w, w^2 per class and of the z-scores' deviations (two passes within a part, moved to the
common mean when parts merge); for a clustered design, per PSU and group, its PSU_CH sums (an
"entry"): a PSU whose rows are in two parts gets one entry from both. A part that is the whole
table (:func:`zscore.prevalence`) reads its entries as they are made, never keeping them
(:func:`psu_variance`): the same numbers, bit for bit, as from the kept entries of one part.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from numba import njit

NIND = 4  #: HA, WA, BMI, WH
NBIN = 7  #: classes of a z-score between WHO's cut-offs
OEDEMA_BIN = 7
#: The six cut-offs of each indicator as sets of classes: < -3, < -2, < -1, > +1, > +2, > +3.
CUT_BINS = np.array([
    [1, 0, 0, 0, 0, 0, 0],
    [1, 1, 0, 0, 0, 0, 0],
    [1, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 1],
    [0, 0, 0, 0, 0, 1, 1],
    [0, 0, 0, 0, 0, 0, 1],
], dtype=np.int8)
NCUT = 6
#: Estimates per indicator: six prevalences, then the mean z (index 6).
PER_IND = NCUT + 1
V_COMBINED = NIND * PER_IND  #: stunted and wasted; +1: stunted and overweight
NVAR = V_COMBINED + 2

# Channels of the per-(stratum, group) sums of pass 1, per indicator j at j * IND_CH:
# sum w per class (7), sum w^2 per class (7), rows with a value, sum w z, sum w over z, rows with z.
IND_CH = 18
C_W2, C_N, C_WZ, C_WZW, C_NZ = 7, 14, 15, 16, 17
COMB_CH = NIND * IND_CH  # combined: sum w per class (3), sum w^2 per class (3), rows with a value
C_ROWS = COMB_CH + 7  #: rows in the group
C_POS = C_ROWS + 1  #: rows with a weight > 0
NCH = C_POS + 1
# Per-PSU channels of the clustered variance: per indicator 7 class sums, sum w z, sum w over z.
PSU_IND = NBIN + 2
PSU_COMB = NIND * PSU_IND
PSU_CH = PSU_COMB + 3
# Pass 2 channels per (stratum, group, indicator), d = z - mean: sum w d, sum w d^2, sum w^2 d^2,
# and to move them to another mean (parts merged), sum w^2 d and sum w^2.
DEV_CH = 5


# --- coding the rows ------------------------------------------------------------------------------
# The kernels index arrays with scalars only and pass no array to a helper: numba counts the
# references of every array view or argument, which costs more than the arithmetic here.
@njit(cache=True)
def _bin(z):
    if z < -3.0:
        return 0
    if z < -2.0:
        return 1
    if z < -1.0:
        return 2
    if z <= 1.0:
        return 3
    if z <= 2.0:
        return 4
    if z <= 3.0:
        return 5
    return 6


@njit(cache=True)
def _class(z, flagged, by_threshold, low, high):
    """Class of a z-score; -1 when missing or flagged (by its flag column, or without one by
    WHO's thresholds ``low``/``high``)."""
    if math.isnan(z) or flagged:
        return -1
    if by_threshold and (z < low or z > high):
        return -1
    return _bin(z)


@njit(cache=True, nogil=True)
def _code_rows(start, stop, z0, z1, z2, z3, f0, f1, f2, f3, oedema, low, high, bins):
    """Fill ``bins[:, start:stop]`` (see :func:`code_rows`)."""
    for i in range(start, stop):
        oed = oedema.size > 0 and oedema[i] == 1
        ha = -1
        if z0.size:
            ha = _class(z0[i], f0.size > 0 and f0[i], f0.size == 0, low[0],
                       high[0])
        wa = OEDEMA_BIN if oed else -1
        if z1.size and not oed:
            wa = _class(z1[i], f1.size > 0 and f1[i], f1.size == 0, low[1],
                       high[1])
        bm = OEDEMA_BIN if oed else -1
        if z2.size and not oed:
            bm = _class(z2[i], f2.size > 0 and f2[i], f2.size == 0, low[2],
                       high[2])
        wh = OEDEMA_BIN if oed else -1
        if z3.size and not oed:
            wh = _class(z3[i], f3.size > 0 and f3[i], f3.size == 0, low[3],
                       high[3])
        bins[0, i] = ha
        bins[1, i] = wa
        bins[2, i] = bm
        bins[3, i] = wh
        if ha < 0 or wh < 0:
            bins[4, i] = -1
        elif ha <= 1 and (wh <= 1 or wh == OEDEMA_BIN):
            bins[4, i] = 0  # stunted and wasted (oedema: WHO's -3.1)
        elif ha <= 1 and (wh == 5 or wh == 6):
            bins[4, i] = 1  # stunted and overweight
        else:
            bins[4, i] = 2


# --- pass 1: sums per (stratum, group) ------------------------------------------------------------
@njit(cache=True, nogil=True)
def _pass1_rows(rows, start, stop, w, wscale, stratum, codes, offsets, bins, z0, z1, z2, z3,
                acc):
    K = codes.shape[0]
    scaled = wscale.size > 0
    for idx in range(start, stop):
        i = rows[idx] if rows.size else idx
        h = stratum[i] if stratum.size else 0
        w0 = w[i]
        w20 = w0 * w0
        for kk in range(K + 1):
            if kk == 0:
                g = 0
            else:
                c = codes[kk - 1, i]
                if c < 0:
                    continue
                g = offsets[kk - 1] + c
            if scaled:  # the group's weights times its power of two (exact)
                wi = w0 * wscale[g]
                w2 = wi * wi
            else:
                wi = w0
                w2 = w20
            acc[h, g, C_ROWS] += 1.0
            if w0 > 0.0:  # the weight given: a rescaled one may round to 0
                acc[h, g, C_POS] += 1.0
            for j in range(NIND):
                b = bins[j, i]
                if b < 0:
                    continue
                base = j * IND_CH
                acc[h, g, base + C_N] += 1.0
                if b == OEDEMA_BIN:
                    acc[h, g, base] += wi
                    acc[h, g, base + C_W2] += w2
                    continue
                acc[h, g, base + b] += wi
                acc[h, g, base + C_W2 + b] += w2
                if j == 0:
                    zv = z0[i]
                elif j == 1:
                    zv = z1[i]
                elif j == 2:
                    zv = z2[i]
                else:
                    zv = z3[i]
                acc[h, g, base + C_WZ] += wi * zv
                acc[h, g, base + C_WZW] += wi
                acc[h, g, base + C_NZ] += 1.0
            b = bins[4, i]
            if b >= 0:
                acc[h, g, COMB_CH + b] += wi
                acc[h, g, COMB_CH + 3 + b] += w2
                acc[h, g, COMB_CH + 6] += 1.0


# --- pass 2: deviations from the group means ------------------------------------------------------
@njit(cache=True, nogil=True)
def _pass2_rows(rows, start, stop, w, wscale, stratum, codes, offsets, bins, z0, z1, z2, z3, mean,
                movable, acc):
    K = codes.shape[0]
    scaled = wscale.size > 0
    for idx in range(start, stop):
        i = rows[idx] if rows.size else idx
        h = stratum[i] if stratum.size else 0
        w0 = w[i]
        for j in range(NIND):
            b = bins[j, i]
            if b < 0 or b == OEDEMA_BIN:
                continue
            if j == 0:
                zv = z0[i]
            elif j == 1:
                zv = z1[i]
            elif j == 2:
                zv = z2[i]
            else:
                zv = z3[i]
            for kk in range(K + 1):
                if kk == 0:
                    g = 0
                else:
                    c = codes[kk - 1, i]
                    if c < 0:
                        continue
                    g = offsets[kk - 1] + c
                wi = w0 * wscale[g] if scaled else w0
                d = zv - mean[g, j]
                wd = wi * d
                acc[h, g, j, 0] += wd
                acc[h, g, j, 1] += wd * d
                acc[h, g, j, 2] += wd * wd
                if movable:  # for another mean: see DEV_CH
                    acc[h, g, j, 3] += wd * wi
                    acc[h, g, j, 4] += wi * wi


# --- clustered designs: PSU totals per group, then centred within strata ------------------------
# A PSU's rows may come in several parts of a table (files read in batches, Dask partitions), so
# the clustered variance keeps, per PSU and per group with rows in it, the PSU's sums (its
# "entry": PSU_CH channels, linear in the weights). Entries of the same PSU and group from two
# parts add up (:func:`consolidate`); the variance is computed from the entries once the
# estimates are known (:func:`table_variance`). A table holds, per PSU p, its entries at
# start[p] .. start[p] + count[p] - 1 of ``group`` (the group of each entry) and ``sums``.
@njit(cache=True, nogil=True)
def _psu_rows(first_psu, last_psu, order, psu_start, w, wscale, codes, offsets, bins, z0, z1, z2,
              z3, mean, slot, slot0, count, group, sums, dev, buf, in_psu, psu_groups, movable):
    """The entries of PSUs first_psu..last_psu-1 (rows ``order[psu_start[p]:psu_start[p + 1]]``)
    written from ``slot[p] - slot0`` on, and sum w d, sum w d^2 with d = z - mean[g, j] of their
    rows per group and indicator into ``dev`` (sum w d only if ``movable``: to centre them on
    another mean). ``buf`` (zeros [G, PSU_CH]), ``in_psu`` (False [G]) and ``psu_groups`` [G]:
    room for a PSU's sums, left as they were found."""
    K = codes.shape[0]
    scaled = wscale.size > 0
    for psu in range(first_psu, last_psu):
        npg = 0
        for idx in range(psu_start[psu], psu_start[psu + 1]):
            i = order[idx]
            w0 = w[i]
            for kk in range(K + 1):
                if kk == 0:
                    g = 0
                else:
                    c = codes[kk - 1, i]
                    if c < 0:
                        continue
                    g = offsets[kk - 1] + c
                wi = w0 * wscale[g] if scaled else w0
                if not in_psu[g]:
                    in_psu[g] = True
                    psu_groups[npg] = g
                    npg += 1
                for j in range(NIND):
                    b = bins[j, i]
                    if b < 0:
                        continue
                    base = j * PSU_IND
                    if b == OEDEMA_BIN:
                        buf[g, base] += wi
                        continue
                    buf[g, base + b] += wi
                    if j == 0:
                        zv = z0[i]
                    elif j == 1:
                        zv = z1[i]
                    elif j == 2:
                        zv = z2[i]
                    else:
                        zv = z3[i]
                    buf[g, base + NBIN] += wi * zv
                    buf[g, base + NBIN + 1] += wi
                    d = zv - mean[g, j]
                    if movable:
                        dev[g, j, 0] += wi * d
                    dev[g, j, 1] += wi * d * d
                b = bins[4, i]
                if b >= 0:
                    buf[g, PSU_COMB + b] += wi
        at = slot[psu] - slot0
        for k in range(npg):
            g = psu_groups[k]
            in_psu[g] = False
            group[at + k] = g
            for ch in range(PSU_CH):
                sums[at + k, ch] = buf[g, ch]
                buf[g, ch] = 0.0
        count[psu] = npg


@njit(cache=True, nogil=True)
def _table_strata(p0, p1, last, psu_order, psu_stratum, nh_of, start, base, count, group, sums,
                  ratio, total, var, nps, mean, m2, in_stratum, stratum_groups, nsg):
    """Welford, per stratum and group, over the score sums of PSUs psu_order[p0:p1] (sorted by
    stratum; their entries at start[psu] - base), adding to ``var`` the contribution of each
    stratum whose last PSU is among them (one of ``nh_of[h]`` PSUs; ``last``: the end of the
    PSUs this thread reads: a stratum still going on at p1 < last keeps its running sums, in
    ``nps``, ``mean``, ``m2``, ``in_stratum``, ``stratum_groups`` and ``nsg[0]``, for the next
    call)."""
    t = np.empty(NVAR)
    p = p0
    while p < p1:
        h = psu_stratum[psu_order[p]]
        q = p
        while q < p1 and psu_stratum[psu_order[q]] == h:
            q += 1
        nh = nh_of[h]
        for pp in range(p, q):
            psu = psu_order[pp]
            for e in range(start[psu] - base, start[psu] - base + count[psu]):
                g = group[e]
                # the PSU's score sum (S - r W) / total of every estimate of group g
                for j in range(NIND):
                    bs = j * PSU_IND
                    v = j * PER_IND
                    b0 = sums[e, bs]
                    b1 = sums[e, bs + 1]
                    b2 = sums[e, bs + 2]
                    b3 = sums[e, bs + 3]
                    b4 = sums[e, bs + 4]
                    b5 = sums[e, bs + 5]
                    b6 = sums[e, bs + 6]
                    wp = b0 + b1 + b2 + b3 + b4 + b5 + b6
                    t[v] = b0 - ratio[g, v] * wp
                    t[v + 1] = b0 + b1 - ratio[g, v + 1] * wp
                    t[v + 2] = b0 + b1 + b2 - ratio[g, v + 2] * wp
                    t[v + 3] = b4 + b5 + b6 - ratio[g, v + 3] * wp
                    t[v + 4] = b5 + b6 - ratio[g, v + 4] * wp
                    t[v + 5] = b6 - ratio[g, v + 5] * wp
                    t[v + 6] = sums[e, bs + NBIN] - ratio[g, v + 6] * sums[e, bs + NBIN + 1]
                wp = sums[e, PSU_COMB] + sums[e, PSU_COMB + 1] + sums[e, PSU_COMB + 2]
                t[V_COMBINED] = sums[e, PSU_COMB] - ratio[g, V_COMBINED] * wp
                t[V_COMBINED + 1] = sums[e, PSU_COMB + 1] - ratio[g, V_COMBINED + 1] * wp
                if not in_stratum[g]:
                    in_stratum[g] = True
                    stratum_groups[nsg[0]] = g
                    nsg[0] += 1
                nps[g] += 1.0
                inv = 1.0 / nps[g]
                for v in range(NVAR):
                    tot = total[g, v]
                    tv = t[v] / tot if tot > 0.0 else 0.0
                    d = tv - mean[g, v]  # Welford: mean and sum of squared deviations
                    mean[g, v] += d * inv
                    m2[g, v] += d * (tv - mean[g, v])
        if q < last and q == p1 and psu_stratum[psu_order[q]] == h:
            break  # the stratum goes on in the next call
        for k in range(nsg[0]):
            g = stratum_groups[k]
            in_stratum[g] = False
            c = nps[g]
            for v in range(NVAR):
                mu = mean[g, v]
                if nh > 1:
                    # the PSUs without rows of the group have score 0: combine them in
                    full = m2[g, v] + mu * mu * c * (nh - c) / nh
                    var[g, v] += nh / (nh - 1.0) * full
                else:
                    var[g, v] += mu * mu  # a lonely PSU, "adjust"
                mean[g, v] = 0.0
                m2[g, v] = 0.0
            nps[g] = 0.0
        nsg[0] = 0
        p = q


@njit(cache=True, nogil=True)
def _psu_variance(first, last, order, psu_start, psu_order, psu_stratum, nh_of, w, wscale, codes,
                  offsets, bins, z0, z1, z2, z3, mean_z, ratio, total, slot, cap, count, var,
                  dev):
    """The entries of PSUs first..last-1 made and read a chunk of at most ``cap`` entries at a
    time (:func:`_psu_rows`, then :func:`_table_strata` with the final ``ratio``): the variance
    of a table whose estimates are already known, without keeping its entries."""
    ngroups = ratio.shape[0]
    group = np.empty(cap, dtype=np.int64)
    sums = np.empty((cap, PSU_CH))
    buf = np.zeros((ngroups, PSU_CH))
    in_psu = np.zeros(ngroups, dtype=np.bool_)
    psu_groups = np.empty(ngroups, dtype=np.int64)
    nps = np.zeros(ngroups)
    mean = np.zeros((ngroups, NVAR))
    m2 = np.zeros((ngroups, NVAR))
    in_stratum = np.zeros(ngroups, dtype=np.bool_)
    stratum_groups = np.empty(ngroups, dtype=np.int64)
    nsg = np.zeros(1, dtype=np.int64)
    c0 = first
    while c0 < last:
        c1 = c0 + 1
        while c1 < last and slot[c1 + 1] - slot[c0] <= cap:
            c1 += 1
        _psu_rows(c0, c1, order, psu_start, w, wscale, codes, offsets, bins, z0, z1, z2, z3,
                  mean_z, slot, slot[c0], count, group, sums, dev, buf, in_psu, psu_groups,
                  False)
        _table_strata(c0, c1, last, psu_order, psu_stratum, nh_of, slot, slot[c0], count, group,
                      sums, ratio, total, var, nps, mean, m2, in_stratum, stratum_groups, nsg)
        c0 = c1


@njit(cache=True)
def _consolidate(a_start, a_count, a_group, a_sums, psu, start, count, group, sums, npsu,
                 ngroups):
    """One table of ``npsu`` PSUs from table ``a`` (PSU p stays p) and the PSUs of other
    tables: ``start``/``count`` the entries of each (all in ``group`` and ``sums``), ``psu``
    the PSU it is in the result; the entries of a PSU and group found in several are added,
    ``a``'s first, then in table order."""
    first = np.zeros(npsu + 1, dtype=np.int64)
    for r in range(psu.size):
        first[psu[r] + 1] += 1
    for p in range(npsu):
        first[p + 1] += first[p]
    fill = first[:-1].copy()
    order = np.empty(psu.size, dtype=np.int64)
    cap = 0
    for r in range(psu.size):
        order[fill[psu[r]]] = r
        fill[psu[r]] += 1
        cap += count[r]
    for p in range(a_count.size):
        cap += a_count[p]
    out_start = np.zeros(npsu, dtype=np.int64)
    out_count = np.zeros(npsu, dtype=np.int64)
    out_group = np.empty(cap, dtype=np.int64)
    out_sums = np.empty((cap, sums.shape[1]))
    at_group = np.full(ngroups, -1, dtype=np.int64)
    at = 0
    for p in range(npsu):
        s0 = at
        if p < a_count.size:
            for e in range(a_start[p], a_start[p] + a_count[p]):
                g = a_group[e]
                at_group[g] = at
                out_group[at] = g
                for ch in range(sums.shape[1]):
                    out_sums[at, ch] = a_sums[e, ch]
                at += 1
        for idx in range(first[p], first[p + 1]):
            r = order[idx]
            for e in range(start[r], start[r] + count[r]):
                g = group[e]
                k = at_group[g]
                if k >= 0:
                    for ch in range(sums.shape[1]):
                        out_sums[k, ch] += sums[e, ch]
                else:
                    at_group[g] = at
                    out_group[at] = g
                    for ch in range(sums.shape[1]):
                        out_sums[at, ch] = sums[e, ch]
                    at += 1
        for e in range(s0, at):
            at_group[out_group[e]] = -1
        out_start[p] = s0
        out_count[p] = at - s0
    return out_start, out_count, out_group[:at], out_sums[:at]


# --- ordering rows by PSU -------------------------------------------------------------------------
@njit(cache=True)
def order_by_code(codes, ncodes, rows, m):
    """The m rows used (``rows``, or rows 0..m-1 when ``rows`` is empty) ordered by ``codes``
    (counting sort, stable), and the start of each code's run (int64[ncodes + 1])."""
    start = np.zeros(ncodes + 1, dtype=np.int64)
    for idx in range(m):
        i = rows[idx] if rows.size else idx
        start[codes[i] + 1] += 1
    for k in range(ncodes):
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    order = np.empty(m, dtype=np.int64)
    for idx in range(m):
        i = rows[idx] if rows.size else idx
        c = codes[i]
        order[fill[c]] = i
        fill[c] += 1
    return order, start


# --- codes of groups and PSUs ---------------------------------------------------------------------
@njit(cache=True)
def code_presence(codes, ncodes, rows, m, w):
    """For codes -1..ncodes-1 over the m rows used (``rows``, or rows 0..m-1 when ``rows`` is
    empty): the position (among those rows) of the first row with each code (-1: absent), the
    number of rows, and whether any of them has a weight other than 0 (``w`` empty: not
    computed). Slot ``ncodes`` is code -1 (missing)."""
    first = np.full(ncodes + 1, -1, dtype=np.int64)
    count = np.zeros(ncodes + 1, dtype=np.int64)
    positive = np.zeros(ncodes + 1, dtype=np.bool_)
    for idx in range(m):
        i = rows[idx] if rows.size else idx
        c = codes[i]
        slot = c if c >= 0 else ncodes
        if first[slot] < 0:
            first[slot] = idx
        count[slot] += 1
        if w.size and w[i] != 0.0:
            positive[slot] = True
    return first, count, positive


# --- weights of any size -------------------------------------------------------------------------
# Every estimate is a ratio within a group, and so is its linearised score: multiplying the
# weights of a group by a constant changes no estimate, SE or CI, only the weighted n. The sums
# hold w, w^2 and w^2 (z - mean)^2, which overflow from weights of about 1e154 and lose their
# digits (subnormal numbers, then 0) below about 1e-154. So when a positive weight of the rows
# used lies outside WEIGHT_LOW..WEIGHT_HIGH, each group's weights are multiplied, in the kernels,
# by the power of two that brings the group's largest weight into [0.5, 1) (scales_of): exact,
# since only the exponent changes, so every figure is the one float64 would give for the weights
# as given if its exponent had no limit (a weight below 2^-1074 times its group's largest, whose
# share of any sum is below float64's precision anyway, becomes 0 in the sums; it still counts
# as a weight > 0 for the degrees of freedom and svyvar's n). The weighted n is divided back
# (inf when the sum of the weights is beyond float64). Inside the band the weights are used as
# they are: the same code and bits as without rescaling.

#: Positive weights from WEIGHT_LOW to WEIGHT_HIGH go into the sums unchanged: squared (1e200 at
#: most) and summed over a billion rows (1e209), or squared with a small deviation (1e-200 times
#: 1e-10), they stay far inside float64's normal range (2.2e-308 to 1.8e308).
WEIGHT_LOW = 1e-100
WEIGHT_HIGH = 1e100
#: A largest weight more than this many times the smallest positive one is reported: real
#: survey weights span a few orders of magnitude (trimmed weights rarely more than 1e4), so a
#: trillion-fold span is a column that holds something else, mixed units, or tiny placeholders
#: meant as 0. The estimates are still right: such rows hardly count in the weighted sums.
WEIGHT_SPAN = 1e12


@njit(cache=True)
def _weight_range(w, rows, m):
    low = math.inf
    high = 0.0
    for idx in range(m):
        i = rows[idx] if rows.size else idx
        wi = w[i]
        if wi > 0.0:  # NaN fails too
            if wi < low:
                low = wi
            if wi > high:
                high = wi
    return low, high


def weight_range(w: np.ndarray, rows: np.ndarray, m: int) -> tuple[float, float]:
    """The smallest positive and the largest weight of the m rows used (``rows``, or rows
    0..m-1 when ``rows`` is empty); NaN weights are skipped; (inf, 0) when none is positive."""
    low, high = _weight_range(w, rows, m)
    return float(low), float(high)


def needs_rescaling(low: float, high: float) -> bool:
    """Whether weights from ``low`` to ``high`` (:func:`weight_range`) go into the sums
    rescaled (:func:`group_scales`)."""
    return high > 0.0 and (low < WEIGHT_LOW or high > WEIGHT_HIGH)


def weight_note(low: float, high: float, used: str) -> str | None:
    """The warning for weights from ``low`` to ``high`` (:func:`weight_range`) outside
    WEIGHT_LOW..WEIGHT_HIGH or spanning more than WEIGHT_SPAN, worded for the user (``used``:
    the figures computed from them), or None."""
    if not high > 0.0:
        return None
    notes = []
    if needs_rescaling(low, high):
        notes.append(f"outside {WEIGHT_LOW:g} to {WEIGHT_HIGH:g} their squares would overflow "
                     f"or underflow, so {used} were computed on the weights rescaled by a power "
                     "of two, which changes none of them")
    if high > WEIGHT_SPAN * low:
        notes.append(f"the largest is more than {WEIGHT_SPAN:g} times the smallest nonzero one, "
                     "so the rows with the smallest weights count for almost nothing in the "
                     "weighted figures")
    if not notes:
        return None
    span = f"of {low:.3g}" if low == high else f"from {low:.3g} to {high:.3g}"
    return f"sampling weights {span}: {'; '.join(notes)}. Is the weights column the right one?"


@njit(cache=True)
def _group_max(w, rows, m, codes, offsets, ngroups):
    K = codes.shape[0]
    top = np.zeros(ngroups)
    for idx in range(m):
        i = rows[idx] if rows.size else idx
        wi = w[i]
        if not wi > 0.0:
            continue
        for kk in range(K + 1):
            if kk == 0:
                g = 0
            else:
                c = codes[kk - 1, i]
                if c < 0:
                    continue
                g = offsets[kk - 1] + c
            if wi > top[g]:
                top[g] = wi
    return top


def scales_of(largest: np.ndarray) -> np.ndarray:
    """Per group, the power of two that brings the group's largest weight into [0.5, 1)
    (float64; 1 for a group without a positive weight). The exponent is kept within -1022..1023,
    where the power is a normal float64 and multiplying by it is exact: a group whose weights
    are all below 2^-1023 (subnormal) gets its largest to at least 2^-51, inside the band."""
    _, e = np.frexp(largest)
    return np.ldexp(1.0, np.where(largest > 0, np.clip(-e, -1022, 1023), 0))


def group_largest(w: np.ndarray, rows: np.ndarray, m: int, codes: np.ndarray,
                  offsets: np.ndarray, ngroups: int) -> np.ndarray:
    """The largest weight of each group over the rows used (0: none positive)."""
    return _group_max(w, rows, m, codes, offsets, ngroups)


def group_scales(w: np.ndarray, rows: np.ndarray, m: int, codes: np.ndarray,
                 offsets: np.ndarray, ngroups: int) -> np.ndarray:
    """:func:`scales_of` the largest weight of each group over the rows used."""
    return scales_of(group_largest(w, rows, m, codes, offsets, ngroups))


# --- running kernels on several threads -------------------------------------------------------
#: Below this many rows a kernel runs in the calling thread.
SMALL = 50_000


def _threads() -> int:
    import numba

    return max(1, int(numba.get_num_threads()))


def _run(jobs: list[tuple]) -> None:
    """Run ``(kernel, *args)`` jobs, on threads when there are several (the kernels release
    the GIL)."""
    if len(jobs) == 1:
        kernel, *args = jobs[0]
        kernel(*args)
        return
    with ThreadPoolExecutor(max_workers=min(len(jobs), _threads())) as pool:
        for future in [pool.submit(*job) for job in jobs]:
            future.result()


def _ranges(m: int) -> list[tuple[int, int]]:
    parts = 1 if m < SMALL else _threads()
    size = -(-m // parts) if m else 0
    return [(k * size, min(m, (k + 1) * size)) for k in range(parts)] or [(0, 0)]


def code_rows(z, flagged, oedema, low, high, bins) -> None:
    """Fill ``bins`` (int8[5, n]) from the four z-scores, whether each is flagged (bool; length
    0: flag by WHO's thresholds ``low``/``high``) and oedema (int8, 1 = yes; length 0: none).
    A z-score of length 0 is missing for every row."""
    _run([(_code_rows, a, b, *z, *flagged, oedema, low, high, bins)
          for a, b in _ranges(bins.shape[1])])


def pass1(rows, m, w, wscale, stratum, nstrata, codes, offsets, ngroups, bins, z) -> np.ndarray:
    """Sums per (stratum, group, channel) over ``m`` rows (``rows[:m]``, or rows 0..m-1 when
    ``rows`` is empty); ``stratum`` empty means one stratum. ``wscale`` (float64[ngroups], or empty
    for none): each group's weights are ``w * wscale[g]``, a power of two
    (:func:`group_scales`)."""
    ranges = _ranges(m) if nstrata * ngroups <= 100_000 else [(0, m)]
    part = np.zeros((len(ranges), nstrata, ngroups, NCH))
    _run([(_pass1_rows, rows, a, b, w, wscale, stratum, codes, offsets, bins, *z, part[k])
          for k, (a, b) in enumerate(ranges)])
    return part.sum(axis=0)


def pass2(rows, m, w, wscale, stratum, nstrata, codes, offsets, ngroups, bins, z,
          mean, movable: bool = True) -> np.ndarray:
    """Per (stratum, group, indicator): sum w d, sum w d^2, sum w^2 d^2 with d = z - mean,
    and (``movable``) sum w^2 d, sum w^2, to centre them on another mean."""
    ranges = _ranges(m) if nstrata * ngroups <= 100_000 else [(0, m)]
    part = np.zeros((len(ranges), nstrata, ngroups, NIND, DEV_CH))
    _run([(_pass2_rows, rows, a, b, w, wscale, stratum, codes, offsets, bins, *z, mean, movable,
           part[k]) for k, (a, b) in enumerate(ranges)])
    return part.sum(axis=0)


@dataclass
class Table:
    """Per PSU p, its entries ``start[p] .. start[p] + count[p] - 1``: the group of each entry
    and its PSU_CH sums (see :func:`_psu_rows`). Slots between two PSUs' entries may be unused
    (:meth:`compact` removes them)."""

    start: np.ndarray
    count: np.ndarray
    group: np.ndarray
    sums: np.ndarray

    @property
    def entries(self) -> int:
        return int(self.count.sum())

    def compact(self, ngroups: int) -> Table:
        """The same entries without unused slots."""
        if self.group.size == self.entries:
            return self
        return consolidate(self, [], self.count.size, ngroups)

    def regroup(self, group_of: np.ndarray, factor: np.ndarray | None) -> Table:
        """The table with group g renamed group_of[g], its sums times factor[g] (a power of
        two per group; None: 1). Unused slots hold group 0."""
        sums = self.sums if factor is None else _times(self.sums, factor[self.group][:, None])
        return Table(self.start, self.count, group_of[self.group], sums)


def _times(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return x * f


def _slots(psu_start: np.ndarray, ngroups: int, k: int) -> np.ndarray:
    """Where each PSU's entries start (and, last, the end of the table) when each PSU gets
    room for its most entries: a group per row and grouping, at most every group."""
    bound = np.minimum(ngroups, np.diff(psu_start) * (k + 1))
    slot = np.zeros(psu_start.size, dtype=np.int64)
    np.cumsum(bound, out=slot[1:])
    return slot


def psu_table(order, psu_start, psu_stratum, w, wscale, codes, offsets, bins, z, mean,
              ngroups) -> tuple[Table, np.ndarray]:
    """The entries of every PSU and group with rows in it, and sum w d, sum w d^2 with
    d = z - mean [G, NIND, 2]. Rows ``order`` are sorted by PSU, PSU ``p`` holds
    ``order[psu_start[p]:psu_start[p + 1]]`` and PSUs are sorted by stratum."""
    npsu = psu_start.size - 1
    slot = _slots(psu_start, ngroups, codes.shape[0])
    count = np.zeros(npsu, dtype=np.int64)
    group = np.zeros(int(slot[-1]), dtype=np.int64)  # unused slots: group 0 (see regroup)
    sums = np.empty((int(slot[-1]), PSU_CH))  # pages never written are never allocated
    items = _work_items(psu_stratum, psu_start)
    dev = np.zeros((len(items) - 1, ngroups, NIND, 2))
    _run([(_psu_rows, items[k], items[k + 1], order, psu_start, w, wscale, codes, offsets, bins,
           *z, mean, slot, 0, count, group, sums, dev[k], np.zeros((ngroups, PSU_CH)),
           np.zeros(ngroups, dtype=np.bool_), np.empty(ngroups, dtype=np.int64), True)
          for k in range(len(items) - 1)])
    return Table(slot[:-1], count, group, sums), dev.sum(axis=0)


#: Entries of PSUs made and read at a time when a table's estimates are known (0.6 MB: they
#: stay in the processor's cache).
CHUNK_ENTRIES = 1 << 11


def psu_variance(order, psu_start, psu_stratum, w, wscale, codes, offsets, bins, z, mean, ratio,
                 total) -> tuple[np.ndarray, np.ndarray]:
    """:func:`psu_table` and :func:`table_variance` at once, for a table whose estimates
    (``ratio``, ``total``) are already known: the entries are made and read a chunk at a time,
    never all kept. Returns var [G, NVAR] and the deviation sums [G, NIND, 2]."""
    ngroups = ratio.shape[0]
    npsu = psu_start.size - 1
    slot = _slots(psu_start, ngroups, codes.shape[0])
    count = np.zeros(npsu, dtype=np.int64)
    nh_of = np.bincount(psu_stratum, minlength=int(psu_stratum.max(initial=-1)) + 1)
    psu_order = np.arange(npsu, dtype=np.int64)
    items = _work_items(psu_stratum, psu_start)
    cap = max(CHUNK_ENTRIES, ngroups)
    var = np.zeros((len(items) - 1, ngroups, NVAR))
    dev = np.zeros((len(items) - 1, ngroups, NIND, 2))
    _run([(_psu_variance, items[k], items[k + 1], order, psu_start, psu_order, psu_stratum,
           nh_of.astype(np.int64), w, wscale, codes, offsets, bins, *z, mean, ratio, total, slot,
           cap, count, var[k], dev[k]) for k in range(len(items) - 1)])
    return var.sum(axis=0), dev.sum(axis=0)


def consolidate(kept: Table | None, tables: list[tuple[np.ndarray, Table]], npsu: int,
                ngroups: int) -> Table:
    """One table of ``npsu`` PSUs from ``kept`` (its PSUs stay theirs) and ``(psu, table)``
    pairs (PSU q of the table is PSU ``psu[q]``): the entries of a PSU and group found in
    several are added."""
    if kept is None:
        z = np.zeros(0, dtype=np.int64)
        kept = Table(z, z, z, np.zeros((0, PSU_CH)))
    if not tables:
        tables = [(np.zeros(0, dtype=np.int64), Table(*(np.zeros(0, dtype=np.int64),) * 3,
                                                      np.zeros((0, PSU_CH))))]
    offsets = np.cumsum([0] + [t.group.size for _, t in tables])[:-1]

    def joined(arrays: list[np.ndarray]) -> np.ndarray:
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    return Table(*_consolidate(
        kept.start, kept.count, kept.group, kept.sums,
        joined([np.asarray(p, dtype=np.int64) for p, _ in tables]),
        joined([t.start + o for (_, t), o in zip(tables, offsets, strict=True)]),
        joined([t.count for _, t in tables]), joined([t.group for _, t in tables]),
        joined([t.sums for _, t in tables]), npsu, ngroups))


def table_variance(table: Table, psu_stratum: np.ndarray, psu_rows: np.ndarray, ratio, total
                   ) -> np.ndarray:
    """var[g, v] of every estimate of a clustered design from its PSU table; ``psu_stratum``
    and ``psu_rows``: each PSU's stratum and rows (to share the work between threads)."""
    ngroups = ratio.shape[0]
    if psu_stratum.size > 1 and (np.diff(psu_stratum) < 0).any():
        psu_order = np.argsort(psu_stratum, kind="stable").astype(np.int64)
    else:
        psu_order = np.arange(psu_stratum.size, dtype=np.int64)
    start = np.zeros(psu_stratum.size + 1, dtype=np.int64)
    np.cumsum(psu_rows[psu_order], out=start[1:])
    items = _work_items(psu_stratum[psu_order], start)
    nh_of = np.bincount(psu_stratum, minlength=int(psu_stratum.max(initial=-1)) + 1)
    part = np.zeros((len(items) - 1, ngroups, NVAR))

    def job(k: int) -> None:
        _table_strata(items[k], items[k + 1], items[k + 1], psu_order, psu_stratum,
                      nh_of.astype(np.int64), table.start, 0, table.count, table.group,
                      table.sums, ratio, total, part[k], np.zeros(ngroups),
                      np.zeros((ngroups, NVAR)), np.zeros((ngroups, NVAR)),
                      np.zeros(ngroups, dtype=np.bool_), np.empty(ngroups, dtype=np.int64),
                      np.zeros(1, dtype=np.int64))

    _run([(job, k) for k in range(len(items) - 1)])
    return part.sum(axis=0)


def _work_items(psu_stratum: np.ndarray, start: np.ndarray) -> np.ndarray:
    """PSU ranges for the threads, cut at stratum boundaries, about equal in rows."""
    if start[-1] < SMALL:
        return np.array([0, psu_stratum.size], dtype=np.int64)
    firsts = np.concatenate(([0], np.flatnonzero(np.diff(psu_stratum)) + 1))
    nitems = max(1, min(firsts.size, _threads() * 4))
    targets = np.linspace(0, start[-1], nitems + 1)[1:-1]
    at = np.searchsorted(start[firsts], targets)  # the first stratum starting at a target
    cuts = firsts[at[at < firsts.size]]
    return np.unique(np.concatenate(([0], cuts, [psu_stratum.size]))).astype(np.int64)


# --- the estimates --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Design:
    """How the rows of one table (or part of one) were sampled, after WHO's row exclusions.

    ``method``: ``"simple"`` (no design), ``"hybrid"`` (weights only) or ``"survey"``.
    ``rows``: the rows used (int64; empty: rows 0..nrows-1). ``stratum``: dense stratum codes
    (empty: one stratum). ``psu``: dense PSU codes numbered stratum by stratum (empty: every row
    is its own PSU). ``df_prevalence``/``df_mean``: degrees of freedom of the t quantile of the
    CIs. ``lonely_strata``: strata with a single PSU.
    """

    method: str
    weights: np.ndarray
    rows: np.ndarray
    nrows: int
    stratum: np.ndarray
    nstrata: int
    psu: np.ndarray
    npsu: int
    psu_stratum: np.ndarray
    df_prevalence: float
    df_mean: float
    lonely_strata: int


@dataclass(frozen=True)
class Estimates:
    """Per group: ``pop``/``unwpop`` [G, 5] (HA, WA, BMI, WH, combined), ``r``/``se``/``ll``/
    ``ul`` [G, NVAR] (prevalences in percent, means in z) and ``sd`` [G, 4]."""

    pop: np.ndarray
    unwpop: np.ndarray
    r: np.ndarray
    se: np.ndarray
    ll: np.ndarray
    ul: np.ndarray
    sd: np.ndarray

    def take(self, rows: np.ndarray) -> Estimates:
        """The estimates of groups ``rows`` in that order."""
        return Estimates(*(getattr(self, f)[rows] for f in
                           ("pop", "unwpop", "r", "se", "ll", "ul", "sd")))


def _cut_matrix() -> np.ndarray:
    return CUT_BINS.astype(np.float64)


# --- mergeable sums ---------------------------------------------------------------------------
#: The power of the weights in each channel of the per-(stratum, group) sums (0: a count), of
#: the deviations (``DEV_CH``) and of the PSU entries (all 1): sums kept for weights multiplied
#: by 2^k are brought to 2^k' by multiplying each channel by 2^((k' - k) * power), exactly.
S1_POWER = np.zeros(NCH, dtype=np.int64)
for _j in range(NIND):
    S1_POWER[_j * IND_CH: _j * IND_CH + NBIN] = 1
    S1_POWER[_j * IND_CH + C_W2: _j * IND_CH + C_W2 + NBIN] = 2
    S1_POWER[_j * IND_CH + C_WZ] = 1
    S1_POWER[_j * IND_CH + C_WZW] = 1
S1_POWER[COMB_CH: COMB_CH + 3] = 1
S1_POWER[COMB_CH + 3: COMB_CH + 6] = 2
DEV_POWER = np.array([1, 1, 2, 2, 2])


def scale_channels(x: np.ndarray, factor: np.ndarray, power: np.ndarray, axis: int) -> np.ndarray:
    """``x`` with its weights multiplied by ``factor`` (a power of two per group, along
    ``axis``): each channel (last axis) times factor^power, one factor at a time (exact)."""
    shape = [1] * x.ndim
    shape[axis] = factor.size
    f = factor.reshape(shape)
    out = x
    for p in range(1, int(power.max(initial=0)) + 1):
        mask = (power >= p).astype(np.float64)  # channels of at least this power
        out = _times(out, np.where(mask > 0, f, 1.0))
    return out


@dataclass
class Sums:
    """The sums one standard's table needs, over the rows of the parts added so far; they add
    up over parts (:meth:`merge`, with the groups, strata and PSUs of both renumbered into one
    set by the caller). ``s1`` [S, G, NCH]: per stratum when the rows are the PSUs (``dev`` then
    holds [S, G, NIND, DEV_CH]), else one stratum; ``table`` and ``devsq`` [G, NIND, 2]: the
    PSU entries of a clustered design. ``dev`` and ``devsq`` are centred on ``ref`` [G, NIND]
    (a part's own means: exact two-pass sums within the part, moved to the common mean at the
    end, Chan et al.'s update). ``wscale`` [G] (empty: none): the power of two each group's
    weights were multiplied by (see "weights of any size")."""

    s1: np.ndarray
    ref: np.ndarray
    dev: np.ndarray | None
    devsq: np.ndarray | None
    table: Table | None
    wscale: np.ndarray
    #: the clustered variance itself, for a part that is the whole table (:func:`part_sums`
    #: with ``whole``): its entries were read as they were made, none kept; not mergeable
    var: np.ndarray | None = None
    #: tables of parts merged since ``table`` was last consolidated, as (PSU of each of their
    #: PSUs in ``table``'s numbering, table) (:func:`consolidate` adds them in, once)
    pending: list = field(default_factory=list)

    def consolidated(self, npsu: int) -> Sums:
        """The same sums with every pending table added into ``table``."""
        if not self.pending and (self.table is None or self.table.group.size
                                 == self.table.entries):
            return self
        table = consolidate(self.table, self.pending, npsu, self.ngroups)
        return replace(self, table=table, pending=[])

    @property
    def ngroups(self) -> int:
        return self.s1.shape[1]

    def totals(self) -> np.ndarray:
        return self.s1[0] if self.s1.shape[0] == 1 else self.s1.sum(axis=0)

    def nbytes(self) -> int:
        n = self.s1.nbytes + self.ref.nbytes + self.wscale.nbytes
        for x in (self.dev, self.devsq):
            n += 0 if x is None else x.nbytes
        for t in ([] if self.table is None else [self.table]) + [t for _, t in self.pending]:
            n += t.start.nbytes + t.count.nbytes + t.entries * (8 + PSU_CH * 8)
        return n


def group_means(tot: np.ndarray) -> np.ndarray:
    """Mean z per group and indicator [G, NIND] from the totals; 0 where there is none."""
    ind = tot[:, : NIND * IND_CH].reshape(tot.shape[0], NIND, IND_CH)
    with np.errstate(invalid="ignore", divide="ignore"):
        zmean = ind[:, :, C_WZ] / ind[:, :, C_WZW]
    return np.where(np.isfinite(zmean), zmean, 0.0)


def part_sums(design: Design, bins, z, codes, offsets, ngroups, wscale, *, by_stratum: bool,
              clustered: bool, whole: bool = False) -> Sums:
    """The sums of one part (:class:`Sums`): per stratum (``by_stratum``: the rows may be the
    PSUs) and the PSU entries (``clustered``; ``design.psu`` gives the PSUs). ``whole``: the
    part is the whole table, so its estimates are final and the clustered variance is computed
    as the entries are made (:func:`psu_variance`) instead of keeping them."""
    w, m, rows = design.weights, design.nrows, design.rows
    stratum = design.stratum if by_stratum else np.empty(0, dtype=np.int64)
    nstrata = design.nstrata if by_stratum else 1
    s1 = pass1(rows, m, w, wscale, stratum, nstrata, codes, offsets, ngroups, bins, z)
    ref = group_means(s1.sum(axis=0))
    dev = devsq = table = None
    if by_stratum:
        dev = pass2(rows, m, w, wscale, stratum, nstrata, codes, offsets, ngroups, bins, z, ref,
                    movable=not whole)
    var = None
    if clustered:
        order, start = order_by_code(design.psu, design.npsu, rows, m)
        if whole:
            ratio, total = _ratios(s1.sum(axis=0), ngroups)
            var, devsq = psu_variance(order, start, design.psu_stratum, w, wscale, codes,
                                      offsets, bins, z, ref, ratio, total)
        else:
            table, devsq = psu_table(order, start, design.psu_stratum, w, wscale, codes,
                                     offsets, bins, z, ref, ngroups)
    return Sums(s1, ref, dev, devsq, table, wscale, var)


def moved(dev: np.ndarray, weight: np.ndarray, square: np.ndarray | None, delta: np.ndarray
          ) -> np.ndarray:
    """Deviation sums (channels as in DEV_CH: sum w d, sum w d^2, then with ``square`` the
    w^2 ones) centred on another mean: d' = d + delta (delta = old mean - new mean; 0 where
    the group has no weight, so nothing changes there)."""
    delta = np.where(weight > 0, delta, 0.0)
    if not delta.any():
        return dev
    out = dev.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        out[..., 0] = dev[..., 0] + delta * weight
        out[..., 1] = dev[..., 1] + 2.0 * delta * dev[..., 0] + delta * delta * weight
        if square is not None:
            out[..., 2] = dev[..., 2] + 2.0 * delta * dev[..., 3] + delta * delta * square
            out[..., 3] = dev[..., 3] + delta * square
    return out


def z_weights(s1: np.ndarray) -> np.ndarray:
    """Sum of the weights of the rows with a z-score [..., G, NIND] from the sums."""
    return np.stack([s1[..., j * IND_CH + C_WZW] for j in range(NIND)], axis=-1)


def estimates(sums: Sums, method: str, df_prevalence: float, df_mean: float,
              stratum_rows: np.ndarray | None, psu_stratum: np.ndarray | None,
              psu_rows: np.ndarray | None) -> Estimates:
    """Every WHO estimate for every group from the sums. Without a PSU table the rows are the
    PSUs: ``stratum_rows`` gives each stratum's rows; with one, ``psu_stratum`` and ``psu_rows``
    each PSU's stratum and rows."""
    ngroups = sums.ngroups
    tot = sums.totals()
    ratio, total = _ratios(tot, ngroups)
    mean = group_means(tot)
    if sums.var is not None:  # a whole table's, computed as its entries were made
        var = sums.var
        devsq = moved(sums.devsq, z_weights(tot), None, sums.ref - mean)[:, :, 1]
    elif sums.table is None:
        wz = z_weights(sums.s1)  # [S, G, NIND]
        dev = moved(sums.dev, wz, sums.dev[..., 4], sums.ref - mean)
        var = _row_psu_variance(stratum_rows.astype(np.float64), sums.s1, dev, ratio, total,
                                ngroups)
        devsq = dev.sum(axis=0)[:, :, 1]
    else:
        var = table_variance(sums.table, psu_stratum, psu_rows, ratio, total)
        devsq = moved(sums.devsq, z_weights(tot), None, sums.ref - mean)[:, :, 1]
    est = _finish(method, df_prevalence, df_mean, tot, devsq, ratio, total, var)
    if sums.wscale.size:  # the weighted n back on the scale of the weights (inf beyond float64's)
        with np.errstate(over="ignore"):
            est.pop[...] = est.pop / sums.wscale[:, None]
    return est


def _ratios(tot: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    cut = _cut_matrix()
    with np.errstate(invalid="ignore", divide="ignore"):
        ind = tot[:, : NIND * IND_CH].reshape(ngroups, NIND, IND_CH)
        wclass = ind[:, :, :NBIN]
        wall = wclass.sum(axis=2)  # [G, 4] weighted n
        wcut = wclass @ cut.T  # [G, 4, 6]
        zw = ind[:, :, C_WZW]
        zmean = ind[:, :, C_WZ] / zw
        comb = tot[:, COMB_CH: COMB_CH + 3]
        comb_all = comb.sum(axis=1)

        ratio = np.full((ngroups, NVAR), np.nan)
        total = np.zeros((ngroups, NVAR))
        for j in range(NIND):
            sl = slice(j * PER_IND, j * PER_IND + NCUT)
            ratio[:, sl] = wcut[:, j] / wall[:, j, None]
            total[:, sl] = wall[:, j, None]
            ratio[:, j * PER_IND + NCUT] = zmean[:, j]
            total[:, j * PER_IND + NCUT] = zw[:, j]
        ratio[:, V_COMBINED] = comb[:, 0] / comb_all
        ratio[:, V_COMBINED + 1] = comb[:, 1] / comb_all
        total[:, V_COMBINED: V_COMBINED + 2] = comb_all[:, None]
    return ratio, total


#: Bytes of per-(stratum, group) sums above which a design whose rows are its PSUs goes through
#: the clustered pass instead (one PSU per row).
MAX_STRATUM_SUMS = 1 << 28


def rows_as_psus(design: Design) -> Design:
    """The same design with every row used given its own PSU code, numbered stratum by
    stratum."""
    stratum = design.stratum if design.stratum.size else np.zeros(design.weights.size,
                                                                   dtype=np.int64)
    by_stratum = rows_by_stratum(design)
    psu = np.full(stratum.size, -1, dtype=np.int64)
    psu[by_stratum] = np.arange(by_stratum.size)
    return replace(design, psu=psu, npsu=int(by_stratum.size),
                   psu_stratum=stratum[by_stratum])


def _row_psu_variance(nh_all, acc, dev, ratio, total, ngroups) -> np.ndarray:
    """var[g, v] when every row is its own PSU: per stratum, sum t^2 and sum t in closed form
    (``nh_all``: the rows of each stratum)."""
    cut = _cut_matrix()
    var = np.zeros((ngroups, NVAR))
    with np.errstate(invalid="ignore", divide="ignore"):
        for h in range(acc.shape[0]):
            a = acc[h]
            n = nh_all[h]
            if n == 0:
                continue
            st = np.zeros((ngroups, NVAR))  # sum of t
            st2 = np.zeros((ngroups, NVAR))  # sum of t^2
            for j in range(NIND):
                base = j * IND_CH
                wc = a[:, base: base + NBIN]
                qc = a[:, base + C_W2: base + C_W2 + NBIN]
                s = wc @ cut.T  # [G, 6] weight with the condition
                wsum = wc.sum(axis=1, keepdims=True)
                q1 = qc @ cut.T  # sum w^2 with the condition, and without it
                q0 = qc @ (1.0 - cut).T
                sl = slice(j * PER_IND, j * PER_IND + NCUT)
                r = ratio[:, sl]
                tt = total[:, sl]
                st[:, sl] = (s - r * wsum) / tt
                st2[:, sl] = ((1.0 - r) ** 2 * q1 + r**2 * q0) / tt**2
                v = j * PER_IND + NCUT
                st[:, v] = dev[h, :, j, 0] / total[:, v]
                st2[:, v] = dev[h, :, j, 2] / total[:, v] ** 2
            cw = a[:, COMB_CH: COMB_CH + 3]
            cq = a[:, COMB_CH + 3: COMB_CH + 6]
            for k in range(2):
                v = V_COMBINED + k
                r = ratio[:, v]
                q1 = cq[:, k]
                q0 = cq.sum(axis=1) - q1
                st[:, v] = (cw[:, k] - r * cw.sum(axis=1)) / total[:, v]
                st2[:, v] = ((1.0 - r) ** 2 * q1 + r**2 * q0) / total[:, v] ** 2
            st = np.where(total > 0, st, 0.0)
            st2 = np.where(total > 0, st2, 0.0)
            if n > 1:
                var += n / (n - 1.0) * (st2 - st * st / n)
            else:
                var += st * st  # a lonely PSU, "adjust"
    return var


def _finish(method: str, df_prevalence: float, df_mean: float, tot, devsq, ratio, total, var
            ) -> Estimates:
    ngroups = tot.shape[0]
    pop = np.zeros((ngroups, NIND + 1))
    unwpop = np.zeros((ngroups, NIND + 1))
    for j in range(NIND):
        base = j * IND_CH
        pop[:, j] = tot[:, base: base + NBIN].sum(axis=1)
        unwpop[:, j] = tot[:, base + C_N]
    pop[:, NIND] = tot[:, COMB_CH: COMB_CH + 3].sum(axis=1)
    unwpop[:, NIND] = tot[:, COMB_CH + 6]

    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(total > 0, ratio, np.nan)
        se = np.sqrt(np.where(total > 0, np.maximum(var, 0.0), np.nan))
        is_prev = np.ones(NVAR, dtype=bool)
        is_prev[NCUT::PER_IND][:NIND] = False
        tq_prev = _t_quantile(df_prevalence)
        tq_mean = _t_quantile(df_mean)
        ll = np.full_like(r, np.nan)
        ul = np.full_like(r, np.nan)
        # prevalences: Wald interval on the logit scale (svyciprop(method = "logit"))
        from scipy import special  # lazily: scipy.special/stats cost ~0.5 s at import zscore

        p = r[:, is_prev]
        half = tq_prev * se[:, is_prev] / (p * (1.0 - p))
        lo = special.expit(special.logit(p) - half)
        hi = special.expit(special.logit(p) + half)
        lo = np.where(p == 0.0, 0.0, np.where(p == 1.0, 1.0, lo))
        hi = np.where(p == 0.0, 0.0, np.where(p == 1.0, 1.0, hi))
        ll[:, is_prev] = lo
        ul[:, is_prev] = hi
        # means: mean +- t * se
        ll[:, ~is_prev] = r[:, ~is_prev] - tq_mean * se[:, ~is_prev]
        ul[:, ~is_prev] = r[:, ~is_prev] + tq_mean * se[:, ~is_prev]
        for arr in (r, se, ll, ul):
            arr[:, is_prev] *= 100.0

        # SD of z: sqrt(sum w d^2 / sum w * n / (n - 1))
        zw = np.stack([tot[:, j * IND_CH + C_WZW] for j in range(NIND)], axis=1)
        if method == "survey":
            n = np.repeat(tot[:, C_POS, None], NIND, axis=1)  # svyvar: rows with weight > 0
        else:
            n = np.stack([tot[:, j * IND_CH + C_NZ] for j in range(NIND)], axis=1)
        sd = np.sqrt(devsq / zw * n / (n - 1.0))
        sd = np.where((n > 1) & (zw > 0), sd, np.nan)
    return Estimates(pop, unwpop, r, se, ll, ul, sd)


def _t_quantile(df: float) -> float:
    if not df > 0:
        return math.nan
    from scipy import stats

    return float(stats.t.ppf(0.975, df))


def rows_by_stratum(design: Design) -> np.ndarray:
    """The rows used ordered by stratum (stable): the rows of :func:`rows_as_psus`'s PSUs."""
    rows = design.rows if design.rows.size else np.arange(design.nrows)
    stratum = design.stratum if design.stratum.size else np.zeros(design.weights.size,
                                                                   dtype=np.int64)
    return rows[np.argsort(stratum[rows], kind="stable")]
