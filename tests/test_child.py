"""The single-child call: same numbers as a batch, readable and immutable."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import zscore


def test_child_equals_batch():
    rng = np.random.default_rng(5)
    for _ in range(50):
        kw = dict(sex=int(rng.integers(1, 3)), age=float(rng.uniform(0, 1900)),
                  weight=float(rng.uniform(2, 25)), lenhei=float(rng.uniform(45, 125)),
                  measure=str(rng.choice(["l", "h"])), oedema=str(rng.choice(["n", "n", "y"])),
                  headc=float(rng.uniform(30, 55)), armc=float(rng.uniform(9, 20)),
                  triskin=float(rng.uniform(4, 15)), subskin=float(rng.uniform(3, 12)))
        one = zscore.child(**kw)
        batch = zscore.classify(**{k: [v] for k, v in kw.items()})
        for name in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zts", "zss"):
            b = batch[name][0]
            assert (one.z[name] is None and math.isnan(b)) or one.z[name] == b
            f = batch["f" + name[1:]][0]
            assert (one.flags["f" + name[1:]] is None and math.isnan(f)) or one.flags[
                "f" + name[1:]] == f
        for cat in ("stunting", "underweight", "wasting", "overweight"):
            assert one.categories[cat] == batch[cat][0]
        assert one.clenhei == batch["clenhei"][0]


def test_child_reasons_and_attributes():
    kw = dict(sex="f", age=2000, weight=15.0, lenhei=100.0, measure="h", oedema="n")
    r = zscore.child(**kw, standard="2006")
    assert r.standard == "2006"
    assert r.zwei is None and r.reasons["zwei"] == "age_out_of_range"
    assert r.zwfl is None and r.reasons["zwfl"] == "age_out_of_range"
    r = zscore.child(**kw)  # 65.7 months: the 2007 reference, which has no weight-for-height
    assert r.standard == "2007" and r.zwei is not None and r.thinness == "normal"
    assert r.zwfl is None and r.reasons == {"zwfl": "age_out_of_range"}
    r = zscore.child(sex="f", age=None, weight=9.0, lenhei=75.0, measure="l")
    assert r.zwfl is not None and r.reasons == {"zlen": "age_missing", "zwei": "age_missing",
                                                  "zbmi": "age_missing"}
    with pytest.raises(AttributeError):
        _ = r.not_a_column


def test_child_is_immutable_and_prints():
    r = zscore.child(sex=1, age=365, weight=9.6, lenhei=75.7, measure="l", oedema="y")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.csex = 2
    with pytest.raises(TypeError):
        r.z["zlen"] = 0.0
    text = str(r)
    assert "length/height-for-age" in text and "oedema" in text


def test_child_pickles():
    import pickle
    r = zscore.child(sex=1, age=365, weight=9.6, lenhei=75.7, measure="l", oedema="y")
    back = pickle.loads(pickle.dumps(r))
    assert back == r and back.reasons == r.reasons and back.zlen == r.zlen
    with pytest.raises(TypeError):
        back.z["zlen"] = 0.0


def test_child_months_and_labels():
    a = zscore.child(sex=2, age=12, age_unit="months", lenhei=68.0, measure="l", labels="id")
    b = zscore.child(sex=2, age=12 * 30.4375, lenhei=68.0, measure="l", labels="id")
    assert a.zlen == b.zlen and a.stunting in ("sangat pendek", "pendek", "normal", "tinggi")


def test_child_bad_values_never_raise():
    r = zscore.child(sex="?", age="abc", weight=-1, lenhei="x")
    assert set(r.reasons.values()) == {"sex_invalid"}
    assert r.csex is None


def test_children_in_threads_do_not_share_results():
    """child() reuses its output arrays per thread: concurrent calls stay independent."""
    import threading
    results = {}

    def work(k):
        seen = set()
        for _ in range(200):
            r = zscore.child(sex=1 + k % 2, age=300 + k, weight=7.0 + 0.1 * k,
                             lenhei=66.0 + 0.5 * k, measure="l")
            seen.add((r.zlen, r.zwei, r.csex))
        results[k] = seen

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(v) == 1 for v in results.values())
    assert len({next(iter(v)) for v in results.values()}) == 6


@pytest.mark.parametrize("precision", ["who", "full"])
def test_children_one_by_one_equal_a_large_batch(precision):
    """zscore.child (scalar formula, one numba call kept from call to call) against the same
    children in one batch of several chunks (numpy's power and the fallback), mixing ages 0-19
    years and calls with and without head circumference so that every path follows another."""
    from zscore.parse import SMALL

    rng = np.random.default_rng(11)
    n = SMALL + 100
    kids = dict(sex=rng.integers(1, 3, n).astype(float), age=rng.uniform(0, 6900, n),
                weight=rng.uniform(2, 60, n), lenhei=rng.uniform(45, 175, n),
                headc=rng.uniform(30, 55, n))
    batch = zscore.classify(**kids, precision=precision)
    for i in rng.choice(n, 60, replace=False):
        kw = {k: float(v[i]) for k, v in kids.items()}
        if i % 2:
            del kw["headc"]
        one = zscore.child(**kw, precision=precision)
        for name, value in one.z.items():
            expect = batch[name][i]
            if value is None:
                assert math.isnan(expect), (i, name)
            elif precision == "who":
                assert value == expect, (i, name)
            else:
                assert abs(value - expect) <= 1e-9, (i, name)
        for cat, label in one.categories.items():
            assert label == batch[cat][i], (i, cat)


def test_reused_inputs_do_not_carry_over_between_calls():
    """child() keeps one-row input arrays per set of measurements given: a call with units
    (converted into a new array), one without, one with other measurements and text codes seen
    before under another argument each equal a batch call of their own."""
    calls = [
        dict(sex="1", age=400, weight=9000, lenhei=750, measure="1", units="weight=g,lenhei=mm"),
        dict(sex="1", age=400, weight=9.0, lenhei=75.0, measure="1"),
        dict(sex="2", age=20, age_unit="months", weight=11.0, headc=47.0, oedema="1"),
        dict(sex="1", age=400, weight=9.0, lenhei=75.0, measure="h", oedema="y"),
        dict(sex="x", age=2**60, weight=True, lenhei="80,5", measure=None),
        dict(sex=2, age=3000, weight=20.0, lenhei=120.0),  # the 2007 reference
    ]
    for _ in range(2):
        for kw in calls:
            one = zscore.child(**kw)
            batch_kw = {k: (v if k in ("units", "age_unit") else [v]) for k, v in kw.items()}
            out = zscore.classify(**batch_kw)
            for name, value in one.z.items():
                expected = out[name][0]
                assert (value is None and np.isnan(expected)) or value == expected, (kw, name)
            for column, label in one.categories.items():
                assert label == (None if out[column][0] is None else str(out[column][0])), \
                    (kw, column)
