"""The mergeable accumulators of zscore.prevalence and zscore.quality (issue 10): a table given
in parts (any split, an empty part, a group present in one part only, a PSU split across parts,
parts merged in any order) gives the in-memory table, up to floating-point rounding; an
accumulator pickles, stays small, and on WHO's survey reference data split into parts still
reproduces WHO's tables.
"""

from __future__ import annotations

import importlib
import itertools
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore import InputError
from zscore.accumulate import tree_merge
from zscore.prevalence import PrevalenceAccumulator
from zscore.quality import QualityAccumulator

from .reference._who import read
from .reference.test_prevalence import CASES, assert_table, expected

#: WHO's exclusions and the design's notes are announced; checked in test_prevalence.py
pytestmark = pytest.mark.filterwarnings("ignore::zscore.ZScoreWarning")

RTOL = 1e-12
ATOL = 1e-12  # a figure that is 0 in one and 1e-17 in the other (a variance of 0)
NUMBERS = ("estimate", "se", "ci_lower", "ci_upper")


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def survey_table(seed: int = 0, n: int = 900, nstrata: int = 4, clusters: int = 30
                 ) -> pd.DataFrame:
    """Classified z-scores with a stratified cluster design (clusters numbered within strata,
    text strata), sampling weights (some 0), a region and a wealth quintile, rows in random
    order (every PSU is split by any split of the rows)."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, nstrata, n)
    table = pd.DataFrame({
        "csex": rng.integers(1, 3, n).astype(float),
        "age": rng.uniform(0, 1826, n),
        "stratum": np.array([f"s{k}" for k in range(nstrata)])[stratum],
        "cluster": rng.integers(0, clusters, n),
        "w": np.where(rng.random(n) < 0.05, 0.0, rng.uniform(0.5, 3.0, n)),
        "region": rng.choice(["north", "south", "east", None], n, p=[0.4, 0.3, 0.25, 0.05]),
        "wealthq": rng.integers(1, 6, n),
        "oedema": np.where(rng.random(n) < 0.01, "y", "n"),
    })
    for column in ("zlen", "zwei", "zbmi", "zwfl"):
        z = np.round(rng.normal(-1.0, 1.3, n), 2).clip(-5.5, 5.5)
        z[rng.random(n) < 0.08] = np.nan
        table[column] = z
    return table


def split(n: int, k: int, rng: np.random.Generator, empty: bool = True) -> list[slice]:
    """k slices of rows 0..n-1 at random points, in order, and one more, empty, among them
    when ``empty``."""
    cuts = sorted(rng.choice(np.arange(1, n), size=k - 1, replace=False).tolist())
    bounds = [0, *cuts, n]
    parts = [slice(a, b) for a, b in itertools.pairwise(bounds)]
    if empty and k > 1:
        at = int(rng.integers(0, len(bounds)))
        parts.insert(at, slice(bounds[at], bounds[at]))
    return parts


def accumulate(make, table, parts, rng, how: str = "shuffled", start: bool = False):
    """One accumulator per part, merged: in order, in a shuffled order, or as a tree."""
    accs = []
    for sl in parts:
        acc = make()
        if start:
            quiet(acc.add, table.iloc[sl], start=sl.start)
        else:
            quiet(acc.add, table.iloc[sl])
        accs.append(acc)
    if how == "in order":
        out = accs[0]
        for acc in accs[1:]:
            out.merge(acc)
        return out
    if how == "tree":
        return tree_merge(accs)
    order = rng.permutation(len(accs))
    out = accs[order[0]]
    for i in order[1:]:
        out.merge(accs[i])
    return out


def assert_same(got: pd.DataFrame, want: pd.DataFrame, numbers=NUMBERS) -> None:
    assert list(got.columns) == list(want.columns)
    assert got.shape == want.shape
    for column in want.columns:
        if column in numbers or want[column].dtype.kind == "f":
            np.testing.assert_allclose(got[column].to_numpy(dtype=float),
                                       want[column].to_numpy(dtype=float), rtol=RTOL,
                                       atol=ATOL, err_msg=column)
        else:
            assert got[column].tolist() == want[column].tolist(), column
    assert got.attrs == want.attrs


# --- prevalence ------------------------------------------------------------------------------
DESIGNS = {
    "simple": dict(),
    "weights": dict(weights="w"),
    "strata": dict(weights="w", strata="stratum"),
    "cluster": dict(weights="w", cluster="cluster"),
    "strata and cluster": dict(weights="w", cluster="cluster", strata="stratum"),
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    t = survey_table()
    t.loc[100:140, "region"] = "island"  # a group present in one part only (for most splits)
    return t


@pytest.mark.parametrize("layout", ["tidy", "who"])
@pytest.mark.parametrize("design", list(DESIGNS))
@pytest.mark.parametrize("k", [1, 2, 7])
def test_prevalence_in_parts_is_the_in_memory_table(table, design, k, layout):
    kw = dict(DESIGNS[design], by=["region", "wealthq"], layout=layout)
    want = quiet(zscore.prevalence, table, **kw)
    rng = np.random.default_rng(k * 10 + len(design))
    parts = split(len(table), k, rng)
    # WHO lists the groups of a design without strata or clusters in order of first
    # appearance: parts merged out of order say where they start
    got = accumulate(lambda: PrevalenceAccumulator(**kw), table, parts, rng,
                     start=design in ("simple", "weights")).result()
    assert_same(got, want)
    if k == 1:  # one part: the same arithmetic as in memory, bit for bit
        pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize("how", ["in order", "tree"])
def test_prevalence_parts_merged_in_order_or_as_a_tree(table, how):
    kw = dict(DESIGNS["strata and cluster"], by="region")
    want = quiet(zscore.prevalence, table, **kw)
    rng = np.random.default_rng(5)
    got = accumulate(lambda: PrevalenceAccumulator(**kw), table, split(len(table), 7, rng),
                     rng, how=how).result()
    assert_same(got, want)
    # without a design the parts' order is the rows' order
    kw = dict(by="region")
    want = quiet(zscore.prevalence, table, **kw)
    got = accumulate(lambda: PrevalenceAccumulator(**kw), table, split(len(table), 7, rng),
                     rng, how=how).result()
    assert_same(got, want)


def test_one_accumulator_taking_every_part(table):
    """add() after add(): the file read in batches."""
    kw = dict(DESIGNS["strata and cluster"], by=["region", "wealthq"])
    acc = PrevalenceAccumulator(**kw)
    for sl in split(len(table), 7, np.random.default_rng(1)):
        quiet(acc.add, table.iloc[sl])
    assert_same(acc.result(), quiet(zscore.prevalence, table, **kw))


def test_a_psu_split_across_parts_is_one_psu():
    """Rows sorted by PSU, cut inside PSUs: the degrees of freedom count each PSU once."""
    t = survey_table(3).sort_values(["stratum", "cluster"]).reset_index(drop=True)
    kw = dict(weights="w", cluster="cluster", strata="stratum")
    want = quiet(zscore.prevalence, t, **kw)
    acc = PrevalenceAccumulator(**kw)
    for a in range(0, len(t), 37):  # 37 rows: every cut falls inside a PSU of ~8 rows
        quiet(acc.add, t.iloc[a:a + 37])
    got = acc.result()
    assert got.attrs["df"] == want.attrs["df"] == (
        t.groupby(["stratum", "cluster"]).ngroups - t["stratum"].nunique())
    assert_same(got, want)


def test_partitions_of_one_cluster_each():
    """Dask partitions by cluster: each part alone has one cluster (its rows would be its PSUs),
    together they are a clustered design."""
    t = survey_table(4, n=400, clusters=12)
    kw = dict(weights="w", cluster="cluster", strata="stratum", by="region")
    accs = [quiet(PrevalenceAccumulator(**kw).add, part) for _, part in t.groupby("cluster")]
    assert_same(tree_merge(accs).result(), quiet(zscore.prevalence, t, **kw))
    # and a design whose one cluster value makes every child a PSU
    one = t.assign(cluster=7)
    accs = [quiet(PrevalenceAccumulator(**kw).add, one.iloc[a:a + 150]) for a in (0, 150, 300)]
    assert_same(tree_merge(accs).result(), quiet(zscore.prevalence, one, **kw))


@pytest.mark.parametrize("scale", [1e150, 1e-200])
def test_absurd_weights_in_one_part_only(table, scale):
    """A part whose weights need rescaling merged with ordinary ones: the same figures."""
    t = table.copy()
    t.loc[:300, "w"] *= scale
    kw = dict(DESIGNS["strata and cluster"], by="region")
    want = quiet(zscore.prevalence, t, **kw)
    rng = np.random.default_rng(2)
    got = accumulate(lambda: PrevalenceAccumulator(**kw), t, split(len(t), 2, rng), rng)
    got = got.result()
    numbers = got[got.statistic != "n (weighted)"], want[want.statistic != "n (weighted)"]
    assert_same(*numbers)
    weighted = (got.statistic == "n (weighted)").to_numpy()
    np.testing.assert_allclose(got.estimate[weighted], want.estimate[weighted], rtol=1e-12)


def test_the_5_19_year_table_in_parts():
    rng = np.random.default_rng(8)
    n = 600
    t = pd.DataFrame({"sex": rng.integers(1, 3, n), "age": rng.uniform(61, 228, n),
                      "weight": rng.uniform(15, 60, n), "lenhei": rng.uniform(105, 180, n),
                      "region": rng.choice(["a", "b"], n), "w": rng.uniform(1, 2, n),
                      "cluster": rng.integers(0, 20, n)})
    kw = dict(age_unit="months", weights="w", cluster="cluster", by="region")
    want = quiet(zscore.prevalence, t, **kw)
    assert want.attrs["standard"] == "2007"
    got = accumulate(lambda: PrevalenceAccumulator(**kw), t, split(n, 3, rng), rng).result()
    assert_same(got, want)
    # a child under 5 in the last part: the 0-5 year table, as in memory
    t.loc[n - 1, "age"] = 30.0
    want = quiet(zscore.prevalence, t, **kw)
    assert want.attrs["standard"] == "2006"
    got = accumulate(lambda: PrevalenceAccumulator(**kw), t, split(n, 3, rng), rng,
                     how="in order").result()
    assert_same(got, want)


@pytest.mark.parametrize("case", list(CASES))
def test_who_survey_reference_data_in_parts(case):
    """WHO's anthro_prevalence tables, from the raw measurements given in 5 parts."""
    name, kw = CASES[case]
    cases = read("survey_cases.csv")
    rng = np.random.default_rng(11)
    parts = split(len(cases), 5, rng)

    def make():
        return PrevalenceAccumulator(age="age_days", layout="who", **kw)

    got = accumulate(make, cases, parts, rng, start=True).result()
    assert_table(got, expected(name))
    want = quiet(zscore.prevalence, cases, age="age_days", layout="who", **kw)
    assert_same(got, want)


