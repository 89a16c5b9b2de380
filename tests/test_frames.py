"""pandas, polars, pyarrow and dict tables in and out: same kind back, rows untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import zscore

polars = pytest.importorskip("polars")

DATA = {
    "child_id": ["a", "b", "c", "d"],
    "sex": [1, 2, 1, None],
    "age": [10.0, 400.0, 900.0, 500.0],
    "weight": [3.6, 8.0, None, 9.0],
    "lenhei": [52.0, 70.0, 85.0, 74.0],
    "measure": ["l", "l", "h", "l"],
    "oedema": ["n", "n", "n", "y"],
}


def reference():
    return zscore.classify(**{k: np.array(v, dtype=object) for k, v in DATA.items()
                              if k != "child_id"})


def assert_matches(values, expected):
    got = np.array([np.nan if v is None else v for v in values], dtype=float)
    np.testing.assert_array_equal(got, np.asarray(expected, dtype=float))


def test_pandas_roundtrip_keeps_index_and_columns():
    df = pd.DataFrame(DATA, index=[10, 11, 12, 13])
    out = zscore.classify(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out.columns[:7]) == list(DATA)
    assert out.child_id.tolist() == DATA["child_id"]
    ref = reference()
    for col in ("zlen", "zwei", "zwfl", "zbmi", "cbmi", "clenhei"):
        assert_matches(out[col].to_numpy(dtype=float, na_value=np.nan), ref[col])
    assert str(out.flen.dtype) == "Int8" and str(out.csex.dtype) == "Int8"
    assert isinstance(out.stunting.dtype, pd.CategoricalDtype)
    assert out.csex.isna().tolist() == [False, False, False, True]
    assert df.columns.tolist() == list(DATA)  # input not modified


def test_polars_roundtrip():
    df = polars.DataFrame(DATA)
    out = zscore.classify(df)
    assert isinstance(out, polars.DataFrame)
    assert out.get_column("child_id").to_list() == DATA["child_id"]
    ref = reference()
    assert_matches(out.get_column("zwei").to_list(), ref["zwei"])
    assert out.get_column("fwei").null_count() == 2
    assert out.get_column("stunting").to_list() == ref["stunting"].tolist()


def test_arrow_roundtrip():
    table = pa.table(DATA)
    out = zscore.classify(table)
    assert isinstance(out, pa.Table)
    assert out.column("child_id").to_pylist() == DATA["child_id"]
    ref = reference()
    assert_matches(out.column("zlen").to_pylist(), ref["zlen"])
    assert out.column("wasting").to_pylist() == ref["wasting"].tolist()


def test_dict_roundtrip_and_numpy_types():
    out = zscore.classify(dict(DATA))
    assert out["child_id"] == DATA["child_id"]
    assert out["fwei"].dtype == np.float32 and np.isnan(out["fwei"][2])
    assert out["stunting"].dtype == object


def test_column_name_arguments_and_months():
    df = pd.DataFrame({"jk": ["L", "P"], "umur_bulan": [12.0, 30.0], "bb": [9.5, 12.0],
                       "tb": [75.0, 90.0], "cara_ukur": ["l", "h"]})
    df["sex"] = df.jk.map({"L": 1, "P": 2})
    out = zscore.classify(df, age="umur_bulan", age_unit="months", weight="bb", lenhei="tb",
                          measure="cara_ukur")
    direct = zscore.classify(sex=[1, 2], age=[12.0, 30.0], age_unit="months", weight=[9.5, 12.0],
                             lenhei=[75.0, 90.0], measure=["l", "h"])
    np.testing.assert_array_equal(out.zlen.to_numpy(), direct["zlen"])


def test_pandas_nullable_and_categorical_inputs():
    df = pd.DataFrame({
        "sex": pd.Series([1, 2, None], dtype="Int64"),
        "age": pd.Series([100, 200, 300], dtype="Int32"),
        "weight": pd.Series([5.0, None, 7.0], dtype="Float64"),
        "measure": pd.Categorical(["l", "l", None]),
        "lenhei": [60.0, 62.0, 64.0],
    })
    out = zscore.classify(df)
    assert out.zwei.isna().tolist() == [False, True, True]
    assert out.reason[1] == "weight_missing: zwei zwfl zbmi"


def test_repeated_column_name_is_a_clear_error():
    df = pd.DataFrame([[1, 10.0, 3.0, 3.1]], columns=["sex", "age", "weight", "weight"])
    with pytest.raises(zscore.InputError, match="'weight' appears 2 times"):
        zscore.classify(df)
    table = pa.Table.from_arrays([pa.array([1]), pa.array([10.0]), pa.array([3.0]),
                                  pa.array([3.1])], names=["sex", "age", "weight", "weight"])
    with pytest.raises(zscore.InputError, match="'weight' appears 2 times"):
        zscore.classify(table)


def test_existing_output_columns_are_replaced_with_a_warning():
    df = pd.DataFrame(DATA)
    once = zscore.classify(df)
    with pytest.warns(UserWarning, match="replacing existing columns"):
        twice = zscore.classify(once)
    assert twice.columns.tolist() == once.columns.tolist()
    pd.testing.assert_frame_equal(twice, once)


def test_only_supplied_indicators_appear():
    out = zscore.classify(sex=[1], age=[100], headc=[40.0])
    assert {"zhc", "fhc"} <= set(out) and "zwei" not in out and "clenhei" not in out
    assert out["reason"][0] is None
