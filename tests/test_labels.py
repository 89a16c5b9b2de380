"""The label columns of a numpy result (zscore.labels.Labels) read as the object arrays of
earlier versions did, row by row."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import zscore
from zscore.labels import Labels

CATS = ("normal", "stunted", "severely stunted")


def objects(codes, cats=CATS) -> list:
    """The labels as Python objects, written out."""
    return [cats[c] if c >= 0 else None for c in codes]


@pytest.fixture
def s() -> Labels:
    return Labels(np.array([0, 1, -1, 2, 0, -1], dtype=np.int8), CATS)


def test_rows_read_as_labels_or_none(s):
    want = objects([0, 1, -1, 2, 0, -1])
    assert s.tolist() == list(s) == want
    assert [s[i] for i in range(len(s))] == want and s[-1] is None and s[2] is None
    assert s[1:4].tolist() == want[1:4] and s[np.array([True, False] * 3)].tolist() == want[::2]
    assert s[[3, 0]].tolist() == ["severely stunted", "normal"]
    arr = np.asarray(s)
    assert arr.dtype == object and arr.tolist() == want and s.dtype == object
    assert np.asarray(s) is arr  # built once
    assert s.shape == (6,) and s.size == 6 and s.ndim == 1
    assert s.astype(str).tolist() == [str(v) for v in want]


def test_comparisons_work_on_the_codes(s):
    assert (s == "stunted").tolist() == [False, True, False, False, False, False]
    assert (s != "normal").tolist() == [False, True, True, True, False, True]
    assert (s == "no such label").sum() == 0
    assert (s == None).tolist() == s.isna().tolist() == [v is None for v in s]  # noqa: E711
    assert s.isin(["stunted", "severely stunted"]).tolist() == [False, True, False, True, False,
                                                                False]
    assert s.isin(["normal", None]).tolist() == [True, False, True, False, True, True]
    assert (s == np.asarray(s)).all()
    assert s.counts() == {"normal": 2, "stunted": 1, "severely stunted": 1, None: 2}


def test_other_libraries_get_codes_not_objects(s):
    cat = s.to_pandas()
    assert isinstance(cat, pd.Categorical)
    assert [None if v != v else v for v in cat.tolist()] == s.tolist()
    arrow = pa.array(s)
    assert pa.types.is_dictionary(arrow.type) and arrow.to_pylist() == s.tolist()
    assert pd.DataFrame({"s": s})["s"].tolist()[:2] == ["normal", "stunted"]
    again = pickle.loads(pickle.dumps(s))
    assert again.tolist() == s.tolist() and again.categories == CATS
    assert "stunted" in repr(s)


def test_classify_on_arrays_gives_labels_equal_to_the_codes():
    rng = np.random.default_rng(3)
    n = 25_000  # the parallel path
    out = zscore.classify(sex=rng.integers(1, 3, n), age=rng.uniform(0, 1900, n),
                          weight=rng.uniform(2, 25, n), lenhei=rng.uniform(45, 125, n),
                          measure=rng.choice(["l", "h", ""], n))
    for name in ("cmeasure", "stunting", "underweight", "wasting", "overweight", "reason",
                 "standard"):
        col = out[name]
        assert isinstance(col, Labels), name
        assert col.tolist() == objects(col.codes.tolist(), col.categories), name
    stunted = out["stunting"] == "stunted"
    assert stunted.dtype == bool and stunted.sum() == (np.asarray(out["stunting"]) ==
                                                       "stunted").sum()
