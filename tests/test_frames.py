"""pandas, polars, pyarrow and dict tables in and out: same kind back, rows untouched."""

from __future__ import annotations

import subprocess
import sys

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
    out = zscore.classify(df, sex="sex", age="umur_bulan", age_unit="months", weight="bb",
                          lenhei="tb", measure="cara_ukur")
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


def test_arrow_integers_beyond_float_precision_are_values_not_errors():
    # int64 above 2**53 and uint64 above 2**63 have no exact float64: each row gets the nearest
    # float, here far out of range, instead of an ArrowInvalid for the whole batch
    table = pa.table({"sex": [1, 2], "age": pa.array([100, 2**60], pa.int64()),
                      "weight": pa.array([5, 2**60], pa.int64()),
                      "headc": pa.array([40, 2**64 - 1], pa.uint64())})
    out = zscore.classify(table)
    assert out.column("reason").to_pylist() == [None, "age_out_of_range: zwei zhc"]
    assert out.column("zwei").to_pylist()[0] == zscore.child(sex=1, age=100, weight=5.0).zwei
    direct = zscore.classify(sex=[1, 2], age=table.column("age"), weight=table.column("weight"))
    assert direct["reason"].tolist() == [None, "age_out_of_range: zwei"]


def test_non_text_column_names():
    # pandas and dict columns may be named 0, 1 or ('a', 'b'); arguments name them as text
    df = pd.DataFrame({0: [1, 2], ("age", "days"): [100, 200], "weight": [5.0, 6.0]})
    out = zscore.classify(df, sex="0", age="('age', 'days')")
    expected = zscore.classify(sex=[1, 2], age=[100, 200], weight=[5.0, 6.0])
    np.testing.assert_array_equal(out.zwei.to_numpy(), expected["zwei"])
    assert list(out.columns[:3]) == [0, ("age", "days"), "weight"]
    out = zscore.classify({1: [1, 2], "age": [100, 200], "weight": [5.0, 6.0]}, sex="1")
    np.testing.assert_array_equal(out["zwei"], expected["zwei"])
    with pytest.raises(zscore.InputError, match="'1' appears 2 times"):
        zscore.classify(pd.DataFrame({1: [1], "1": [2], "age": [100]}), sex="1")


def test_big_endian_text_codes():
    expected = zscore.classify(sex=["m", "f"], age=[100, 200], weight=[5.0, 6.0],
                               lenhei=[58.0, 62.0], measure=["l", "l"])
    for dtype in (">U1", ">U4"):
        out = zscore.classify(sex=np.array(["m", "f"], dtype=dtype), age=[100, 200],
                              weight=[5.0, 6.0], lenhei=[58.0, 62.0],
                              measure=np.array(["l", "l"], dtype=dtype))
        np.testing.assert_array_equal(out["zlen"], expected["zlen"])
        assert out["cmeasure"].tolist() == ["l", "l"]


def test_polars_object_column_is_read_value_by_value():
    df = polars.DataFrame({"sex": [1, 2, 1], "weight": [5.0, 6.0, 7.0],
                           "age": polars.Series([100, "200", "soon"], dtype=polars.Object)})
    out = zscore.classify(df)
    expected = zscore.classify(sex=[1, 2, 1], age=[100, 200, -1], weight=[5.0, 6.0, 7.0])
    assert_matches(out.get_column("zwei").to_list(), expected["zwei"])
    assert out.get_column("reason").to_list() == [None, None, "age_invalid: zwei"]


@pytest.mark.parametrize("kind", ["polars list", "polars struct", "arrow list", "pandas arrow"])
def test_nested_columns_are_a_clear_error(kind):
    ages = [[100], [200]]
    if kind == "polars list":
        data = polars.DataFrame({"sex": [1, 2], "age": ages})
    elif kind == "polars struct":
        data = polars.DataFrame({"sex": [1, 2], "age": [{"days": 100}, {"days": 200}]})
    elif kind == "arrow list":
        data = pa.table({"sex": [1, 2], "age": ages})
    else:
        data = pd.DataFrame({"sex": [1, 2], "age": pd.Series(
            ages, dtype=pd.ArrowDtype(pa.list_(pa.int64())))})
    with pytest.raises(zscore.InputError, match="column 'age' holds lists or records"):
        zscore.classify(data)
    if kind.startswith("polars"):
        with pytest.raises(zscore.InputError, match="column 'age' holds lists or records"):
            zscore.classify(sex=[1, 2], age=data.get_column("age"))


def test_dict_with_a_single_value_broadcasts():
    data = {"sex": 2, "age": [100, 200, 300], "weight": [5.0, 6.0, 7.0], "measure": "l",
            "lenhei": np.array([58.0, 62.0, 65.0])}
    out = zscore.classify(data)
    expected = zscore.classify(sex=2, age=[100, 200, 300], weight=[5.0, 6.0, 7.0], measure="l",
                               lenhei=[58.0, 62.0, 65.0])
    for col in ("zwei", "zlen", "zwfl", "csex"):
        np.testing.assert_array_equal(out[col], expected[col])
    assert out["sex"] == 2  # the caller's value, untouched
    assert zscore.classify({"sex": 1, "age": 100, "weight": 5.0})["zwei"].shape == (1,)


