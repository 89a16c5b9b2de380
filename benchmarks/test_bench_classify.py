"""Benchmarks of zscore.classify and zscore.child (pytest-benchmark).

    pip install -e ".[bench]"
    python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,ops

Never run by the test suite: speed is measured here, not asserted.
"""

from __future__ import annotations

import _data
import pytest

import zscore

SIZES = [100_000, 1_000_000]


@pytest.fixture(scope="module")
def data():
    d = _data.children(max(SIZES))
    zscore.classify(**{k: v[:30_000] for k, v in _data.kwargs(d).items()})  # compile / load
    return d


def cut(d, n):
    return {k: v[:n] for k, v in d.items()}


@pytest.mark.parametrize("n", SIZES)
def test_arrays(benchmark, data, n):
    kw = _data.kwargs(cut(data, n), codes=False)
    out = benchmark(zscore.classify, **kw)
    assert out["zlen"].size == n


@pytest.mark.parametrize("n", SIZES)
def test_arrays_with_text_codes(benchmark, data, n):
    kw = _data.kwargs(cut(data, n))
    out = benchmark(zscore.classify, **kw)
    assert out["zwfl"].size == n


@pytest.mark.parametrize("n", SIZES)
def test_full_precision(benchmark, data, n):
    kw = _data.kwargs(cut(data, n))
    out = benchmark(zscore.classify, **kw, precision="full")
    assert out["zbmi"].size == n


@pytest.mark.parametrize("n", SIZES)
def test_pandas(benchmark, data, n):
    pytest.importorskip("pandas")
    df = _data.frame(cut(data, n))
    out = benchmark(zscore.classify, df)
    assert len(out) == n


def test_one_child(benchmark, data):
    result = benchmark(zscore.child, sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
    assert result.zlen == -2.15
