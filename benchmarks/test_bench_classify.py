"""pytest-benchmark suite for zscore.classify and zscore.child.

    pip install -e ".[bench]"
    python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,ops

Not part of the tests: ``python -m pytest`` (what CI runs) collects only ``testpaths`` (tests/
and the doctests in src/zscore), never this folder. Speed is measured here, not asserted; the
checks below only make sure each benchmark computed what it claims to.
"""

from __future__ import annotations

import _data
import pytest

import zscore

SIZES = [100_000, 1_000_000]
COLUMNS = ["zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi",
           "stunting", "underweight", "wasting", "overweight", "reason"]


@pytest.fixture(scope="module")
def children():
    data = _data.children(max(SIZES))
    warm = _data.head(data, 30_000)  # compile or load the kernels before any timing
    zscore.classify(**_data.classify_kwargs(warm))
    zscore.classify(_data.frame(warm))
    return data


def scored(out, n: int) -> bool:
    return all(len(out[c]) == n for c in COLUMNS)


@pytest.mark.parametrize("n", SIZES)
def test_classify_arrays(benchmark, children, n):
    """numpy arrays; measure and oedema as one-character text codes."""
    benchmark.group = f"{n:,} rows"
    kwargs = _data.classify_kwargs(_data.head(children, n))
    assert scored(benchmark(zscore.classify, **kwargs), n)


@pytest.mark.parametrize("n", SIZES)
def test_classify_pandas(benchmark, children, n):
    """A pandas DataFrame with WHO's column names, measure and oedema as str columns."""
    benchmark.group = f"{n:,} rows"
    df = _data.frame(_data.head(children, n))
    assert scored(benchmark(zscore.classify, df), n)


@pytest.mark.parametrize("n", SIZES)
def test_classify_full_precision(benchmark, children, n):
    """Unrounded z-scores; flags and categories from them."""
    benchmark.group = f"{n:,} rows"
    kwargs = _data.classify_kwargs(_data.head(children, n))
    assert scored(benchmark(zscore.classify, **kwargs, precision="full"), n)


@pytest.fixture(scope="module")
def all_ages():
    data = _data.children_all_ages(max(SIZES))
    zscore.classify(**_data.classify_kwargs(_data.head(data, 30_000)))
    return data


@pytest.mark.parametrize("n", SIZES)
def test_classify_all_ages(benchmark, all_ages, n):
    """0-19 years in one call (standard="auto"): about 74 % of rows scored with the 2007
    reference, the rest with the 2006 standards; numpy arrays, text codes."""
    benchmark.group = f"{n:,} rows"
    kwargs = _data.classify_kwargs(_data.head(all_ages, n))
    out = benchmark(zscore.classify, **kwargs)
    assert scored(out, n) and len(out["thinness"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_kernel_path(benchmark, children, n):
    """The kernel on numeric codes plus the reason codes: no text to parse, no conversion of
    the outputs (zscore internals; the ceiling for the calls above)."""
    import importlib

    batch = importlib.import_module("zscore.classify")
    benchmark.group = f"{n:,} rows"
    inp = _data.kernel_inputs(_data.head(children, n))

    def run():
        raw = batch.compute(inp, age_unit="days", precision="who",
                            scheme=zscore.rules.CATEGORIES_WHO)
        return batch.columns(raw, inp)

    assert {c.name for c in benchmark(run)} >= set(COLUMNS)


def test_child(benchmark):
    """One child after warm-up (without it pytest-benchmark sizes its rounds by the first call,
    which loads the compiled kernel, and reports too few, slow rounds)."""
    benchmark.group = "one child"
    args = dict(sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
    for _ in range(2000):
        zscore.child(**args)
    result = benchmark(zscore.child, **args)
    assert result.zlen == -2.15 and result.stunting == "stunted"