def test_pickled_accumulators_merge(table):
    kw = dict(DESIGNS["strata and cluster"], by=["region", "wealthq"])
    parts = split(len(table), 3, np.random.default_rng(6))
    accs = [pickle.loads(pickle.dumps(quiet(PrevalenceAccumulator(**kw).add, table.iloc[sl])))
            for sl in parts]
    merged = pickle.loads(pickle.dumps(tree_merge(accs)))
    assert_same(merged.result(), quiet(zscore.prevalence, table, **kw))


def test_an_accumulator_does_not_grow_with_rows():
    """Its size grows with groups x PSUs (about 320 bytes per PSU and group with rows in the
    PSU), never with rows."""
    kw = dict(weights="w", cluster="cluster", strata="stratum", by="region")
    sizes = []
    for n in (20_000, 200_000):
        acc = quiet(PrevalenceAccumulator(**kw).add, survey_table(1, n=n, clusters=30))
        sizes.append(len(pickle.dumps(acc)))
        assert abs(sizes[-1] - acc.nbytes) < 0.1 * acc.nbytes  # nbytes: what it holds
    psus, groups = 4 * 30, 1 + 6 + 2 + 12 + 5
    assert sizes[1] < 1.02 * sizes[0] < psus * groups * 330 + 50_000
    acc = quiet(PrevalenceAccumulator(by="region").add, survey_table(1, n=200_000))
    assert len(pickle.dumps(acc)) < 100_000  # no PSUs: sums per group


