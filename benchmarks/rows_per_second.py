"""Print zscore's speed and memory on this machine: rows/s by size, peak memory, one child,
cold and warm start.

    python benchmarks/rows_per_second.py            # up to 10 million rows (about 2 minutes)
    python benchmarks/rows_per_second.py --max 1e6  # a quicker run

Timings are the best of several runs after a warm-up (numba compiled and cached), on synthetic
but realistic children (benchmarks/_data.py). The machine is shared and noisy: compare ratios
within one run rather than absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

import zscore


def best_time(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_during(fn) -> tuple[int, object]:
    """Highest resident memory (bytes) while fn runs, sampled every millisecond."""
    peak = rss_bytes()
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = fn()
    finally:
        done.set()
        sampler.join()
    return max(peak, rss_bytes()), result


def nbytes(values) -> int:
    return sum(np.asarray(v).nbytes for v in values)


def memory_child(n: int) -> None:
    """Run in a fresh process: inputs, then one classify call, then print a JSON line."""
    zscore.classify(**_data.kwargs(_data.children(30_000)))  # compile / load the kernels
    data = _data.children(n)
    inputs = _data.kwargs(data)
    del data
    baseline = rss_bytes()
    peak, out = peak_during(lambda: zscore.classify(**inputs))
    # object columns hold one pointer per row (the label strings are shared)
    print(json.dumps({"n": n, "inputs": nbytes(inputs.values()), "outputs": nbytes(out.values()),
                      "extra_peak": peak - baseline}))


def kernel_only(kwargs: dict) -> float:
    """Best time of the numba kernel alone on arrays it has written before (no allocation, no
    conversion of the outputs): the ceiling for the whole call."""
    import importlib

    from zscore import _kernels

    batch = importlib.import_module("zscore.classify")
    captured = {}
    real = _kernels.classify_2006
    _kernels.classify_2006 = lambda *args: captured.setdefault("args", args)
    try:
        batch.compute(batch.gather_inputs(None, {a: kwargs.get(a) for a in batch.ARGUMENTS}),
                      age_unit="days", precision="who", scheme=zscore.rules.CATEGORIES_WHO)
    finally:
        _kernels.classify_2006 = real
    return best_time(lambda: real(*captured["args"]), 4)


def start_time(cache_dir: str) -> float:
    code = ("import time; t = time.perf_counter(); import numpy as np, zscore; "
            "n = 1000; r = np.random.default_rng(0); "
            "zscore.classify(sex=r.integers(1, 3, n), age=r.uniform(0, 1800, n), "
            "weight=r.uniform(3, 20, n), lenhei=r.uniform(50, 110, n), measure='l'); "
            "print(time.perf_counter() - t)")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=float, default=1e7, help="largest batch (rows)")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    sizes = [n for n in (10**3, 10**4, 10**5, 10**6, 10**7) if n <= args.max]
    data = _data.children(sizes[-1])
    zscore.classify(**_data.kwargs(data, codes=False))  # compile or load every kernel
    zscore.classify(**{k: v[:1000] for k, v in _data.kwargs(data).items()})
    frame = _data.frame(data)
    print("zscore", zscore.__version__, "| rows/s, best of several runs; zlen zwei zwfl zbmi "
          "with flags, 4 categories and reasons")
    print(f"{'rows':>10} {'arrays':>14} {'arrays+codes':>14} {'pandas':>14} {'full precision':>15}")
    for n in sizes:
        repeats = 7 if n <= 10**5 else (4 if n <= 10**6 else 3)
        cut = {k: v[:n] for k, v in data.items()}
        numeric = _data.kwargs(cut, codes=False)
        coded = _data.kwargs(cut)
        df = frame.iloc[:n]
        calls = [
            lambda numeric=numeric: zscore.classify(**numeric),
            lambda coded=coded: zscore.classify(**coded),
            lambda df=df: zscore.classify(df),
            lambda coded=coded: zscore.classify(**coded, precision="full"),
        ]
        row = [best_time(call, repeats) for call in calls]
        print(f"{n:>10,} " + " ".join(f"{n / t / 1e6:>11.2f} M/s" for t in row[:3])
              + f" {n / row[3] / 1e6:>12.2f} M/s")

    print(f"{'':>10} kernel alone, {sizes[-1]:,} rows, outputs already allocated: "
          f"{sizes[-1] / kernel_only(_data.kwargs(data)):.3g} rows/s")

    n_mem = sizes[-1]
    mem = json.loads(subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n_mem)], capture_output=True, text=True,
        check=True).stdout.strip().splitlines()[-1])
    total = mem["inputs"] + mem["outputs"]
    peak = mem["inputs"] + mem["extra_peak"]
    print(f"\npeak memory, {n_mem:,} rows (arrays, text codes): inputs "
          f"{mem['inputs'] / 1e6:.0f} MB + outputs {mem['outputs'] / 1e6:.0f} MB; resident "
          f"above the process without data, at the peak of the call: {peak / 1e6:.0f} MB = "
          f"{peak / total:.2f} x (inputs + outputs)")

    one = dict(sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
    for _ in range(2000):
        zscore.child(**one)
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        for _ in range(500):
            zscore.child(**one)
        samples.append((time.perf_counter() - start) / 500)
    print(f"one child (zscore.child, 4 indicators): median {statistics.median(samples) * 1e6:.1f}"
          f" us, best {min(samples) * 1e6:.1f} us per call")

    with tempfile.TemporaryDirectory() as cache:
        cold = start_time(cache)
        warm = min(start_time(cache) for _ in range(3))
    print(f"import + first classify of 1,000 rows: {cold:.2f} s with an empty numba cache, "
          f"{warm:.2f} s with a warm one")


if __name__ == "__main__":
    main()
