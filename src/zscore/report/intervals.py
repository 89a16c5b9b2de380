"""The league table's intervals and marks: Wilson and exact (Clopper-Pearson) intervals for
registers without a survey design, and how a group compares with the whole and a target.

Every formula, with its source, is in docs/report.md:

* Wilson (1927) score interval, the interval Brown, Cai & DasGupta (2001) recommend for a
  binomial proportion with small n: centre ``(x + z²/2) / (n + z²)``, half-width
  ``z / (n + z²) * sqrt(x (n - x) / n + z² / 4)``, z = 1.959964 (95 %).
* At x = 0 (and x = n) the exact Clopper-Pearson (1934) bound: with no stunted child among
  n, the true prevalence is below ``1 - 0.025^(1/n)`` with 97.5 % confidence (the upper end of
  the two-sided 95 % exact interval); 0 of 37 gives 9.49 %.
"""

from __future__ import annotations

import math

import numpy as np

#: The 97.5 % point of the standard normal distribution (two-sided 95 % intervals).
Z_975 = 1.959963984540054
#: One-sided level of the exact bound at 0 (or n) events: 2.5 %, the tail of a 95 % interval.
ALPHA_TAIL = 0.025


def wilson(x: np.ndarray, n: np.ndarray, z: float = Z_975) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval of x events in n, in percent (NaN where n is 0)."""
    x = np.asarray(x, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        z2 = z * z
        centre = (x + z2 / 2) / (n + z2)
        half = z / (n + z2) * np.sqrt(np.maximum(x * (n - x) / n, 0.0) + z2 / 4)
        low, high = centre - half, centre + half
    ok = n > 0
    return (np.where(ok, np.clip(low, 0, 1) * 100, np.nan),
            np.where(ok, np.clip(high, 0, 1) * 100, np.nan))


def exact_upper_at_zero(n: np.ndarray | int) -> np.ndarray:
    """Clopper-Pearson upper bound, in percent, when none of n has the condition:
    ``1 - 0.025^(1/n)`` (NaN where n is 0)."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (1.0 - np.power(ALPHA_TAIL, 1.0 / n)) * 100
    return np.where(n > 0, out, np.nan)


def register_interval(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The interval of a register without a design: Wilson, and the exact bound where x is 0
    (upper) or n (lower)."""
    x = np.asarray(x, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    low, high = wilson(x, n)
    zero = (x == 0) & (n > 0)
    full = (x == n) & (n > 0)
    high = np.where(zero, exact_upper_at_zero(n), high)
    low = np.where(zero, 0.0, low)
    low = np.where(full, 100.0 - exact_upper_at_zero(n), low)
    high = np.where(full, 100.0, high)
    return low, high


#: Marks of a group against the whole.
SAME, HIGHER, LOWER, UNKNOWN = "same", "higher", "lower", "unknown"
#: Marks against a target.
ABOVE, BELOW, CANNOT_TELL = "above", "below", "cannot_tell"


def versus_overall(low: float, high: float, overall: float) -> str:
    """``same`` (not distinguishable) when the group's interval holds the overall estimate,
    else ``higher`` or ``lower``; ``unknown`` without an interval."""
    if any(map(math.isnan, (low, high, overall))):
        return UNKNOWN
    if low <= overall <= high:
        return SAME
    return HIGHER if low > overall else LOWER


def versus_target(low: float, high: float, target: float) -> str:
    """``above`` when the whole interval is above the target, ``below`` when it is below,
    else ``cannot_tell``."""
    if math.isnan(low) or math.isnan(high):
        return CANNOT_TELL
    if low > target:
        return ABOVE
    if high < target:
        return BELOW
    return CANNOT_TELL
