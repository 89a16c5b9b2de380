"""Ages from dates of birth and of visit, in every form users store dates.

The oracle is Python's own date arithmetic (``(visit - birth).days``), written in each test.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import zscore
from zscore import InputError, dates

BIRTH, VISIT = dt.date(2022, 11, 23), dt.date(2024, 3, 5)
DAYS = (VISIT - BIRTH).days


def age_of(birth, visit, **kw) -> float:
    out = zscore.classify({"sex": [1] * len(birth), "birth_date": birth, "visit_date": visit,
                           "weight": [10.0] * len(birth)}, **kw)
    return out


def expected_zwei(days):
    return zscore.child(sex=1, age=days, weight=10.0).zwei


@pytest.mark.parametrize("birth, visit", [
    ("2022-11-23", "2024-03-05"), ("2022/11/23", "2024/3/5"), ("23/11/2022", "05/03/2024"),
    ("23-11-2022", "5-3-2024"), ("23.11.2022", "05.03.2024"), ("23/11/22", "05/03/24"),
    ("23 November 2022", "5 March 2024"), ("23 Nopember 2022", "5 Maret 2024"),
    ("23-Nov-2022", "05-Mar-2024"), ("Nov 23, 2022", "Mar 5, 2024"), ("20221123", "20240305"),
    ("2022-11-23 00:00:00", "2024-03-05 14:30:00"), ("2022-11-23T08:00", "2024-03-05T16:00"),
    (BIRTH, VISIT), (dt.datetime(2022, 11, 23, 9), dt.datetime(2024, 3, 5, 1)),
    (np.datetime64("2022-11-23"), np.datetime64("2024-03-05")),
    (pd.Timestamp("2022-11-23"), pd.Timestamp("2024-03-05")),
    (44888, 45356),  # Excel serial days
    ("23112022", "05032024"),  # day, month, year without separators
])
def test_one_date_in_any_form(birth, visit):
    out = age_of([birth], [visit])
    assert out["zwei"][0] == expected_zwei(DAYS)


def test_the_day_month_order_is_decided_for_both_columns_together():
    # the visit dates alone (all on the 5th) could be either order; the births cannot
    out = age_of(["23/11/2022", "02/03/2023"], ["05/03/2024", "05/03/2024"])
    assert out["zwei"].tolist() == [expected_zwei(DAYS),
                                    expected_zwei((VISIT - dt.date(2023, 3, 2)).days)]
    out = age_of(["11/23/2022"], ["03/05/2024"])  # month first, told by the 23
    assert out["zwei"][0] == expected_zwei(DAYS)


def test_an_order_the_data_cannot_tell_is_asked_for():
    with pytest.raises(InputError, match=r"could be day/month/year or month/day/year.*"
                                         r"--date-format dmy"):
        age_of(["01/02/2023"], ["05/03/2024"])
    dmy = age_of(["01/02/2023"], ["05/03/2024"], date_format="dmy")
    mdy = age_of(["01/02/2023"], ["05/03/2024"], date_format="mdy")
    assert dmy["zwei"][0] == expected_zwei((VISIT - dt.date(2023, 2, 1)).days)
    assert mdy["zwei"][0] == expected_zwei((dt.date(2024, 5, 3) - dt.date(2023, 1, 2)).days)


def test_both_orders_in_one_file_are_refused():
    with pytest.raises(InputError, match="mix day/month/year and month/day/year"):
        age_of(["23/11/2022", "11/23/2022"], ["05/03/2024", "05/03/2024"])


def test_strptime_patterns_and_number_systems():
    assert age_of(["2022|11|23"], ["2024|03|05"], date_format="%Y|%m|%d")["zwei"][0] == \
        expected_zwei(DAYS)
    stata = [(BIRTH - dt.date(1960, 1, 1)).days], [(VISIT - dt.date(1960, 1, 1)).days]
    assert age_of(*stata, date_format="stata")["zwei"][0] == expected_zwei(DAYS)
    spss = [((BIRTH - dt.date(1582, 10, 14)).days * 86400.0)], \
        [((VISIT - dt.date(1582, 10, 14)).days * 86400.0 + 3600)]
    assert age_of(*spss, date_format="spss")["zwei"][0] == expected_zwei(DAYS)
    # DHS century day codes count as Excel does (1900 a leap year): 1900-03-01 onwards they are
    # days since 1899-12-30 (DHS Program, "calculating the age of children")
    cdc = [(BIRTH - dt.date(1899, 12, 30)).days], [(VISIT - dt.date(1899, 12, 30)).days]
    assert age_of(*cdc, date_format="cdc")["zwei"][0] == expected_zwei(DAYS)
    assert dates.to_days(np.array([float(cdc[0][0])]), "cdc")[0] == \
        (BIRTH - dt.date(1970, 1, 1)).days


def test_excel_serials_around_the_1900_leap_bug():
    assert dates.to_days(np.array([1.0, 59.0, 61.0, 25569.0, 45356.0]), None) .tolist() == [
        (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days,
        (dt.date(1900, 2, 28) - dt.date(1970, 1, 1)).days,
        (dt.date(1900, 3, 1) - dt.date(1970, 1, 1)).days, 0.0,
        (VISIT - dt.date(1970, 1, 1)).days]
    assert dates.to_days(np.array([60.0]), None)[0] == -math.inf  # 1900-02-29 never was


def test_bad_dates_give_reasons_not_errors():
    out = age_of(["31/02/2023", "", "2025-01-01", "soon", "23/11/2022", "2022", "9999999"],
                 ["05/03/2024", "05/03/2024", "05/03/2024", "05/03/2024", None, "05/03/2024",
                  "05/03/2024"])
    assert out["reason"].tolist() == ["age_invalid: zwei", "age_missing: zwei",
                                      "age_invalid: zwei", "age_invalid: zwei",
                                      "age_missing: zwei", "age_invalid: zwei",
                                      "age_invalid: zwei"]


@pytest.mark.parametrize("make", [
    lambda d: pd.Series(pd.to_datetime(d)),
    lambda d: pd.Series(pd.to_datetime(d)).dt.tz_localize("Asia/Jakarta"),
    lambda d: pl.Series(d).str.to_date(),
    lambda d: pl.Series(d).str.to_datetime(),
    lambda d: pa.array(pd.to_datetime(d).date, type=pa.date32()),
    lambda d: pa.chunked_array([pa.array(pd.to_datetime(d), type=pa.timestamp("ms"))]),
    lambda d: np.array(d, dtype="datetime64[D]"),
    lambda d: pd.Series(d, dtype="string[pyarrow]"),
])
def test_real_date_columns_of_every_library(make):
    birth = make(["2022-11-23", "2021-01-31"])
    visit = make(["2024-03-05", "2024-03-05"])
    out = zscore.classify(sex=[1, 1], birth_date=birth, visit_date=visit, weight=[10.0, 10.0])
    assert out["zwei"].tolist() == [expected_zwei(DAYS),
                                    expected_zwei((VISIT - dt.date(2021, 1, 31)).days)]


def test_dates_in_a_polars_and_an_arrow_table():
    df = pl.DataFrame({"sex": [1], "dob": [BIRTH], "visit_date": [VISIT], "weight": [10.0]})
    out = zscore.classify(df, birth_date="dob")
    assert out.get_column("zwei").to_list() == [expected_zwei(DAYS)]
    out = zscore.classify(df.to_arrow(), birth_date="dob")
    assert out.column("zwei").to_pylist() == [expected_zwei(DAYS)]


def test_an_age_column_fills_the_rows_without_dates():
    table = {"sex": [1, 1], "tanggal lahir": ["2022-11-23", None],
             "tanggal ukur": ["2024-03-05", "2024-03-05"], "umur (bulan)": [99.0, 14.0],
             "weight": [10.0, 10.0]}
    out = zscore.classify(table)
    assert out["zwei"].tolist() == [expected_zwei(DAYS), expected_zwei(14 * 30.4375)]


def test_an_explicit_age_wins_over_the_dates():
    table = {"sex": [1], "dob": ["2022-11-23"], "visit": ["2024-03-05"], "days": [300],
             "weight": [10.0]}
    out = zscore.classify(table, age="days", birth_date="dob", visit_date="visit")
    assert out["zwei"][0] == expected_zwei(300)


def test_date_parts_impute_an_unknown_day():
    parts = dates.DateColumns([98, 5, 31], [3, 7, 2], [2019, 2020, 2021], impute_day=16)
    assert dates.prepare(parts).tolist() == [dt.date(2019, 3, 16), dt.date(2020, 7, 5), None]


def test_child_takes_dates_too():
    r = zscore.child(sex="L", birth_date="23/11/2022", visit_date="05/03/2024", weight=10.0)
    assert r.zwei == expected_zwei(DAYS)
    with pytest.raises(InputError, match="date_format"):
        zscore.child(sex="L", birth_date="01/02/2023", visit_date="05/03/2024", weight=10.0)
