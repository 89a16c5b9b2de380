"""Tables in and out: pandas, polars, pyarrow and dicts of arrays.

Input: :func:`table_columns` gives the column names and a getter for any supported table.
Output: :func:`attach` appends the computed columns to a table of the caller's kind without
touching its rows, order, index or other columns. Columns travel as :class:`Column`: plain
numpy arrays plus the kind of values they hold, so each library gets its own missing-value
representation (nullable integers, categoricals) without copying the numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


class InputError(ValueError):
    """A structural problem with the input: a missing column, mismatched lengths, a bad option."""


@dataclass(frozen=True)
class Column:
    """An output column.

    kind: ``"float"`` (NaN = missing); ``"int"`` (no missing); ``"nullable"`` (int8, -1 = missing);
    ``"category"`` (integer codes into ``labels``, -1 = missing).
    """

    name: str
    kind: str
    values: np.ndarray
    labels: tuple[str, ...] = ()


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def table_columns(data: Any) -> tuple[list[str], Callable[[str], Any], int]:
    """Names, a column getter and the row count of a supported table."""
    mod = _module(data)
    if mod == "pandas" and hasattr(data, "columns") and hasattr(data, "index"):

        def column(name: str) -> Any:
            values = data[name]
            if values.ndim != 1:  # a repeated column name selects several columns
                raise InputError(f"column {name!r} appears {values.shape[1]} times in the table")
            return values

        return [str(c) for c in data.columns], column, len(data)
    if mod == "polars" and hasattr(data, "get_column"):
        return list(data.columns), data.get_column, data.height
    if mod == "pyarrow" and hasattr(data, "column_names"):

        def arrow_column(name: str) -> Any:
            count = data.column_names.count(name)
            if count > 1:
                raise InputError(f"column {name!r} appears {count} times in the table")
            return data.column(name)

        return list(data.column_names), arrow_column, data.num_rows
    if isinstance(data, Mapping):
        lengths = {len(np.atleast_1d(np.asarray(v, dtype=object))) for v in data.values()} or {0}
        if len(lengths) > 1:
            raise InputError(f"the columns of the dict have different lengths: {sorted(lengths)}")
        return [str(k) for k in data], data.__getitem__, lengths.pop()
    raise InputError(
        f"data must be a pandas or polars DataFrame, a pyarrow Table or a dict of arrays, "
        f"not {type(data).__name__}"
    )


@dataclass(frozen=True)
class Factorized:
    """A non-numeric column as integer codes (-1 = missing) into its distinct values, so that
    codes and numbers written as text are interpreted once per distinct value, not per row."""

    codes: np.ndarray
    uniques: list

    @property
    def size(self) -> int:
        return self.codes.size


def _factorize_arrow(values: Any) -> Factorized:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)
    indices = pc.cast(values.indices, pa.int64())
    codes = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False)
    return Factorized(codes, values.dictionary.to_pylist())


def _factorize_numpy(values: np.ndarray) -> Factorized:
    if values.dtype.kind == "U" and values.dtype.itemsize == 4 and values.size:
        # one-character codes ("l"/"h", "y"/"n", "m"/"f"): the character is its own code
        points = values.view(np.uint32)
        seen = np.flatnonzero(np.bincount(points, minlength=1))
        index = np.zeros(int(seen[-1]) + 1, dtype=np.int64)
        index[seen] = np.arange(seen.size)
        return Factorized(index[points], [chr(p) if p else "" for p in seen])
    if values.dtype.kind in "US":
        values = values.astype(object)
    try:
        import pandas as pd
    except ImportError:
        lookup: dict[Any, int] = {}
        uniques: list = []
        codes = np.empty(values.size, dtype=np.int64)
        for i, v in enumerate(values.tolist()):
            try:
                codes[i] = lookup[v]
            except KeyError:
                codes[i] = lookup[v] = len(uniques)
                uniques.append(v)
            except TypeError:  # unhashable: its own value
                codes[i] = len(uniques)
                uniques.append(v)
        return Factorized(codes, uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return Factorized(codes.astype(np.int64, copy=False), list(uniques))


def column_values(values: Any) -> np.ndarray | Factorized:
    """A column of any supported library as float64 (numbers; NaN = missing) or, for text and
    other non-numeric values, :class:`Factorized`."""
    mod = _module(values)
    if mod == "pandas":
        import pandas as pd

        dtype = values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiu":
            return values.to_numpy()  # numpy-backed numbers: no copy, NaN already missing
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)  # nullable / arrow
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return Factorized(codes.astype(np.int64, copy=False), list(uniques))
    if mod == "polars":
        if values.dtype.is_numeric():
            return values.cast(float).to_numpy()
        return _factorize_arrow(values.to_arrow())
    if mod == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        typ = values.type
        if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
            return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        return _factorize_arrow(values)
    arr = np.asarray(values)
    if arr.ndim > 1:
        raise InputError(f"expected a 1-dimensional column, got shape {arr.shape}")
    if arr.dtype.kind in "fiu":
        return arr
    if arr.ndim == 0:
        return Factorized(np.zeros((), dtype=np.int64), [arr.item()])
    return _factorize_numpy(arr.astype(object) if arr.dtype.kind == "b" else arr)


def to_numpy(values: Any) -> np.ndarray:
    """A 1-d numpy array from a column of any supported library (numbers as float64 with NaN
    for missing, anything else as an object array)."""
    mod = _module(values)
    if mod == "pandas":
        import pandas as pd

        if isinstance(values.dtype, pd.CategoricalDtype):
            return np.asarray(values.astype(object).to_numpy(), dtype=object)
        if pd.api.types.is_bool_dtype(values.dtype):
            return values.to_numpy(dtype=object)
        if pd.api.types.is_numeric_dtype(values.dtype):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return values.to_numpy(dtype=object)
    if mod == "polars":
        if values.dtype.is_numeric():
            return values.cast(float).to_numpy()
        return np.asarray(values.to_list(), dtype=object)
    if mod == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        typ = values.type
        if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
            return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(values.to_pylist(), dtype=object)
    arr = np.asarray(values)
    if arr.ndim > 1:
        raise InputError(f"expected a 1-dimensional column, got shape {arr.shape}")
    return arr


# --- output -----------------------------------------------------------------------------------
def _numpy_value(col: Column) -> np.ndarray:
    if col.kind == "nullable":
        if col.values.size < 20_000:  # numpy: nothing to compile for small outputs
            return np.where(col.values < 0, np.float32(np.nan), col.values.astype(np.float32))
        from ._kernels import nullable_to_float32

        return nullable_to_float32(col.values)
    if col.kind == "category":
        lookup = np.array([*col.labels, None], dtype=object)
        return lookup[col.values]  # code -1 picks the trailing None
    return col.values


def _pandas_value(col: Column, index: Any) -> Any:
    import pandas as pd

    # copy=False: the arrays are ours and fresh; pandas would otherwise copy each one
    if col.kind == "nullable":
        values = pd.arrays.IntegerArray(col.values, col.values < 0)
        return pd.Series(values, index=index, copy=False)
    if col.kind == "category":
        cat = pd.Categorical.from_codes(col.values, categories=pd.Index(col.labels, dtype=object))
        return pd.Series(cat, index=index, copy=False)
    return pd.Series(col.values, index=index, copy=False)


def _arrow_value(col: Column) -> Any:
    import pyarrow as pa

    if col.kind == "nullable":
        return pa.array(col.values, mask=col.values < 0)
    if col.kind == "category":
        codes = pa.array(col.values, mask=col.values < 0)
        return pa.DictionaryArray.from_arrays(codes, pa.array(col.labels, type=pa.string()))
    if col.kind == "float":
        return pa.array(col.values, from_pandas=True)  # NaN -> null, as pandas/polars users expect
    return pa.array(col.values)


def _warn_replaced(names: list[str]) -> None:
    if names:
        warnings.warn(f"replacing existing columns {names} with newly computed ones",
                      UserWarning, stacklevel=4)


def attach(data: Any, columns: list[Column]) -> Any:
    """Append columns to ``data`` (or return a dict of numpy arrays when ``data`` is None)."""
    if data is None:
        return {c.name: _numpy_value(c) for c in columns}
    names, _, _ = table_columns(data)
    _warn_replaced([c.name for c in columns if c.name in names])
    mod = _module(data)
    if mod == "pandas":
        import pandas as pd

        new = pd.DataFrame({c.name: _pandas_value(c, data.index) for c in columns},
                           index=data.index, copy=False)
        kept = data.drop(columns=[c.name for c in columns if c.name in names])
        return pd.concat([kept, new], axis=1)
    if mod == "polars":
        import polars as pl

        return data.with_columns([pl.Series(c.name, _arrow_value(c)) for c in columns])
    if mod == "pyarrow":
        table = data
        for c in columns:
            value = _arrow_value(c)
            if c.name in table.column_names:
                table = table.set_column(table.column_names.index(c.name), c.name, value)
            else:
                table = table.append_column(c.name, value)
        return table
    out = dict(data)
    out.update({c.name: _numpy_value(c) for c in columns})
    return out
