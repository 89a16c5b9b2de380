"""Bad rows get a missing z and a reason, never an exception, never a lost row; structural
problems get one clear error."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore import InputError


def one(standard="auto", **kw):
    base = dict(sex=1, age=400.0, weight=9.0, lenhei=75.0, measure="l", oedema="n")
    base.update(kw)
    out = zscore.classify(**{k: [v] for k, v in base.items()}, standard=standard)
    return {k: v[0] for k, v in out.items()}


def reasons(row):
    return row["reason"] or ""


@pytest.mark.parametrize("value, reason", [
    (math.nan, "weight_missing"), (None, "weight_missing"), ("", "weight_missing"),
    (math.inf, "weight_invalid"), (-math.inf, "weight_invalid"), (-3.0, "weight_invalid"),
    (0.0, "weight_invalid"), ("abc", "weight_invalid"), ("9,5", "weight_invalid"),
])
def test_bad_weight(value, reason):
    row = one(weight=value)
    assert math.isnan(row["zwei"]) and math.isnan(row["zwfl"]) and math.isnan(row["zbmi"])
    assert math.isnan(row["fwei"])
    assert f"{reason}: zwei zwfl zbmi" in reasons(row)
    assert not math.isnan(row["zlen"])  # the other indicators are unaffected


def test_numeric_text_is_read():
    assert one(weight=" 9.0 ")["zwei"] == one(weight=9.0)["zwei"]


@pytest.mark.parametrize("value, reason", [
    (math.nan, "lenhei_missing"), (-75.0, "lenhei_invalid"), (0.0, "lenhei_invalid"),
    ("tall", "lenhei_invalid"),
])
def test_bad_lenhei(value, reason):
    row = one(lenhei=value)
    assert math.isnan(row["zlen"]) and math.isnan(row["zwfl"]) and math.isnan(row["zbmi"])
    assert f"{reason}: zlen zwfl zbmi" in reasons(row)
    assert not math.isnan(row["zwei"])


@pytest.mark.parametrize("value, reason", [
    (math.nan, "age_missing"), (-1.0, "age_invalid"), ("soon", "age_invalid"),
    (math.inf, "age_out_of_range"), (1826.25, "age_out_of_range"), (5000, "age_out_of_range"),
])
def test_bad_age_keeps_weight_for_length(value, reason):
    """An infinite age is too old (WHO: months < 60 is FALSE, so no weight-for-length either)."""
    row = one(age=value, standard="2006")
    assert math.isnan(row["zlen"]) and math.isnan(row["zwei"]) and math.isnan(row["zbmi"])
    if reason == "age_out_of_range":
        assert math.isnan(row["zwfl"])
        assert reasons(row) == f"{reason}: zlen zwei zwfl zbmi"
    else:
        # without a usable age, WHO still scores weight-for-length by the measure
        assert reasons(row) == f"{reason}: zlen zwei zbmi"
        assert not math.isnan(row["zwfl"])


@pytest.mark.parametrize("value, reason", [
    (None, "sex_missing"), (math.nan, "sex_missing"), ("mle", "sex_invalid"), (1.5, "sex_invalid"),
    (0, "sex_invalid"), ("x", "sex_invalid"), ("3", "sex_invalid"),
])
def test_bad_sex(value, reason):
    row = one(sex=value)
    assert all(math.isnan(row[z]) for z in ("zlen", "zwei", "zwfl", "zbmi"))
    assert reasons(row) == f"{reason}: zlen zwei zwfl zbmi"
    assert math.isnan(row["csex"])


@pytest.mark.parametrize("value", [1, 2, "1", "2", "m", "f", "M", "F", " m ", 1.0, np.int8(2),
                                   "male", "Female", "L", "P", "Laki-laki", "perempuan", "boy"])
def test_sex_codes_accepted(value):
    assert not math.isnan(one(sex=value)["zlen"])


def test_oedema_codes():
    for code in ("y", "Y", "1", 1, " y"):
        row = one(oedema=code)
        assert math.isnan(row["zwei"]) and math.isnan(row["zwfl"]) and math.isnan(row["zbmi"])
        assert "oedema: zwei zwfl zbmi" in reasons(row)
        assert not math.isnan(row["zlen"])
    for code in ("n", "N", "2", 2, None, math.nan, ""):
        assert not math.isnan(one(oedema=code)["zwei"])
    row = one(oedema="maybe")
    assert "oedema_invalid: zwei zwfl zbmi" in reasons(row)


def test_invalid_measure_code():
    row = one(measure="x")
    assert math.isnan(row["zlen"]) and math.isnan(row["clenhei"])
    assert "measure_invalid: zlen zwfl zbmi" in reasons(row)
    assert row["cmeasure"] is None
    # missing measure is fine: no adjustment (WHO)
    row = one(measure=None)
    assert row["clenhei"] == 75.0 and not math.isnan(row["zlen"])


def test_lenhei_outside_weight_for_length_table():
    row = one(lenhei=44.0, age=10)
    assert math.isnan(row["zwfl"]) and "lenhei_out_of_range: zwfl" in reasons(row)
    assert not math.isnan(row["zlen"])


def test_mixed_bad_batch_keeps_every_row_in_order():
    n = 1000
    rng = np.random.default_rng(0)
    junk = np.array([1, 2, "m", "f", None, "?", np.nan, 3.5, "2"], dtype=object)
    df = pd.DataFrame({
        "child_id": np.arange(n),
        "sex": junk[rng.integers(0, len(junk), n)],
        "age": np.where(rng.random(n) < 0.1, -5.0, rng.uniform(0, 2000, n)),
        "weight": np.where(rng.random(n) < 0.1, "heavy", rng.uniform(-1, 25, n).astype(str)),
        "lenhei": rng.uniform(-10, 130, n),
        "measure": np.array(["l", "h", "L", None, "x", " h"], dtype=object)[rng.integers(0, 6, n)],
        "oedema": np.array(["n", "y", None, "?", 1, 2], dtype=object)[rng.integers(0, 6, n)],
    })
    out = zscore.classify(df)
    assert len(out) == n
    assert out.child_id.tolist() == list(range(n))
    missing = out.zwei.isna()
    assert out.reason[missing].notna().all()  # every missing z-score has a reason
    assert out.zwei.notna().sum() > 0


def test_structural_errors_are_clear():
    with pytest.raises(InputError, match="sex is required"):
        zscore.classify(age=[1.0], weight=[3.0])
    with pytest.raises(InputError, match="every column must have"):
        zscore.classify(sex=[1, 2], age=[1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="no such column"):
        zscore.classify(pd.DataFrame({"sex": [1]}), age="age_days")
    with pytest.raises(InputError, match="precision"):
        zscore.classify(sex=[1], precision="exact")
    with pytest.raises(InputError, match="age_unit"):
        zscore.classify(sex=[1], age=[1], age_unit="years")
    with pytest.raises(InputError, match="labels"):
        zscore.classify(sex=[1], labels="fr")
    with pytest.raises(InputError, match="DataFrame"):
        zscore.classify([[1, 2]])
    assert issubclass(InputError, ValueError)


def test_scalars_broadcast_and_empty_input():
    out = zscore.classify(sex=2, age=[100, 200, 300], weight=6.0)
    assert out["zwei"].shape == (3,)
    empty = zscore.classify(sex=[], age=[], weight=[], lenhei=[])
    assert empty["zwei"].shape == (0,) and "cbmi" in empty and "clenhei" in empty


def test_extreme_but_finite_values_do_not_crash():
    row = one(weight=1e300, lenhei=1e-300)
    assert row["fwei"] == 1  # flagged, not an exception


@pytest.mark.parametrize("column, message", [
    ({1, 2}, "a set has no order"),
    (frozenset({1, 2}), "a set has no order"),
    ((s for s in (1, 2)), "a generator or iterator cannot be a column"),
    (iter([1, 2]), "a generator or iterator cannot be a column"),
    ({"a": 1, "b": 2}, "a dict cannot be a column"),
    ({"a": 1, "b": 2}.values(), "dict_values cannot be a column"),
])
def test_unordered_arguments_are_a_clear_error(column, message):
    with pytest.raises(InputError, match=message):
        zscore.classify(sex=column, age=[100, 200], weight=[5.0, 6.0])


def test_unordered_dict_column_is_a_clear_error():
    with pytest.raises(InputError, match="column 'age': a set has no order"):
        zscore.classify({"sex": [1, 2], "age": {100, 200}})


def test_cells_holding_lists_are_invalid_values():
    ages = [[100], [200, 300], {"days": 100}, 400]
    expected = ["age_invalid: zwei"] * 3 + [None]
    df = pd.DataFrame({"sex": [1, 2, 1, 2], "age": ages, "weight": [5.0, 6.0, 7.0, 8.0]})
    reasons = zscore.classify(df).reason
    assert [r if isinstance(r, str) else None for r in reasons] == expected
    out = zscore.classify(sex=[1, 2, 1, 2], age=ages, weight=[5.0, 6.0, 7.0, 8.0])
    assert out["reason"].tolist() == expected
    # lists of one length are cells too: a cell's answer never depends on its neighbours
    out = zscore.classify(sex=[1, 2], age=[[100], [200]], weight=[5.0, 6.0])
    assert out["reason"].tolist() == ["age_invalid: zwei"] * 2
    with pytest.raises(InputError, match="1-dimensional"):  # a 2-d array is a table
        zscore.classify(sex=[1, 2], age=np.array([[100], [200]]), weight=[5.0, 6.0])


def test_notes_point_at_the_callers_line():
    """zscore's own warnings name the user's line, not zscore's internals (numpy's warnings are
    switched off inline, without a frame that would shift them)."""
    import warnings

    d = dict(sex=[1, 2] * 5, age=[400, 3000] * 5, weight=[9.0] * 10, lenhei=[75.0] * 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        zscore.classify({"sex": [1], "weight": [9.0]})
        zscore.prevalence(d)
        zscore.quality(d)
    notes = [w for w in caught if issubclass(w.category, zscore.ZScoreWarning)]
    assert notes and all(w.filename == __file__ for w in notes), [
        (w.filename, str(w.message)[:40]) for w in notes]
