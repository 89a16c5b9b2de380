"""A column of text labels held as small integer codes: what ``classify`` returns for the
categories, ``cmeasure``, ``reason`` and ``standard`` when it returns numpy arrays
(``data=None`` or a dict), instead of an object array with one Python reference per row.

A row reads as its label (a ``str``) or None; the column compares with a label row by row
(``labels == "stunted"`` is a boolean numpy array, computed on the codes), and numpy, pandas and
pyarrow see it as the object array it stands for (``np.asarray(labels)``), built the first time
it is asked for and kept. See docs/api.md ("Output").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np


class Labels:
    """Text labels by row: ``codes`` (integers, -1 missing) into ``categories``.

    Parameters
    ----------
    codes : numpy array of integers
        Per row, the position of its label in ``categories``, or -1 when the row has none.
    categories : sequence of str
        The distinct labels.

    Examples
    --------
    >>> import numpy as np
    >>> from zscore.labels import Labels
    >>> s = Labels(np.array([0, 1, -1], dtype=np.int8), ("normal", "stunted"))
    >>> s[1], s[2], s.tolist()
    ('stunted', None, ['normal', 'stunted', None])
    >>> (s == "stunted").tolist(), int((s != "normal").sum())
    ([False, True, False], 2)
    >>> np.asarray(s)
    array(['normal', 'stunted', None], dtype=object)
    """

    __slots__ = ("_array", "categories", "codes")
    #: numpy: this object's operators win over an array's (``array == labels`` compares labels)
    __array_priority__ = 1000

    def __init__(self, codes: np.ndarray, categories: Sequence[str]) -> None:
        self.codes = np.asarray(codes)
        if self.codes.ndim != 1:
            raise ValueError("Labels: codes must be 1-dimensional")
        self.categories = tuple(categories)
        self._array: np.ndarray | None = None

    # --- what an array has --------------------------------------------------------------------
    @property
    def dtype(self) -> np.dtype:
        """object: the type of ``np.asarray(labels)``, as for the object arrays of earlier
        versions."""
        return np.dtype(object)

    @property
    def shape(self) -> tuple[int]:
        return self.codes.shape

    @property
    def ndim(self) -> int:
        return 1

    @property
    def size(self) -> int:
        return self.codes.size

    def __len__(self) -> int:
        return self.codes.size

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if self._array is None:
            lookup = np.empty(len(self.categories) + 1, dtype=object)
            lookup[:-1] = self.categories
            self._array = lookup[self.codes]  # code -1 picks the trailing None
        if dtype is not None and np.dtype(dtype) != np.dtype(object):
            return self._array.astype(dtype)
        return self._array.copy() if copy else self._array

    def to_numpy(self) -> np.ndarray:
        """The object array of labels (None where missing)."""
        return self.__array__()

    def astype(self, dtype: Any) -> np.ndarray:
        return self.__array__(dtype)

    def tolist(self) -> list[str | None]:
        table = [*self.categories, None]
        return [table[c] for c in self.codes.tolist()]

    def __iter__(self) -> Iterator[str | None]:
        return iter(self.tolist())

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | np.integer):
            code = int(self.codes[key])
            return self.categories[code] if code >= 0 else None
        if isinstance(key, Labels):
            key = np.asarray(key)
        return Labels(self.codes[key], self.categories)

    def copy(self) -> Labels:
        return Labels(self.codes.copy(), self.categories)

    # --- comparisons on the codes -------------------------------------------------------------
    def _code_of(self, label: Any) -> int | None:
        try:
            return self.categories.index(label)
        except ValueError:
            return None

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        if other is None:
            return self.codes < 0
        if isinstance(other, str):
            code = self._code_of(other)
            return self.codes == code if code is not None else np.zeros(self.size, dtype=bool)
        if isinstance(other, Labels):
            other = np.asarray(other)
        return np.asarray(self) == other

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return ~np.asarray(self.__eq__(other), dtype=bool)

    __hash__ = None  # type: ignore[assignment]  (mutable, compared row by row, as arrays)

    def isin(self, values: Sequence[Any]) -> np.ndarray:
        """Rows whose label is one of ``values`` (None for missing rows)."""
        codes = [self._code_of(v) for v in values if v is not None]
        out = np.isin(self.codes, [c for c in codes if c is not None])
        return out | (self.codes < 0) if any(v is None for v in values) else out

    def isna(self) -> np.ndarray:
        """Rows without a label."""
        return self.codes < 0

    def counts(self) -> dict[str | None, int]:
        """Rows per label (and None for missing), in the order of ``categories``."""
        tally = np.bincount(self.codes.astype(np.int64) + 1, minlength=len(self.categories) + 1)
        out = {lab: int(n) for lab, n in zip(self.categories, tally[1:], strict=True)}
        out[None] = int(tally[0])
        return out

    # --- other libraries ----------------------------------------------------------------------
    def to_pandas(self) -> Any:
        """A pandas Categorical with the same labels (no per-row objects)."""
        import pandas as pd

        return pd.Categorical.from_codes(self.codes,
                                         categories=pd.Index(self.categories, dtype=object))

    def __arrow_array__(self, type: Any = None) -> Any:
        """``pyarrow.array(labels)``: a dictionary array (no per-row objects)."""
        import pyarrow as pa

        codes = pa.array(self.codes, mask=self.codes < 0)
        return pa.DictionaryArray.from_arrays(codes, pa.array(self.categories, type=pa.string()))

    def __repr__(self) -> str:
        shown = self.tolist() if self.size <= 10 else [*self[:5].tolist(), "...",
                                                       *self[-5:].tolist()]
        return f"Labels({shown}, categories={list(self.categories)})"

    def __reduce__(self) -> tuple:
        return Labels, (self.codes, self.categories)
