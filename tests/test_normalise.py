"""Input normalisation: codes and numbers from every column type, with and without pandas."""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pytest

import zscore
from zscore import rules
from zscore.classify import as_code, as_float
from zscore.frames import Factorized, column_values

MIXED = np.array([1, "2", " m", "F", None, np.nan, "x", 2.0, 1.5, "male", "", "NA"], dtype=object)
SEX = [1, 2, 1, 2, 0, 0, -1, 2, -1, -1, 0, 0]
NUMBERS = np.array(["9.5", " 10 ", "", None, "abc", "9,5", 3, 4.5, "nan", True, "-1"],
                   dtype=object)
PARSED = [9.5, 10.0, np.nan, np.nan, -np.inf, -np.inf, 3.0, 4.5, np.nan, -np.inf, -1.0]


def sex_codes(values):
    return as_code(column_values(values), rules.SEX_CODES, rules.SEX_MISSING,
                      rules.SEX_INVALID).tolist()


@pytest.mark.parametrize("without_pandas", [False, True])
def test_codes_and_numbers_from_object_arrays(without_pandas, monkeypatch):
    if without_pandas:
        monkeypatch.setitem(sys.modules, "pandas", None)
    assert sex_codes(MIXED) == SEX
    np.testing.assert_array_equal(as_float(column_values(NUMBERS)), PARSED)


def test_codes_from_each_library():
    import pandas as pd
    import polars as pl

    text = ["1", "2", None, "m", "q"]
    expected = [1, 2, 0, 1, -1]
    assert sex_codes(np.array(["1", "2", "", "m", "q"])) == [1, 2, 0, 1, -1]
    assert sex_codes(pd.Series(text)) == expected
    assert sex_codes(pd.Series(text, dtype="category")) == expected
    assert sex_codes(pl.Series(text)) == expected
    assert sex_codes(pl.Series(text, dtype=pl.Categorical)) == expected
    assert sex_codes(pa.array(text)) == expected
    assert sex_codes(pa.chunked_array([text[:2], text[2:]])) == expected
    assert sex_codes(pa.array(text).dictionary_encode()) == expected
    assert sex_codes(np.array([1.0, 2.0, np.nan, 3.0])) == [1, 2, 0, -1]
    assert sex_codes(pd.Series([1, 2, None], dtype="Int64")) == [1, 2, 0]
    assert sex_codes(np.array([True, False])) == [-1, -1]


def test_numbers_from_each_library():
    import pandas as pd
    import polars as pl

    np.testing.assert_array_equal(as_float(column_values(pl.Series(["1.5", None, "x"]))),
                                  [1.5, np.nan, -np.inf])
    np.testing.assert_array_equal(as_float(column_values(pa.array([1, None, 3]))),
                                  [1.0, np.nan, 3.0])
    np.testing.assert_array_equal(as_float(column_values(pd.Series([True, False]))),
                                  [-np.inf, -np.inf])


def test_factorized_is_per_distinct_value():
    f = column_values(np.array(["l", "h", "l", "l", None], dtype=object))
    assert isinstance(f, Factorized) and len(f.uniques) == 2
    assert as_code(f, rules.MEASURE_CODES, 0, -1).tolist() == [1, 2, 1, 1, 0]


def test_one_character_text_arrays_take_the_fast_path():
    values = np.array(["l", "h", "", "L", "x", "h"])
    f = column_values(values)
    assert isinstance(f, Factorized)
    assert as_code(f, rules.MEASURE_CODES, 0, -1).tolist() == [1, 2, 0, 1, -1, 2]
    assert as_code(column_values(np.array(["é", "m"])), rules.SEX_CODES, 0, -1).tolist() == [-1, 1]
    longer = np.array(["male", "f", ""])
    assert as_code(column_values(longer), rules.SEX_CODES, 0, -1).tolist() == [-1, 2, 0]


def test_durations_are_ages():
    """visit date minus birth date (numpy, pandas, polars, pyarrow durations) is an age, in the
    call's unit; NaT is a missing age."""
    import pandas as pd
    import polars as pl
    import pyarrow as pa
    dob = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"])
    dov = pd.to_datetime(["2021-02-04", "2021-06-15", None])
    df = pd.DataFrame({"sex": [1, 2, 1], "age": dov - dob, "lenhei": [75.0, 76.0, 77.0]})
    expected = zscore.classify(sex=[1, 2, 1], age=[400, 500, None], lenhei=[75.0, 76.0, 77.0])
    for table in (df, pl.from_pandas(df), pa.Table.from_pandas(df)):
        out = zscore.classify(table)
        z = np.asarray(out["zlen"].to_numpy() if hasattr(out["zlen"], "to_numpy")
                       else out["zlen"], dtype=float)
        np.testing.assert_array_equal(z, expected["zlen"])
    months = zscore.classify(df, age_unit="months")
    np.testing.assert_array_equal(months["zlen"].to_numpy(dtype=float), expected["zlen"])
    assert zscore.child(sex=1, age=np.timedelta64(400, "D"), lenhei=75.0).zlen == \
        zscore.child(sex=1, age=400, lenhei=75.0).zlen
    assert zscore.child(sex=1, age=pd.Timedelta(days=400), lenhei=75.0).zlen == \
        zscore.child(sex=1, age=400, lenhei=75.0).zlen


def test_float32_measurements_are_read_as_their_decimal_text():
    """44.3 stored as float32 is 44.29999923...; it is scored as the 44.3 that was measured."""
    from zscore.classify import as_float
    x = np.array([44.3, 65.0, 87.15, 123.4567, 1e-7, np.nan, np.inf, -2.5], dtype=np.float32)
    assert as_float(x).tolist()[:5] == [44.3, 65.0, 87.15, 123.4567, 1e-7]
    out = zscore.classify(sex=[1], age=[400], weight=np.array([9.1], dtype=np.float32),
                          lenhei=np.array([74.3], dtype=np.float32), measure="l",
                          precision="full")
    ref = zscore.classify(sex=[1], age=[400], weight=[9.1], lenhei=[74.3], measure="l",
                          precision="full")
    for col in ("zlen", "zwei", "zwfl", "zbmi"):
        assert out[col][0] == ref[col][0]


def test_bytes_codes_and_numbers():
    out = zscore.classify(sex=np.array([b"m", b"F"]), age=[400, 500],
                          lenhei=np.array([b"75.0", b"76"]), measure=np.array([b"l", b"L"]))
    ref = zscore.classify(sex=["m", "F"], age=[400, 500], lenhei=[75.0, 76.0], measure="l")
    np.testing.assert_array_equal(out["zlen"], ref["zlen"])
