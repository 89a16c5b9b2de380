"""Pieces shared by the mergeable accumulators of :mod:`zscore.prevalence` and
:mod:`zscore.quality`: value registries that give the same id to the same value in every part,
exact power-of-two rescaling of weighted sums, and Chan/Pébay merges of moments.

An accumulator takes a table in parts (``add``), from any number of places (``merge``), and
gives at the end (``result``) what the in-memory function gives on all the rows; its state is
sums whose size grows with groups, strata and PSUs, never with rows (docs/scale.md).
"""

from __future__ import annotations

import numbers
import pickle
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def key(value: Any) -> Any:
    """A value as a key shared by every part: numbers (but not booleans) as float, numpy
    scalars as Python values, text as it is."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


class Keys:
    """Distinct values (float64 numbers, or any hashable keys), each with its id (its
    position, in the order first seen)."""

    def __init__(self, values: Sequence[Any] = ()) -> None:
        self.values: Any = values if isinstance(values, np.ndarray) else list(values)

    def __len__(self) -> int:
        return len(self.values)

    def ids(self, values: Sequence[Any]) -> np.ndarray:
        """The id of each of ``values`` (distinct), registering the new ones in their order."""
        if not len(self.values):
            self.values = values if isinstance(values, np.ndarray) else list(values)
            return np.arange(len(values), dtype=np.int64)
        if not len(values):
            return np.zeros(0, dtype=np.int64)
        import pandas as pd

        both_numbers = isinstance(self.values, np.ndarray) and isinstance(values, np.ndarray)
        kind = None if both_numbers else object
        found = pd.Index(self.values, dtype=kind).get_indexer(pd.Index(values, dtype=kind))
        new = np.flatnonzero(found < 0)
        found[new] = len(self.values) + np.arange(new.size)
        if new.size:
            if both_numbers:
                self.values = np.concatenate([self.values, values[new]])
            else:
                self.values = list(self.values) + [values[i] for i in new]
        return found.astype(np.int64)


class IntKeys:
    """Distinct int64 values (pairs of ids packed in one), each with its id in the order first
    seen."""

    def __init__(self, values: np.ndarray | None = None) -> None:
        self.values = np.zeros(0, dtype=np.int64) if values is None else values

    def __len__(self) -> int:
        return int(self.values.size)

    def ids(self, values: np.ndarray) -> np.ndarray:
        """The id of each of ``values`` (distinct), registering the new ones in their order."""
        if not self.values.size:
            self.values = np.asarray(values, dtype=np.int64)
            return np.arange(self.values.size, dtype=np.int64)
        if not values.size:
            return np.zeros(0, dtype=np.int64)
        import pandas as pd

        found = pd.Index(self.values).get_indexer(pd.Index(values))
        new = np.flatnonzero(found < 0)
        found[new] = self.values.size + np.arange(new.size)
        self.values = np.concatenate([self.values, np.asarray(values, dtype=np.int64)[new]])
        return found.astype(np.int64)


LOW31 = (1 << 31) - 1


def pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two non-negative ids (below 2^31) as one int64: ``a << 31 | b`` (``>> 31`` and
    ``& LOW31`` give them back)."""
    return (np.asarray(a, dtype=np.int64) << 31) | np.asarray(b, dtype=np.int64)


def grow(x: np.ndarray, size: int, axis: int) -> np.ndarray:
    """``x`` padded with zeros along ``axis`` to ``size``."""
    if x.shape[axis] >= size:
        return x
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, size - x.shape[axis])
    return np.pad(x, pad)


def add_at(out: np.ndarray, rows: np.ndarray, cols: np.ndarray, x: np.ndarray) -> None:
    """out[rows[i], cols[j], ...] += x[i, j, ...] for distinct rows and distinct cols."""
    if x.size:
        out[np.ix_(rows, cols)] += x


# --- moments: Chan et al. / Pébay -----------------------------------------------------------
def merge_moments(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """n, mean and the sums of the 2nd, 3rd and 4th powers of the deviations from the mean
    (M2, M3, M4) of two sets of values, from each set's own (Pébay 2008, eq. 3.1 and the
    formulas of Chan, Golub & LeVeque 1979 for M2). NaN means where n is 0 are left out."""
    na, ma, m2a, m3a, m4a = a
    nb, mb, m2b, m3b, m4b = b
    n = na + nb
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.where((na > 0) & (nb > 0), mb - ma, 0.0)
        share_b = np.where(n > 0, nb / np.where(n > 0, n, 1.0), 0.0)
        mean = np.where(na > 0, ma, 0.0) + delta * share_b
        mean = np.where(nb > 0, np.where(na > 0, mean, mb), mean)
        mean = np.where(n > 0, mean, np.nan)
        prod = na * nb
        inv = np.where(n > 0, 1.0 / np.where(n > 0, n, 1.0), 0.0)
        d2 = delta * delta
        m2 = m2a + m2b + d2 * prod * inv
        m3 = (m3a + m3b + d2 * delta * prod * (na - nb) * inv * inv
              + 3.0 * delta * (na * m2b - nb * m2a) * inv)
        m4 = (m4a + m4b + d2 * d2 * prod * (na * na - prod + nb * nb) * inv ** 3
              + 6.0 * d2 * (na * na * m2b + nb * nb * m2a) * inv * inv
              + 4.0 * delta * (na * m3b - nb * m3a) * inv)
    pick = (na > 0) & (nb > 0)  # one side empty: the other's figures unchanged (bits too)
    only_a = na > 0
    out = []
    for both, xa, xb in ((m2, m2a, m2b), (m3, m3a, m3b), (m4, m4a, m4b)):
        out.append(np.where(pick, both, np.where(only_a, xa, xb)))
    return (n, mean, *out)


# --- sizes ------------------------------------------------------------------------------------
def pickled_size(obj: Any) -> int:
    """Bytes of ``obj`` pickled (what a Dask worker sends)."""
    return len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def tree_merge(accumulators: Iterable[Any]) -> Any:
    """Merge accumulators pairwise, in order (a[0] + a[1], a[2] + a[3], ...), as a reduction
    tree over Dask partitions does; the first of each pair is kept."""
    items = list(accumulators)
    if not items:
        raise ValueError("no accumulator to merge")
    while len(items) > 1:
        items = [items[i].merge(items[i + 1]) if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]
