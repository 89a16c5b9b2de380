"""Input normalisation: codes and numbers from every column type, with and without pandas."""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pytest

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