def test_parts_need_named_columns_and_the_same_options(table):
    acc = quiet(PrevalenceAccumulator(weights=table["w"].to_numpy()).add, table)
    with pytest.raises(InputError, match="cannot be read in parts"):
        acc.add(table)
    a = quiet(PrevalenceAccumulator(by="region").add, table)
    with pytest.raises(InputError, match="other options"):
        a.merge(PrevalenceAccumulator(by="wealthq"))
    with pytest.raises(InputError, match="no rows"):
        PrevalenceAccumulator().result()


# --- quality ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def children() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 3000
    age = rng.uniform(0, 1850, n)
    age[rng.random(n) < 0.02] = np.nan
    t = pd.DataFrame({
        "sex": rng.choice([1, 2, 0], n, p=[0.49, 0.49, 0.02]),
        "age": age,
        "weight": np.round(rng.normal(11, 2.5, n).clip(2, 30), 1),
        "lenhei": np.round(rng.normal(85, 10, n).clip(45, 120), 1),
        "measure": rng.choice(["l", "h", ""], n, p=[0.5, 0.48, 0.02]),
        "region": rng.choice(["north", "south", "east"], n),
        "w": np.where(rng.random(n) < 0.03, np.nan, rng.uniform(0.5, 3, n)),
        "birth": pd.Timestamp("2024-06-15") - pd.to_timedelta(np.nan_to_num(age), unit="D"),
    })
    t.loc[2000:2050, "region"] = "island"
    return zscore.classify(t)