def test_pandas_is_not_imported_for_arrays():
    # pandas is an optional extra: a call without pandas objects must not load it (a cold
    # import costs a few tenths of a second), text lists included
    code = ("import sys, zscore; zscore.classify(sex=['m', 'female', None], age=[100, 200, 300],"
            " weight=['5.1', 6, 'x'], measure=['l', 'lying', 'h']);"
            " print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("argument", ["sex", "measure", "oedema"])
def test_large_code_columns_parse_as_small_ones(argument):
    """Batches from SMALL rows parse <U1 text (by code point, in parallel) and numbers (one
    parallel pass) to the same codes as the value-by-value path, non-ASCII text included."""
    import importlib

    from zscore import rules

    batch = importlib.import_module("zscore.parse")
    mapping, missing, invalid = {
        "sex": (rules.SEX_CODES, rules.SEX_MISSING, rules.SEX_INVALID),
        "measure": (rules.MEASURE_CODES, rules.MEASURE_MISSING, rules.MEASURE_INVALID),
        "oedema": (rules.OEDEMA_CODES, rules.OEDEMA_NO, rules.OEDEMA_INVALID),
    }[argument]
    rng = np.random.default_rng(11)
    n = batch.SMALL + 5
    alphabet = np.array(["", "l", "h", "L", "H", " ", "x", "é", "1", "2", "y", "n", "Y", "N",
                         "m", "f", "M", "F", "ł", "\t"])
    text = alphabet[rng.integers(0, alphabet.size, n)]
    fast = batch.as_code(text, mapping, missing, invalid)
    slow = batch.as_code(batch.column_values(text.astype(object)), mapping, missing, invalid)
    np.testing.assert_array_equal(fast, slow)
    numbers = rng.choice([1.0, 2.0, 0.0, 3.0, -1.0, 1.5, np.nan], n)
    for values in (numbers, numbers.astype(np.float32),
                   np.nan_to_num(numbers, nan=7.0).astype(np.int64)):
        expected = np.concatenate([batch.as_code(values[i:i + 1000], mapping, missing, invalid)
                                   for i in range(0, n, 1000)])
        np.testing.assert_array_equal(batch.as_code(values, mapping, missing, invalid), expected)


def test_large_arrow_text_codes_parse_as_python_values():
    """Arrow-held text (pandas str with pyarrow storage, pandas ArrowDtype, polars String,
    pyarrow chunked and sliced arrays) from SMALL rows is read from its offsets and bytes in
    one parallel pass; every value, nulls and multi-character text included, gets the code the
    value-by-value path gives."""
    import importlib

    from zscore import rules

    batch = importlib.import_module("zscore.parse")
    rng = np.random.default_rng(12)
    n = batch.SMALL + 7
    alphabet = np.array(["", "l", "h", "L", "H", " ", "x", "é", "1", "2", "y", "n", "m", "f",
                         "ł", " l ", "NA", "na", "\x00", "\t", None], dtype=object)
    text = alphabet[rng.integers(0, alphabet.size, n)]
    split = n // 3
    columns = {
        "pandas str": pd.Series(text, dtype=pd.StringDtype("pyarrow")),
        "pandas arrow": pd.Series(text, dtype=pd.ArrowDtype(pa.string())),
        "polars": polars.Series(list(text)),
        "arrow chunks": pa.chunked_array([pa.array(list(text[:split])),
                                          pa.array(list(text[split:]))]),
        "arrow large": pa.array(list(text), type=pa.large_string()),
        "arrow slice": pa.array(list(np.concatenate([text[:5], text])))[5:],
    }
    for mapping, missing, invalid in (
            (rules.SEX_CODES, rules.SEX_MISSING, rules.SEX_INVALID),
            (rules.MEASURE_CODES, rules.MEASURE_MISSING, rules.MEASURE_INVALID),
            (rules.OEDEMA_CODES, rules.OEDEMA_NO, rules.OEDEMA_INVALID)):
        expected = batch.as_code(batch.column_values(text), mapping, missing, invalid)
        for name, column in columns.items():
            arrow = batch._arrow_text(column)
            assert arrow is not None, name
            got = batch.as_code(arrow, mapping, missing, invalid)
            np.testing.assert_array_equal(got, expected, err_msg=name)


def test_large_pandas_table_with_arrow_text_classifies_as_numpy_text():
    rng = np.random.default_rng(13)
    n = 25_000
    data = {"sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1800, n),
            "weight": rng.uniform(3, 20, n), "lenhei": rng.uniform(50, 110, n),
            "measure": rng.choice(np.array(["l", "h", "", "L"]), n),
            "oedema": rng.choice(np.array(["n", "y", "N"]), n)}
    df = pd.DataFrame({k: (pd.Series(v, dtype=pd.StringDtype("pyarrow")) if v.dtype.kind == "U"
                           else v) for k, v in data.items()})
    out = zscore.classify(df)
    ref = zscore.classify(**data)
    for name in ("zlen", "zwei", "zwfl", "zbmi", "clenhei"):
        np.testing.assert_array_equal(out[name].to_numpy(), ref[name])
    assert out["cmeasure"].astype(object).where(out["cmeasure"].notna(), None).tolist() == \
        ref["cmeasure"].tolist()
