"""pytest-benchmark suite for zscore.prevalence (the full survey design, 40 groups).

    pip install -e ".[bench]"
    python -m pytest benchmarks/test_bench_prevalence.py --benchmark-only

The data and design are prevalence_speed.py's (20 strata, clusters of about 25 children,
weights, region, area and wealth quintile). Speed is measured, not asserted; the checks only
make sure each benchmark computed the whole table.
"""

from __future__ import annotations

import warnings

import prevalence_speed
import pytest

import zscore

SIZES = [100_000, 1_000_000]
GROUPS = 40


@pytest.fixture(scope="module")
def surveys():
    frames = {n: prevalence_speed.survey(n) for n in SIZES}
    scored = {n: zscore.classify(frame) for n, frame in frames.items()}
    quiet(zscore.prevalence, scored[SIZES[0]].head(30_000), **prevalence_speed.DESIGN)  # compile
    return frames, scored


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WHO's exclusions are announced, not timed
        return fn(*args, **kw)


def whole(table) -> bool:
    return table.groupby(["group_variable", "group"]).ngroups == GROUPS


@pytest.mark.parametrize("n", SIZES)
def test_prevalence_classified(benchmark, surveys, n):
    """The output of zscore.classify (pandas), full design, tidy layout."""
    benchmark.group = f"prevalence, {n:,} children"
    table = benchmark(quiet, zscore.prevalence, surveys[1][n], **prevalence_speed.DESIGN)
    assert whole(table)


@pytest.mark.parametrize("n", SIZES)
def test_prevalence_raw(benchmark, surveys, n):
    """Raw measurements (classified inside), full design."""
    benchmark.group = f"prevalence, {n:,} children"
    table = benchmark(quiet, zscore.prevalence, surveys[0][n], **prevalence_speed.DESIGN)
    assert whole(table)


@pytest.mark.parametrize("n", SIZES)
def test_prevalence_who_layout(benchmark, surveys, n):
    """WHO's wide table from the classified data."""
    benchmark.group = f"prevalence, {n:,} children"
    table = benchmark(quiet, zscore.prevalence, surveys[1][n], layout="who",
                      **prevalence_speed.DESIGN)
    assert len(table) == GROUPS