QUALITY = {
    "plain": dict(),
    "by": dict(by=["region", "sex"]),
    "weighted, dates, details": dict(by="region", weights="w", birth_date="birth",
                                     details=True),
}


@pytest.mark.parametrize("case", list(QUALITY))
@pytest.mark.parametrize("k", [1, 2, 7])
def test_quality_in_parts_is_the_in_memory_table(children, case, k):
    kw = QUALITY[case]
    want = quiet(zscore.quality, children, **kw)
    rng = np.random.default_rng(k + 100)
    got = accumulate(lambda: QualityAccumulator(**kw), children,
                     split(len(children), k, rng), rng).result()
    assert_same(got, want, numbers=("n", "value", "expected", "low", "high", "p_value"))


def test_quality_kernel_sized_parts(children, monkeypatch):
    """From quality.SMALL rows the counts come from the numba kernels: parts of either kind."""
    quality_module = importlib.import_module("zscore.quality")

    big = pd.concat([children] * 4, ignore_index=True)
    kw = QUALITY["weighted, dates, details"]
    want = quiet(zscore.quality, big, **kw)
    monkeypatch.setattr(quality_module, "SMALL", 2500)
    rng = np.random.default_rng(3)
    got = accumulate(lambda: QualityAccumulator(**kw), big, split(len(big), 4, rng), rng,
                     how="tree").result()
    assert_same(got, want, numbers=("n", "value", "expected", "low", "high", "p_value"))


def test_quality_raw_measurements_in_parts():
    cases = read("survey_cases.csv")
    kw = dict(age="age_days", by="gregion", weights="sw")
    want = quiet(zscore.quality, cases, **kw)
    rng = np.random.default_rng(4)
    got = accumulate(lambda: QualityAccumulator(**kw), cases, split(len(cases), 4, rng),
                     rng).result()
    assert_same(got, want, numbers=("n", "value", "expected", "low", "high", "p_value"))


def test_quality_accumulator_pickles_and_stays_small(children):
    kw = QUALITY["weighted, dates, details"]
    parts = split(len(children), 3, np.random.default_rng(9), empty=False)
    accs = [pickle.loads(pickle.dumps(quiet(QualityAccumulator(**kw).add, children.iloc[sl])))
            for sl in parts]
    got = tree_merge(accs).result()
    assert_same(got, quiet(zscore.quality, children, **kw),
                numbers=("n", "value", "expected", "low", "high", "p_value"))
    one = quiet(QualityAccumulator(**kw).add, children.iloc[:300])
    every = quiet(QualityAccumulator(**kw).add, children)
    assert len(pickle.dumps(every)) < 1.2 * len(pickle.dumps(one)) + 10_000


# --- Dask partitions ----------------------------------------------------------------------
def test_dask_partitions_give_whos_table_and_the_in_memory_checks():
    """Partitions of WHO's survey reference data (one empty, PSUs split between partitions,
    a group in one partition only), summed on worker processes: WHO's table with cluster,
    strata and weights; quality as in memory."""
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    cases = read("survey_cases.csv")
    bounds = [0, 700, 700, 1900, 2600, len(cases)]  # 700:700 empty
    pieces = [cases.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    ddf = dd.from_delayed([dask.delayed(p) for p in pieces], meta=cases.iloc[:0],
                          verify_meta=False)
    zdask = pytest.importorskip("zscore.dask")
    name, kw = CASES["design"]
    with dask.config.set(scheduler="processes", num_workers=2):
        table = quiet(zdask.prevalence, ddf, age="age_days", layout="who", **kw)
        assert_table(table, expected(name))
        kw = dict(age="age_days", by=["gregion", "typeres"], weights="sw")
        assert_same(quiet(zdask.quality, ddf, **kw), quiet(zscore.quality, cases, **kw),
                    numbers=("n", "value", "expected", "low", "high", "p_value"))
