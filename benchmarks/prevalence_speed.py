"""Print zscore.prevalence's speed and memory on this machine.

    python benchmarks/prevalence_speed.py                 # 1e5, 1e6 and 1e7 children
    python benchmarks/prevalence_speed.py --max 1e6       # a quicker run
    python benchmarks/prevalence_speed.py --json out.json # also save the numbers

The children are benchmarks/_data.py's synthetic ones (realistic z-scores, 0.5 % oedema, some
flagged and missing values), given a full survey design: 20 strata, clusters of about 25
children (a PSU is a cluster within its stratum), sampling weights constant within a cluster,
and three grouping columns, region (12 levels, by stratum), area (2, by cluster) and wealth
quintile (5). With WHO's own groups (all, 6 age groups, 2 sexes, 12 age x sex) that is 40
groups; every group gets the 30 estimates of WHO's table (prevalences at six cut-offs and the
mean z of four indicators, two combined prevalences), each with its design-based SE and CI.

Measured for each size, best of several runs after a warm-up (numba compiled and cached):

1. ``prevalence`` on the output of ``zscore.classify`` (a pandas DataFrame): seconds and
   children per second;
2. ``prevalence`` on the raw measurements (it classifies them first);
3. peak memory of one call on the classified table, in a fresh process: the resident
   high-water mark (/proc/self/status VmHWM, reset through /proc/self/clear_refs) above the
   memory held before the call.

The machine may be shared and noisy: compare numbers within one run rather than across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

import zscore

SIZES = (10**5, 10**6, 10**7)
CHILDREN_PER_CLUSTER = 25
STRATA = 20
REGIONS = tuple(f"Region-{c}" for c in "ABCDEFGHIJKL")
DESIGN = dict(weights="sw", cluster="cluster", strata="strata",
              by=["gregion", "typeres", "wealthq"])


def survey(n: int, seed: int = 1):
    """n children with a stratified cluster design and three grouping columns (pandas)."""
    data = _data.children(n)
    rng = np.random.default_rng(seed)
    clusters = max(2, n // CHILDREN_PER_CLUSTER)
    cluster = np.sort(rng.integers(0, clusters, n))  # the rows of a cluster are together
    strata = cluster * STRATA // clusters
    frame = _data.frame(data)
    frame["cluster"] = cluster
    frame["strata"] = strata
    frame["sw"] = rng.uniform(100.0, 900.0, clusters)[cluster]
    frame["gregion"] = np.array(REGIONS)[strata % len(REGIONS)]
    frame["typeres"] = np.where(rng.random(clusters)[cluster] < 0.4, "Urban", "Rural")
    frame["wealthq"] = rng.integers(1, 6, n)
    return frame


def best_time(fn, repeat: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def quiet(fn):
    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # WHO's exclusions are announced: not timed here
            return fn()
    return call


# --- memory ----------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(n: int) -> None:
    """In a fresh process: build and classify the table, free everything else, reset the
    high-water mark, make one prevalence call, print JSON."""
    quiet(lambda: zscore.prevalence(zscore.classify(survey(30_000)), **DESIGN))()
    scored = zscore.classify(survey(n))
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    before = _status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # VmHWM := VmRSS
    quiet(lambda: zscore.prevalence(scored, **DESIGN))()
    peak = _status_kb("VmHWM")
    table = int(scored.memory_usage(deep=False).sum())
    print(json.dumps({"n": n, "table_bytes": table, "rss_before": before * 1024,
                      "extra_peak": (peak - before) * 1024, "peak": peak * 1024}))


def memory(n: int) -> dict:
    if not os.path.exists("/proc/self/clear_refs"):
        print("   memory: skipped (needs Linux /proc/self/clear_refs)")
        return {}
    done = subprocess.run([sys.executable, __file__, "--memory-child", str(n)],
                          capture_output=True, text=True, check=True)
    m = json.loads(done.stdout.strip().splitlines()[-1])
    mib = 1024**2
    print(f"   memory, {n:,} children: classified table {m['table_bytes'] / mib:,.0f} MiB, "
          f"resident before the call {m['rss_before'] / mib:,.0f} MiB, peak during it "
          f"{m['peak'] / mib:,.0f} MiB (+{m['extra_peak'] / mib:,.0f} MiB, "
          f"{m['extra_peak'] / n:.0f} bytes per child)")
    return m


# --- main ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=float, default=max(SIZES), help="largest size")
    parser.add_argument("--json", help="also write the numbers to this file")
    parser.add_argument("--memory-child", nargs=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(int(args.memory_child[0]))
        return

    import numba

    print(f"zscore {zscore.__version__}, numpy {np.__version__}, numba {numba.__version__}, "
          f"{os.cpu_count()} CPUs, {numba.get_num_threads()} numba threads")
    results = []
    for n in (s for s in SIZES if s <= args.max):
        frame = survey(n)
        scored = zscore.classify(frame)
        table = quiet(lambda scored=scored: zscore.prevalence(scored, **DESIGN))()
        groups = table.groupby(["group_variable", "group"], sort=False).ngroups
        psus = frame.groupby(["strata", "cluster"]).ngroups
        repeat = 3 if n < 10**7 else 2
        classified = best_time(quiet(lambda scored=scored: zscore.prevalence(scored, **DESIGN)),
                               repeat)
        raw = best_time(quiet(lambda frame=frame: zscore.prevalence(frame, **DESIGN)), repeat)
        print(f"\n{n:,} children, {psus:,} PSUs in {STRATA} strata, {groups} groups, "
              f"design df {table.attrs['df']:g}")
        print(f"   classified table: {classified:7.3f} s  {n / classified:13,.0f} children/s")
        print(f"   raw measurements: {raw:7.3f} s  {n / raw:13,.0f} children/s "
              "(classify included)")
        del frame, scored, table
        gc.collect()
        results.append({"n": n, "psus": psus, "groups": groups, "classified_s": classified,
                        "raw_s": raw, "memory": memory(n)})
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
