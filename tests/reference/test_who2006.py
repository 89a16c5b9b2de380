"""zscore against WHO's anthro on every row of tests/data/reference_cases/who2006_* and
who_anthro_sample.csv: full precision within 1e-9, WHO precision exact, flags exact."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import zscore

from ._who import Z_2006, assert_same, assert_z_and_flag, departures, read

PRECISIONS = {"who": ("who2006_expected.csv", "", 0.0),
              "full": ("who2006_expected_unrounded.csv", "", 1e-9)}


def _cases() -> pd.DataFrame:
    return read("who2006_cases.csv")


def _sample(unit: int) -> pd.DataFrame:
    s = read("who_anthro_sample.csv")
    return s[s.is_age_in_month == unit].reset_index(drop=True)


def _ours(cases: pd.DataFrame, precision: str, months: bool) -> pd.DataFrame:
    inputs = cases[["id", "sex", "age_months" if months else "age_days", "weight", "lenhei",
                    "measure", "oedema", "headc", "armc", "triskin", "subskin"]]
    return zscore.classify(inputs, age="age_months" if months else "age_days",
                           age_unit="months" if months else "days", precision=precision,
                           standard="2006")


def _check_z_and_flags(cases, expected, ours, suffix, atol):
    dep = departures(cases)
    ids = cases.id.to_numpy()
    compared = 0
    for ind in Z_2006:
        compared += assert_z_and_flag(ours, ind, expected, ind + suffix, atol=atol,
                                      skip=dep[ind], ids=ids)
    return compared


@pytest.mark.parametrize("precision", ["who", "full"])
def test_who2006_cases(precision):
    cases = _cases()
    fname, suffix, atol = PRECISIONS[precision]
    compared = _check_z_and_flags(cases, read(fname), _ours(cases, precision, False), suffix, atol)
    assert compared > 15_000


@pytest.mark.parametrize("precision", ["who", "full"])
@pytest.mark.parametrize("unit", [0, 1], ids=["days", "months"])
def test_who_anthro_sample(precision, unit):
    sample = _sample(unit)
    suffix = "" if precision == "who" else "_full"
    ours = _ours(sample, precision, months=bool(unit))
    compared = _check_z_and_flags(sample, sample, ours, suffix, 0.0 if precision == "who" else 1e-9)
    assert compared > 2_000


@pytest.mark.parametrize("source", ["cases", "sample_days", "sample_months"])
def test_cleaned_columns(source):
    """clenhei, cmeasure, c9mo_flag, cbmi and csex as WHO gives them."""
    if source == "cases":
        cases, expected, months = _cases(), read("who2006_expected.csv"), False
    else:
        months = source.endswith("months")
        cases = _sample(int(months))
        expected = cases
    ours = _ours(cases, "who", months)
    bad_len = (cases.lenhei <= 0).to_numpy()
    bad_bmi = bad_len | (cases.weight <= 0).to_numpy()
    ids = cases.id.to_numpy()
    assert_same("clenhei", ours.clenhei, expected.clenhei, atol=0.0, skip=bad_len, ids=ids)
    assert_same("cbmi", ours.cbmi, expected.cbmi, atol=0.0, skip=bad_bmi, ids=ids)
    assert ours.c9mo_flag.tolist() == expected.c9mo_flag.tolist()
    assert (ours.cmeasure.astype(object).fillna("").tolist()
            == expected.cmeasure.astype(object).fillna("").tolist())
    assert ours.csex.astype("float64").fillna(0).tolist() == expected.csex.fillna(0).tolist()


def test_negative_age_is_a_missing_age_with_a_reason():
    """WHO refuses a batch with one negative age; the reference gave WHO those ages as NA.
    zscore scores the batch, treats the age as missing and says so."""
    cases = _cases()
    negative = (cases.age_days < 0).to_numpy()
    assert negative.any()
    ours = _ours(cases, "who", False)
    for label in ours.reason[negative]:
        assert "age_invalid: zlen zwei zbmi zhc zac zts zss" in label



def test_auto_standard_scores_under_five_as_anthro():
    """standard="auto" (the default) gives anthro's answers to every row under 60 months (and
    rows without an age), and moves the older rows to the 2007 reference."""
    cases = _cases()
    inputs = cases[["sex", "age_days", "weight", "lenhei", "measure", "oedema"]]
    auto = zscore.classify(inputs, age="age_days")
    only = zscore.classify(inputs, age="age_days", standard="2006")
    older = (cases.age_days / 30.4375 >= 60).to_numpy()
    assert older.any() and (~older).sum() > 1_500
    assert (auto.standard.astype(str).to_numpy() == np.where(older, "2007", "2006")).all()
    for col in ("zlen", "zwei", "zwfl", "zbmi", "clenhei", "cbmi", "stunting", "wasting"):
        a, b = auto[col][~older], only[col][~older]
        assert a.astype(object).fillna(-99).tolist() == b.astype(object).fillna(-99).tolist(), col
    assert auto.zwfl[older].isna().all()
