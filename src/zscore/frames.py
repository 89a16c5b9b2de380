"""Tables in and out: pandas, polars, pyarrow and dicts of arrays.

Input: :func:`table_columns` gives the column names and a getter for any supported table.
Output: :func:`attach` appends the computed columns to a table of the caller's kind without
touching its rows, order, index or other columns. Columns travel as :class:`Column`: plain
numpy arrays plus the kind of values they hold, so each library gets its own missing-value
representation (nullable integers, categoricals) without copying the numbers.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError, ZScoreWarning


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


def _by_text(keys: Iterable[Any]) -> tuple[list[str], dict[str, list[Any]]]:
    """Column names as text, and the original key(s) behind each text (pandas and dict
    columns may be named 0, 1 or ('a', 'b'); arguments name them as text)."""
    names: list[str] = []
    keys_of: dict[str, list[Any]] = {}
    for key in keys:
        names.append(str(key))
        keys_of.setdefault(names[-1], []).append(key)
    return names, keys_of


def _one_key(keys_of: Mapping[str, list[Any]], name: str) -> Any:
    keys = keys_of[name]
    if len(keys) > 1:  # e.g. 1 and "1"
        raise InputError(f"column {name!r} appears {len(keys)} times in the table")
    return keys[0]


def _nested_error(name: Any, typ: Any) -> InputError:
    where = f"column {str(name)!r}" if name is not None else "a column"
    return InputError(f"{where} holds lists or records ({typ}), not one value per row")


def table_columns(data: Any) -> tuple[list[str], Callable[[str], Any], int]:
    """Names (as text), a column getter taking such a name, and the row count of a supported
    table."""
    mod = _module(data)
    if mod == "pandas" and hasattr(data, "columns") and hasattr(data, "index"):
        names, keys_of = _by_text(data.columns)

        def column(name: str) -> Any:
            values = data[_one_key(keys_of, name)]
            if values.ndim != 1:  # a repeated column name selects several columns
                raise InputError(f"column {name!r} appears {values.shape[1]} times in the table")
            return values

        return names, column, len(data)
    if mod == "polars" and hasattr(data, "get_column"):

        def polars_column(name: str) -> Any:
            values = data.get_column(name)
            if values.dtype.is_nested():
                raise _nested_error(name, values.dtype)
            return values

        return list(data.columns), polars_column, data.height
    if mod == "pyarrow" and hasattr(data, "column_names"):
        import pyarrow as pa

        def arrow_column(name: str) -> Any:
            count = data.column_names.count(name)
            if count > 1:
                raise InputError(f"column {name!r} appears {count} times in the table")
            values = data.column(name)
            if pa.types.is_nested(values.type):
                raise _nested_error(name, values.type)
            return values

        return list(data.column_names), arrow_column, data.num_rows
    if isinstance(data, Mapping):
        names, keys_of = _by_text(data)
        lengths = set()
        for key, value in data.items():
            _check_orderable(value, key)
            size = _length(value)
            if size is not None:  # else a single value (a number, a code) for every row
                lengths.add(size)
        if len(lengths) > 1:
            raise InputError(f"the columns of the dict have different lengths: {sorted(lengths)}")
        nrows = lengths.pop() if lengths else (1 if data else 0)
        return names, lambda name: data[_one_key(keys_of, name)], nrows
    raise InputError(
        f"data must be a pandas or polars DataFrame, a pyarrow Table or a dict of arrays, "
        f"not {type(data).__name__}"
    )


def _length(value: Any) -> int | None:
    """The number of values in a column; None for a single value."""
    if isinstance(value, str | bytes):
        return None
    if isinstance(value, np.ndarray):
        return len(value) if value.ndim else None
    try:
        return len(value)
    except TypeError:
        return None


def _check_orderable(values: Any, name: Any = None) -> None:
    """Refuse a set, a dict or a generator as a column: their values cannot be matched to rows
    (a set has no order; a generator has no length and can be read only once)."""
    if isinstance(values, np.ndarray | list | tuple | str):
        return
    where = f"column {str(name)!r}: " if name is not None else ""
    if isinstance(values, AbstractSet):
        raise InputError(f"{where}a set has no order, so its values cannot be matched to rows; "
                         "give a list or an array")
    if isinstance(values, Iterator):
        raise InputError(f"{where}a generator or iterator cannot be a column (it has no length "
                         "and can be read only once); give a list or an array")
    if isinstance(values, Mapping):
        raise InputError(f"{where}a dict cannot be a column; give a list or an array")


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


def _single_values(uniques: list) -> list:
    """Distinct values with any list, dict or other collection in a cell replaced by its text:
    such a cell is an invalid value for its row, and its text says what it held."""
    return [str(u) if isinstance(u, Iterable) and not isinstance(u, str | bytes) else u
            for u in uniques]


#: Types whose values equal (and may hash like) values of other types that are read otherwise:
#: True == 1, (1+0j) == 1, np.float32(0.1) == 0.10000000149011612, np.timedelta64(1) == 1.
_READ_APART = (bool, np.bool_, complex, np.complexfloating, np.float16, np.float32,
               np.timedelta64, np.datetime64)


def _mixes_apart(types: set) -> bool:
    """Several types in one column, one of them read apart from the values it equals."""
    return len(types) > 1 and any(issubclass(t, _READ_APART) for t in types)


class _Nan:
    """The one key of every float NaN (NaN != NaN would make each its own distinct value)."""


def _apart_key(v: Any) -> Any:
    t = type(v)
    if issubclass(t, _READ_APART):
        return (t, v)
    return _Nan if t is float and v != v else v


def _factorize_objects(items: list) -> Factorized:
    """Codes into the distinct values of a list of Python objects, in order of appearance; an
    unhashable value (a list in a cell) is a distinct value of its own. Values that are equal
    but read differently (True and 1) stay distinct, so each cell is read on its own."""
    keys = list(map(_apart_key, items)) if _mixes_apart(set(map(type, items))) else items
    seen: dict[Any, int] = {}
    try:
        codes = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), dtype=np.int64,
                            count=len(items))
    except (TypeError, ValueError):  # unhashable (a list; a numpy duration without a unit)
        seen = {}
        codes = np.empty(len(items), dtype=np.int64)
        fresh = len(items)  # codes of unhashable values, each its own (renumbered below)
        for i, k in enumerate(keys):
            try:
                codes[i] = seen.setdefault(k, len(seen))
            except (TypeError, ValueError):
                codes[i] = fresh
                fresh += 1
        codes = np.unique(codes, return_inverse=True)[1].astype(np.int64)
    first = np.unique(codes, return_index=True)[1]  # where each distinct value is first
    return Factorized(codes, _single_values([items[i] for i in first]))


def _factorize_pandas(values: Any) -> Factorized:
    """pandas' hash table (several times faster than a Python loop) for a pandas column or an
    object array; a column holding unhashable values (lists), or values that are equal but
    read differently (True and 1: pandas' table keeps one of them), goes value by value."""
    import pandas as pd

    if getattr(getattr(values, "dtype", None), "kind", None) == "O" and pd.api.types.infer_dtype(
            values, skipna=False) not in ("string", "empty") and _mixes_apart(
            set(map(type, values))):
        return _factorize_objects(np.asarray(values, dtype=object).tolist())
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except (TypeError, ValueError):  # unhashable values
        return _factorize_objects(np.asarray(values, dtype=object).tolist())
    return Factorized(codes.astype(np.int64, copy=False), _single_values(list(uniques)))


def _factorize_times(values: np.ndarray) -> Factorized:
    """A numpy array of dates or durations as its distinct numpy values (NaT missing): their
    Python forms (.tolist()) would be plain integers for nanosecond units."""
    missing = np.isnat(values)
    uniques, codes = np.unique(values[~missing], return_inverse=True)
    out = np.full(values.shape, -1, dtype=np.int64)
    out[~missing] = codes
    return Factorized(out, list(uniques))


def unmask(values: Any) -> Any:
    """A numpy masked array as a plain array with its masked cells missing (NaN, NaT or None);
    anything else as it is."""
    if not isinstance(values, np.ma.MaskedArray):
        return values
    mask = np.ma.getmaskarray(values)
    data = np.asarray(values.data)
    if data.dtype.kind in "iu":
        data = data.astype(np.float64)
    elif data.dtype.kind not in "fmM":
        data = data.astype(object)
    else:
        data = data.copy()
    if mask.any():
        data[mask] = {"f": np.nan, "m": np.timedelta64("NaT"), "M": np.datetime64("NaT")}.get(
            data.dtype.kind)
    return data


def _factorize_numpy(values: np.ndarray) -> Factorized:
    if values.dtype.kind == "U" and not values.dtype.isnative:
        values = values.astype(values.dtype.newbyteorder("="))  # big-endian text ('>U1')
    if values.dtype.kind == "U" and values.dtype.itemsize == 4 and values.size:
        # one-character codes ("l"/"h", "y"/"n", "m"/"f"): the character is its own code
        points = values.view(np.uint32)
        seen = np.flatnonzero(np.bincount(points, minlength=1))
        index = np.zeros(int(seen[-1]) + 1, dtype=np.int64)
        index[seen] = np.arange(seen.size)
        return Factorized(index[points], [chr(p) if p else "" for p in seen])
    if values.dtype.kind in "mM":
        return _factorize_times(values)
    if values.dtype.kind == "O" and sys.modules.get("pandas") is not None:
        return _factorize_pandas(values)  # pandas only when the caller has already loaded it
    return _factorize_objects(values.tolist())


def _arrow_floats(values: Any) -> np.ndarray:
    """A pyarrow numeric array as float64, nulls as NaN. The cast is unsafe on purpose: an
    integer beyond 2**53 (or a uint64) becomes the nearest float, a huge and so out-of-range
    value for its row, instead of an exception for the whole batch. float32 and float16 stay
    as they are, to be read as the decimals they hold (parse.as_float)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_float32(values.type) or pa.types.is_float16(values.type):
        width = np.float32 if pa.types.is_float32(values.type) else np.float16
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        parts = [pc.fill_null(c, float("nan")).to_numpy(zero_copy_only=False) for c in chunks]
        return np.concatenate(parts).astype(width, copy=False) if parts else \
            np.empty(0, dtype=width)
    return pc.cast(values, pa.float64(), safe=False).to_numpy(zero_copy_only=False)


def _is_arrow_number(typ: Any) -> bool:
    """Arrow integers and floats (read as float64 in one cast). Decimals are not among them:
    Arrow's cast of a decimal is not always the nearest float, so they are read as their
    distinct Python Decimals, each to its nearest float, as one Decimal in a cell is."""
    import pyarrow as pa

    return pa.types.is_integer(typ) or pa.types.is_floating(typ)


def _one_kind(values: list | tuple) -> bool:
    """A list numpy can turn into an array without changing what any cell is read as: one type
    of value, or Python ints and floats (numpy would make True 1 beside an int, and an int a
    duration beside one)."""
    types = set(map(type, values))
    if types <= {np.timedelta64, np.datetime64}:  # numpy would bring them to one unit
        return len({np.datetime_data(v.dtype) for v in values}) <= 1
    return len(types) <= 1 or types <= {int, float}


def _object_array(items: list) -> np.ndarray:
    """A 1-d object array holding ``items`` as they are (np.asarray would turn a list of
    equal-length lists into a 2-d array)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def column_values(values: Any) -> np.ndarray | Factorized:
    """A column of any supported library as float64 (numbers; NaN = missing) or, for text and
    other non-numeric values, :class:`Factorized`."""
    mod = _module(values)
    if mod == "pandas":
        import pandas as pd

        dtype = values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiu":
            return values.to_numpy()  # numpy-backed numbers: no copy, NaN already missing
        if isinstance(dtype, np.dtype) and dtype.kind in "mM":
            return _factorize_times(values.to_numpy())
        arrow_type = getattr(dtype, "pyarrow_dtype", None)
        if arrow_type is not None:
            import pyarrow as pa

            if pa.types.is_nested(arrow_type):
                raise _nested_error(getattr(values, "name", None), arrow_type)
            if not pa.types.is_decimal(arrow_type) and _is_arrow_number(arrow_type):
                return _arrow_floats(values.array.__arrow_array__())
            return _factorize_arrow(values.array.__arrow_array__())
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            narrow = getattr(dtype, "numpy_dtype", None)  # Float32 as the decimals it holds
            width = narrow if narrow in (np.float32, np.float16) else np.float64
            return values.to_numpy(dtype=width, na_value=np.nan)  # nullable, sparse
        return _factorize_pandas(values)
    if mod == "polars":
        dtype = values.dtype
        if dtype.is_numeric() and not dtype.is_decimal():
            if dtype == _polars_float32():  # as the decimals it holds (parse.as_float)
                return values.fill_null(float("nan")).to_numpy()
            return values.cast(float).to_numpy()
        if dtype.is_nested():
            raise _nested_error(values.name, dtype)
        if dtype.is_object():  # Python objects: read value by value, as pandas object columns
            return _factorize_numpy(_object_array(values.to_list()))
        return _factorize_arrow(values.to_arrow())
    if mod == "pyarrow":
        import pyarrow as pa

        if _is_arrow_number(values.type):
            return _arrow_floats(values)
        if pa.types.is_nested(values.type):
            raise _nested_error(None, values.type)
        return _factorize_arrow(values)
    _check_orderable(values)
    values = unmask(values)
    if isinstance(values, list | tuple) and not _one_kind(values):
        arr = _object_array(list(values))  # each cell as it is: numpy would coerce them
    else:
        try:
            arr = np.asarray(values)
        except ValueError:  # a ragged list of lists
            arr = _object_array(list(values))
    if arr.ndim > 1 and isinstance(values, list | tuple):
        arr = _object_array(list(values))  # lists or arrays in its cells: each is one value
    if arr.ndim > 1:
        raise InputError(f"expected a 1-dimensional column, got shape {arr.shape}")
    if arr.dtype.kind in "fiu":
        return arr
    if arr.ndim == 0:
        value = arr.item()
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            raise InputError(f"a {type(value).__name__} cannot be a column; give a list or an "
                             "array")
        return Factorized(np.zeros((), dtype=np.int64), [value])
    return _factorize_numpy(arr.astype(object) if arr.dtype.kind == "b" else arr)


def arrow_text(values: Any) -> list | None:
    """The chunks (pyarrow string or large_string arrays) of a text column held by Arrow: a
    pandas ``str`` column with pyarrow storage, a polars String column or a pyarrow string
    column; None for anything else."""
    mod = _module(values)
    if mod == "pandas":
        import pandas as pd

        dtype = values.dtype
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            data = values.array.__arrow_array__()
        elif isinstance(dtype, pd.ArrowDtype):
            data = values.array.__arrow_array__()
        else:
            return None
    elif mod == "polars":
        if not values.dtype.is_(_polars_string()):
            return None
        data = values.to_arrow()
    elif mod == "pyarrow":
        data = values
    else:
        return None
    import pyarrow as pa

    chunks = data.chunks if isinstance(data, pa.ChunkedArray) else [data]
    if not all(isinstance(c, pa.StringArray | pa.LargeStringArray) for c in chunks):
        return None
    return chunks


def _polars_float32() -> Any:
    import polars as pl

    return pl.Float32


def _polars_string() -> Any:
    import polars as pl

    return pl.String


# --- output -----------------------------------------------------------------------------------
def _numpy_value(col: Column) -> Any:
    if col.kind == "nullable":
        if col.values.size < 20_000:  # numpy: nothing to compile for small outputs
            return np.where(col.values < 0, np.float32(np.nan), col.values.astype(np.float32))
        from ._kernels import nullable_to_float32

        return nullable_to_float32(col.values)
    if col.kind == "category":  # codes and labels, no per-row objects (docs/api.md)
        from .labels import Labels

        return Labels(col.values, col.labels)
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
                      ZScoreWarning, stacklevel=4)


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
