"""zscore.prevalence against WHO's own prevalence tables (tests/data/reference_cases/survey_*).

``survey_prevalence_design_expected.csv`` is ``anthro_prevalence()`` on ``survey_cases.csv`` with
sampling weights, clusters, strata and the five grouping columns; ``..._simple_expected.csv``
the same children with no design and only ``gregion``. Every number must agree within 1e-6
(relative), NA where WHO has NA; rows are matched by WHO's ``Group`` label. WHO was given the
oedema codes as they are in the file ("n"/"y"), which its function requires (WHO_RULES.md B1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import zscore

from ._who import read

DESIGN = dict(weights="sw", cluster="cluster", strata="strata",
              by=["typeres", "gregion", "wealthq", "mothered", "othergr"])
SIMPLE = dict(by=["gregion"])
CASES = {"design": ("survey_prevalence_design_expected.csv", DESIGN),
         "simple": ("survey_prevalence_simple_expected.csv", SIMPLE)}
RTOL = 1e-6


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return read("survey_cases.csv")


def expected(name: str) -> pd.DataFrame:
    return read(name).astype({"Group": str})


def ours(data, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WHO's exclusions are announced; checked elsewhere
        return zscore.prevalence(data, age="age_days", layout="who", **kw)


def assert_table(got: pd.DataFrame, want: pd.DataFrame) -> int:
    """Same columns in WHO's order, same Group labels, every number within RTOL; returns the
    number of values compared."""
    assert list(got.columns) == list(want.columns)
    assert sorted(got["Group"]) == sorted(want["Group"])
    assert got["Group"].is_unique
    g = got.set_index("Group").loc[want["Group"]]
    w = want.set_index("Group")
    problems = []
    for column in w.columns:
        a = g[column].to_numpy(dtype=np.float64)
        b = w[column].to_numpy(dtype=np.float64)
        both_na = np.isnan(a) & np.isnan(b)
        close = np.abs(a - b) <= RTOL * np.abs(b)
        bad = ~(both_na | close)
        for i in np.flatnonzero(bad)[:3]:
            problems.append(f"{w.index[i]} {column}: zscore {a[i]!r}, WHO {b[i]!r}")
    assert not problems, "\n".join(problems)
    return w.size


@pytest.mark.parametrize("case", list(CASES))
def test_raw_measurements_reproduce_who(cases, case):
    name, kw = CASES[case]
    want = expected(name)
    assert assert_table(ours(cases, **kw), want) == want.shape[0] * (want.shape[1] - 1)


@pytest.mark.parametrize("case", list(CASES))
def test_classified_table_reproduces_who(cases, case):
    """From zscore.classify's output (z-scores and flags read, not recomputed)."""
    name, kw = CASES[case]
    scored = zscore.classify(cases, age="age_days")
    assert_table(ours(scored, **kw), expected(name))


def test_row_order_is_whos(cases):
    """With the full design WHO sorts free-text groups; without one it keeps their order of
    first appearance. zscore lays the rows out the same way."""
    for name, kw in CASES.values():
        assert list(ours(cases, **kw)["Group"]) == list(expected(name)["Group"])


@pytest.mark.parametrize("classified", [False, True])
@pytest.mark.parametrize("kind", ["polars", "pyarrow", "dict"])
def test_other_table_kinds_give_the_same_numbers(cases, kind, classified):
    name, kw = CASES["design"]
    if kind == "polars":
        pl = pytest.importorskip("polars")
        data = pl.from_pandas(cases)
    elif kind == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        data = pa.Table.from_pandas(cases, preserve_index=False)
    else:
        data = {c: cases[c].to_numpy() for c in cases.columns}
    if classified:  # classify's output of the same kind (its flags are nullable integers)
        data = zscore.classify(data, age="age_days")
    assert_table(ours(data, **kw), expected(name))


def test_tidy_layout_holds_the_same_numbers(cases):
    """Every WHO cell is one (group, indicator, statistic) row of the tidy table."""
    name, kw = CASES["design"]
    want = expected(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tidy = zscore.prevalence(cases, age="age_days", **kw)
    label = np.where(tidy["group_variable"] == "All", "All",
                     tidy["group_variable"] + ": " + tidy["group"])
    tidy = tidy.assign(Group=label)
    estimate = tidy.pivot(index="Group", columns="who_column", values="estimate")
    compared = 0
    for column in want.columns[1:]:
        stem, _, stat = column.rpartition("_")
        if column.endswith(("_pop", "_unwpop", "_stdev")) or stat == "r":
            source, field = column, "estimate"
        else:
            source, field = f"{stem}_r", {"se": "se", "ll": "ci_lower", "ul": "ci_upper"}[stat]
        table = estimate if field == "estimate" else tidy.pivot(
            index="Group", columns="who_column", values=field)
        got = table.loc[want["Group"], source].to_numpy(dtype=np.float64)
        b = want[column].to_numpy(dtype=np.float64)
        ok = (np.isnan(got) & np.isnan(b)) | (np.abs(got - b) <= RTOL * np.abs(b))
        assert ok.all(), column
        compared += ok.size
    assert compared == want.shape[0] * (want.shape[1] - 1)
