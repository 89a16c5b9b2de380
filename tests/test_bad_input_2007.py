"""Bad input for 5-19 years: a missing z and a reason, never an exception, never a lost row.
anthroplus stops a whole batch on one negative age, height or weight (WHO_RULES.md C); zscore
reports that row's value as invalid instead (section G)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import zscore


def one(**kw):
    base = dict(sex=2, age=100.0, weight=26.0, lenhei=130.0, oedema="n")
    base.update(kw)
    out = zscore.classify(**{k: [v] for k, v in base.items()}, age_unit="months",
                          standard="2007")
    return {k: v[0] for k, v in out.items()}


@pytest.mark.parametrize("kw, reason", [
    (dict(weight=-30.0), "weight_invalid: zwei zbmi"),
    (dict(weight=0.0), "weight_invalid: zwei zbmi"),
    (dict(weight="heavy"), "weight_invalid: zwei zbmi"),
    (dict(weight=math.inf), "weight_invalid: zwei zbmi"),
    (dict(lenhei=-140.0), "lenhei_invalid: zlen zbmi"),
    (dict(lenhei=0.0), "lenhei_invalid: zlen zbmi"),
    (dict(lenhei=None), "lenhei_missing: zlen zbmi"),
    (dict(age=-100.0), "age_invalid: zlen zwei zbmi"),
    (dict(age=None), "age_missing: zlen zwei zbmi"),
    (dict(age=math.inf), "age_out_of_range: zlen zwei zbmi"),
    (dict(age=59.0), "age_out_of_range: zlen zwei zbmi"),
    (dict(age=230.0), "age_out_of_range: zlen zwei zbmi"),
    (dict(sex="x"), "sex_invalid: zlen zwei zbmi"),
    (dict(sex=None), "sex_missing: zlen zwei zbmi"),
    (dict(oedema="y"), "oedema: zwei zbmi"),
    (dict(oedema="maybe"), "oedema_invalid: zwei zbmi"),
])
def test_bad_values(kw, reason):
    row = one(**kw)
    assert row["reason"] == reason
    for name in reason.split(": ")[1].split():
        assert math.isnan(row[name])
    assert row["standard"] == "2007"


def test_weight_for_age_stops_at_120_months():
    row = one(age=121.0)
    assert math.isnan(row["zwei"]) and not math.isnan(row["zbmi"])
    assert row["reason"] == "age_out_of_range: zwei"


def test_a_batch_with_bad_rows_keeps_every_row():
    n = 1_000
    rng = np.random.default_rng(3)
    age = rng.uniform(-50, 300, n)
    weight = rng.choice([np.nan, -1.0, 0.0, 35.0, 1e9], n)
    height = rng.choice([np.nan, -1.0, 0.0, 140.0, 1e9], n)
    out = zscore.classify(sex=rng.choice(["1", "2", "x", ""], n), age=age, age_unit="months",
                          weight=weight, lenhei=height, oedema=rng.choice(["y", "n", "?"], n))
    assert all(len(v) == n for v in out.values())
    missing = np.isnan(np.asarray(out["zlen"], dtype=float))
    assert all(r is not None for r in np.asarray(out["reason"], dtype=object)[missing])


@pytest.mark.parametrize("weight, height", [(1e308, 1e-300), (1e-300, 1e300)])
def test_a_bmi_that_overflows_is_invalid_not_infinite(weight, height):
    """Each input is a positive finite number, but BMI overflows to inf (or underflows to 0):
    missing, with a reason, never an infinite z (WHO_RULES.md G2)."""
    for standard in ("2006", "2007"):
        age = 100.0 if standard == "2007" else 20.0
        out = zscore.classify(sex=[1], age=[age], age_unit="months", weight=[weight],
                              lenhei=[height], standard=standard)
        assert math.isnan(out["cbmi"][0]) and math.isnan(out["zbmi"][0])
        assert "measurement_invalid: zbmi" in out["reason"][0]
