"""zscore.dask on a real dask.distributed LocalCluster (two worker processes): the same answers
as in memory, partition by partition."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import zscore

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
zdask = pytest.importorskip("zscore.dask")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _register(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    birth = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), "D")
    visit = birth + pd.to_timedelta(rng.integers(0, 1800, n), "D")
    return pd.DataFrame({
        "Jenis Kelamin": rng.choice(["L", "P", "x"], n, p=[0.49, 0.49, 0.02]),
        "Tanggal Lahir": birth.strftime("%d/%m/%Y"),
        "Tanggal Penimbangan": visit.strftime("%d/%m/%Y"),
        "Berat Badan (kg)": np.where(rng.random(n) < 0.03, np.nan,
                                     rng.uniform(2, 25, n).round(1)),
        "Tinggi Badan (cm)": rng.uniform(45, 120, n).round(1),
        "Cara Ukur": rng.choice(["Terlentang", "Berdiri"], n),
        "Desa": rng.choice(["Sukamaju", "Cibodas", "Mekarsari"], n),
        "id": np.arange(n),
    })


def _same(out: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert list(out.columns) == list(ref.columns)
    assert len(out) == len(ref)
    for c in ref.columns:
        a = out[c].reset_index(drop=True).astype(object).where(out[c].notna().to_numpy(), None)
        b = ref[c].reset_index(drop=True).astype(object).where(ref[c].notna().to_numpy(), None)
        assert a.tolist() == b.tolist(), c


def test_classify_equals_in_memory_row_for_row(client):
    df = _register(30_000)
    ddf = dd.from_pandas(df, npartitions=6)
    out = zdask.classify(ddf)
    assert isinstance(out, dd.DataFrame)
    _same(out.compute(), zscore.classify(df))


def test_classify_keeps_the_first_rows_decisions_and_handles_an_empty_partition(client):
    df = _register(2_000, seed=8)
    parts = [df.iloc[:700], df.iloc[:0], df.iloc[700:]]
    ddf = dd.from_delayed([dask.delayed(lambda p: p)(p) for p in parts],
                          meta=df.iloc[:0], verify_meta=False)
    _same(zdask.classify(ddf, labels="id").compute().reset_index(drop=True),
          zscore.classify(df, labels="id").reset_index(drop=True))


def test_classify_refuses_arrays_and_other_tables():
    df = _register(10)
    with pytest.raises(zscore.InputError, match="dask DataFrame"):
        zdask.classify(df)
    with pytest.raises(zscore.InputError, match="name a column"):
        zdask.classify(dd.from_pandas(df, npartitions=1), sex=np.ones(10))


def _survey(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1826, n).round(),
        "weight": rng.uniform(2, 25, n).round(1), "lenhei": rng.uniform(45, 120, n).round(1),
        "sw": rng.uniform(0.2, 3.0, n), "psu": rng.integers(0, 60, n),
        "stratum": rng.integers(0, 6, n), "region": rng.choice(["Aceh", "Bali", "Jambi"], n),
    })


def _close(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if pd.api.types.is_numeric_dtype(a[c]):
            np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float),
                                       rtol=1e-10, atol=1e-12, err_msg=c)
        else:
            assert a[c].astype(object).tolist() == b[c].astype(object).tolist(), c


def test_prevalence_and_quality_equal_in_memory_on_a_cluster(client):
    df = _survey(6_000)
    # shuffled, so every PSU is split across partitions; one region only in the last one
    df = df.sample(frac=1.0, random_state=1).reset_index(drop=True)
    df.loc[5_500:, "region"] = "Papua"
    ddf = dd.from_pandas(df, npartitions=5)
    design = dict(weights="sw", cluster="psu", strata="stratum", by="region")
    _close(zdask.prevalence(ddf, **design), zscore.prevalence(df, **design))
    _close(zdask.prevalence(ddf, layout="who", **design),
           zscore.prevalence(df, layout="who", **design))
    _close(zdask.quality(ddf, weights="sw", by="region"),
           zscore.quality(df, weights="sw", by="region"))


def test_whos_survey_table_on_the_cluster(client):
    """WHO's anthro_prevalence table (cluster, strata, weights) of the survey reference data,
    from partitions summed on the cluster's worker processes: one partition empty, PSUs split
    between partitions."""
    import warnings

    from .reference._who import read
    from .reference.test_prevalence import CASES, assert_table, expected

    cases = read("survey_cases.csv")
    cases = cases.sample(frac=1.0, random_state=4).reset_index(drop=True)  # PSUs split
    bounds = [0, 900, 900, 2100, len(cases)]  # 900:900 empty
    ddf = dd.from_delayed([dask.delayed(cases.iloc[a:b]) for a, b in itertools.pairwise(bounds)],
                          meta=cases.iloc[:0], verify_meta=False)
    name, kw = CASES["design"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zscore.ZScoreWarning)
        table = zdask.prevalence(ddf, age="age_days", layout="who", **kw)
    assert_table(table, expected(name))
