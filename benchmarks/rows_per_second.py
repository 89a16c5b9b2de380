"""Print zscore's speed and memory on this machine.

    python benchmarks/rows_per_second.py                  # everything, about 2-3 minutes
    python benchmarks/rows_per_second.py --max 1e6        # a quicker run, no 10 M rows
    python benchmarks/rows_per_second.py --json out.json  # also save the numbers
    python benchmarks/rows_per_second.py --sections 4 5   # only one child and start-up

Measured, on synthetic but realistic children (benchmarks/_data.py), all four indicators
(zlen zwei zwfl zbmi) with flags, the four WHO categories and the reason column:

0. the scoring kernel alone on the largest batch (at most 10 M rows), outputs preallocated:
   the scalar row kernel of before issue 13 (benchmarks/_scalar_kernel.py) against the chunked
   one, interleaved, with their ratio;
1. rows per second for 1e3 ... 1e7 rows, best of several runs after a warm-up (numba compiled
   and cached): the kernel path on numeric codes (no text to parse, outputs not converted),
   and the public ``zscore.classify`` with measure/oedema as text in several forms; then, on
   the largest batch, the scoring kernel alone (both threads) and where the time of one
   call goes;
2. what parsing the measure and oedema text costs on its own, per representation;
3. peak memory of one call on the largest batch, in a fresh process: the resident high-water
   mark during the call against the bytes of its inputs and outputs;
4. one child (``zscore.child``) after warm-up: median microseconds per call;
5. ``import zscore`` plus a first ``classify`` of 1,000 rows in a fresh process, with an empty
   numba cache (NUMBA_CACHE_DIR pointed at a new temporary folder) and with a warm one: rows
   of 0-19 years and of 0-5 years (which compile less), and once 100,000 rows; beside them
   numba's own floor (import numba, first call of a trivial cached function), and the warm
   start without .pyc files (PYTHONDONTWRITEBYTECODE=1).

The machine may be shared and noisy: compare numbers within one run rather than across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data
import _scalar_kernel

import zscore
from zscore import _kernels, rules
from zscore.labels import Labels

batch = importlib.import_module("zscore.classify")  # the module (zscore.classify is the function)

SIZES = (10**3, 10**4, 10**5, 10**6, 10**7)


# --- timing helpers ------------------------------------------------------------------------------
def best_time(fn, n_rows: int) -> float:
    """Best of several runs after one warm-up: at least 3, more until a second is spent
    (at most 200), so a small batch runs many times."""
    fn()  # warm-up: compiled code loaded, memory touched once
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 3 or (spent < 1.0 and runs < 200):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best


def environment() -> dict:
    commit = _data.zscore_commit()
    import numba

    return {
        "zscore": zscore.__version__, "commit": commit, "python": platform.python_version(),
        "numpy": np.__version__, "numba": numba.__version__, "cpus": os.cpu_count(),
        "numba_threads": numba.get_num_threads(), "machine": platform.machine(),
    }


# --- 1. rows per second --------------------------------------------------------------------------
def kernel_path(inp) -> list:
    """compute() on numeric codes (the kernel, its output arrays allocated) and the reason
    column's codes; no text parsing, no conversion of the outputs to user-facing columns."""
    raw = batch.compute(inp, age_unit="days", precision="who", scheme=rules.CATEGORIES_WHO)
    return batch.columns(raw, inp)


def preallocated_kernel(inp, precision: str = "who"):
    """The scoring kernel alone (all its threads), called again on arrays it has already
    written: the ceiling for a whole call. Its arguments are captured from one compute()
    call."""
    captured = {}
    real = _kernels.score
    _kernels.score = lambda *args, **kw: captured.setdefault("args", (args, kw))
    try:
        batch.compute(inp, age_unit="days", precision=precision, scheme=rules.CATEGORIES_WHO)
    finally:
        _kernels.score = real
    args, kw = captured["args"]
    return lambda: real(*args, **kw)


def scalar_baseline(inp, precision: str = "who"):
    """The scalar row kernel of before issue 13 (benchmarks/_scalar_kernel.py, its parallel
    blocks on numba's threads), on output arrays it has written before."""
    _, args = _scalar_kernel.arguments(inp, precision=precision)
    return lambda: _scalar_kernel.score_parallel(*args)


def old_against_new(data: dict, n: int, repeats: int = 5) -> dict:
    """The scalar kernel of before against the chunked one, outputs preallocated, interleaved
    (old, new, old, new ...) in the same minutes: M rows/s and CPU ns per row (both threads)."""
    inp = _data.kernel_inputs(_data.head(data, n))
    calls = {}
    for precision in ("who", "full"):
        calls[f"old {precision}"] = scalar_baseline(inp, precision)
        calls[f"new {precision}"] = preallocated_kernel(inp, precision)
    for call in calls.values():
        call()  # compiled, memory touched
    runs: dict[str, list] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            runs[name].append((n / wall, cpu / n * 1e9))
    print(f"\n0. The scoring kernel alone, {n:,} rows, outputs preallocated: the scalar kernel of "
          f"before issue 13 against the chunked one, interleaved, {repeats} repeats")
    for name, values in runs.items():
        rates = sorted(r for r, _ in values)
        cpus = sorted(c for _, c in values)
        print(f"   {name:<9} {rates[0] / 1e6:6.1f}-{rates[-1] / 1e6:5.1f} M rows/s   "
              f"CPU {cpus[0]:4.0f}-{cpus[-1]:4.0f} ns/row")
    for precision in ("who", "full"):
        ratios = sorted(new[0] / old[0] for old, new in zip(runs[f"old {precision}"],
                                                             runs[f"new {precision}"],
                                                             strict=True))
        print(f"   new / old, precision={precision!r}: {ratios[0]:.2f}-{ratios[-1]:.2f} x "
              "(rows/s, each repeat)")
    return {name: values for name, values in runs.items()}


def throughput(data: dict, sizes: list[int]) -> dict:
    import pandas as pd  # noqa: F401  (a bench extra; fail early if missing)

    variants = {
        "kernel": "kernel path, numeric codes",
        "numpy_text": "classify, text codes (numpy <U1)",
        "object_text": "classify, text codes (object str)",
        "pandas": "classify(DataFrame), str columns",
        "full": "classify, precision='full'",
    }
    results: dict = {"variants": variants, "rows": {}}
    header = f"{'rows':>11}" + "".join(f"{k:>13}" for k in variants)
    print("\n1. Million rows per second (zlen zwei zwfl zbmi, flags, 4 categories, reason); "
          "best of several runs")
    for key, label in variants.items():
        print(f"   {key:<12} {label}")
    print(header)
    for n in sizes:
        d = _data.head(data, n)
        inp = _data.kernel_inputs(d)
        text = _data.classify_kwargs(d, "numpy")
        objects = _data.classify_kwargs(d, "object")
        df = _data.frame(d)
        calls = {
            "kernel": lambda inp=inp: kernel_path(inp),
            "numpy_text": lambda kw=text: zscore.classify(**kw),
            "object_text": lambda kw=objects: zscore.classify(**kw),
            "pandas": lambda df=df: zscore.classify(df),
            "full": lambda kw=text: zscore.classify(**kw, precision="full"),
        }
        rates = {key: n / best_time(call, n) for key, call in calls.items()}
        results["rows"][n] = rates
        print(f"{n:>11,}" + "".join(f"{rates[k] / 1e6:>13.2f}" for k in variants), flush=True)
        del d, inp, text, objects, df, calls
        gc.collect()
    n = sizes[-1]
    if n >= batch.SMALL:  # smaller batches run the serial kernel
        ceiling = n / best_time(preallocated_kernel(_data.kernel_inputs(_data.head(data, n))), n)
        results["preallocated_kernel"] = {"rows": n, "rate": ceiling}
        print(f"   the scoring kernel alone (both threads) on {n:,} rows, outputs already "
              f"allocated: {ceiling / 1e6:.2f} M rows/s")
    results["stages"] = stages(_data.head(data, n))
    return results


def stages(d: dict) -> dict:
    """Where the time of one classify call goes (numpy arrays, text codes): the same steps as
    zscore.classify, timed one by one; best of three per step."""
    n = d["sex"].size
    kwargs = _data.classify_kwargs(d)
    given = {arg: kwargs.get(arg) for arg in ("sex", "age", "weight", "lenhei", "measure",
                                               "oedema", "headc", "armc", "triskin", "subskin",
                                               "birth_date", "visit_date")}
    best: dict[str, float] = {}
    for _ in range(3):
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            inp, _ = batch.gather(None, given)
        t1 = time.perf_counter()
        raw = batch.compute(inp, age_unit="days", precision="who", scheme=rules.CATEGORIES_WHO)
        t2 = time.perf_counter()
        columns = batch.columns(raw, inp)
        t3 = time.perf_counter()
        out = batch.attach(None, columns)
        t4 = time.perf_counter()
        for value in out.values():  # what the object arrays of before cost (np.asarray)
            if isinstance(value, Labels):
                np.asarray(value)
        t5 = time.perf_counter()
        for key, seconds in (("inputs", t1 - t0), ("kernel", t2 - t1), ("columns", t3 - t2),
                             ("output", t4 - t3), ("objects", t5 - t4)):
            best[key] = min(best.get(key, float("inf")), seconds)
        del inp, raw, columns
    labels = {
        "inputs": "parse inputs (numbers, text codes)",
        "kernel": "kernel, output arrays allocated (compute)",
        "columns": "reason labels, output columns (columns)",
        "output": "numpy output: flags float32, label columns as Labels",
        "objects": "(not in a call) the label columns as object arrays",
    }
    total = sum(v for k, v in best.items() if k != "objects")
    print(f"   where the time goes, {n:,} rows, classify with text codes (best of 3 per step):")
    for key, label in labels.items():
        print(f"     {label:<58}{best[key] * 1e3:>7.0f} ms {best[key] / n * 1e9:>6.1f} ns/row "
              f"{100 * best[key] / total:>4.0f} %")
    print(f"     memory-only limit (read the inputs, write the outputs once, numpy copies): "
          f"{memory_limit(d) / n * 1e9:.1f} ns/row")
    return {key: best[key] / n * 1e9 for key in labels}


def memory_limit(d: dict) -> float:
    """Seconds to read a call's numeric inputs and write its output bytes once (np.copyto into
    fresh arrays of the outputs' sizes): what no implementation can beat on this machine."""
    n = d["sex"].size
    inputs = [d[k] for k in ("sex", "age", "weight", "lenhei", "measure_code", "oedema_code")]
    # the outputs: 4 z (float64), clenhei, cbmi (float64), 4 flags (float32), 8 label codes and
    # standard, cmeasure, c9mo_flag (int8), csex (float32), reason codes (int32)
    out_bytes = n * (6 * 8 + 5 * 4 + 11 * 1 + 4)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sink = np.empty(out_bytes, dtype=np.uint8)
        sink[:] = 1
        for a in inputs:
            a.sum()
        best = min(best, time.perf_counter() - start)
    return best


# --- 2. parsing codes ----------------------------------------------------------------------------
def parse_codes(values) -> np.ndarray:
    """A measure column to kernel codes, as zscore.classify reads it."""
    return batch.as_code(batch.code_column(values), rules.MEASURE_CODES,
                         rules.MEASURE_MISSING, rules.MEASURE_INVALID)


def code_parsing(data: dict, n: int) -> dict:
    """Nanoseconds per value for turning one column of text codes into the kernel's codes."""
    text = data["measure"][:n]
    forms = {
        "numpy <U1": text,
        "numpy object str": text.astype(object),
        "pandas text (read_csv)": _data.frame(_data.head(data, n))["measure"],
        "pandas category": _data.frame(_data.head(data, n), categorical=True)["measure"],
    }
    print(f"\n2. Parsing one column of text codes (measure l/h) into kernel codes, {n:,} rows; "
          "a call parses two (measure, oedema)")
    out = {}
    reference = parse_codes(text)
    for name, values in forms.items():
        assert np.array_equal(parse_codes(values), reference)
        seconds = best_time(lambda values=values: parse_codes(values), n)
        out[name] = seconds / n * 1e9
        print(f"   {name:<28}{out[name]:>7.1f} ns per value")
    # without pandas, an object column is factorised by a Python loop over the values
    done = subprocess.run([sys.executable, __file__, "--parse-without-pandas", str(n)],
                          capture_output=True, text=True, check=True)
    seconds = float(done.stdout)
    out["numpy object str, no pandas"] = seconds / n * 1e9
    print(f"   {'numpy object str, no pandas':<28}{out['numpy object str, no pandas']:>7.1f} "
          "ns per value (Python loop)")
    return out


def parse_without_pandas(n: int) -> None:
    """In a fresh process where pandas cannot be imported: print the best time to parse n
    text codes held in an object array."""
    sys.modules["pandas"] = None  # import pandas now raises ImportError
    values = _data.children(n)["measure"].astype(object)
    print(best_time(lambda: parse_codes(values), n))


# --- 3. memory -----------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(n: int, path: str) -> None:
    """In a fresh process: make the inputs, free everything else, reset the kernel's count of
    the resident high-water mark (Linux: /proc/self/clear_refs), make one call, print JSON."""
    warm = _data.children(30_000)
    kernel_path(_data.kernel_inputs(warm))
    zscore.classify(**_data.classify_kwargs(warm))
    data = _data.children(n)
    if path == "kernel":
        keep = ("sex", "age", "weight", "lenhei", "measure_code", "oedema_code")
    else:
        keep = _data.COLUMNS
    data = {k: data[k] for k in keep}
    del warm
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # give freed heap pages back first
    before = _status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # VmHWM := VmRSS
    if path == "kernel":
        out = kernel_path(_data.kernel_inputs(data))
        outputs = _data.nbytes(c.values for c in out)
    else:
        out = zscore.classify(**_data.classify_kwargs(data))
        outputs = _data.nbytes(out.values())
    peak = _status_kb("VmHWM")
    print(json.dumps({"n": n, "path": path, "inputs": _data.nbytes(data.values()),
                      "outputs": outputs, "rss_before": before * 1024,
                      "extra_peak": (peak - before) * 1024}))


def memory(n: int) -> dict:
    print(f"\n3. Peak memory of one call on {n:,} rows (fresh process; resident high-water mark "
          "during the call)")
    if not os.path.exists("/proc/self/clear_refs"):
        print("   skipped: needs Linux (/proc/self/clear_refs resets the high-water mark)")
        return {}
    results = {}
    for path, label in (("classify", "classify, numpy arrays, text codes"),
                        ("kernel", "kernel path, numeric codes")):
        done = subprocess.run([sys.executable, __file__, "--memory-child", str(n), path],
                              capture_output=True, text=True, check=True)
        m = json.loads(done.stdout.strip().splitlines()[-1])
        needed = m["inputs"] + m["outputs"]
        peak = m["inputs"] + m["extra_peak"]  # the inputs are resident throughout
        m["ratio"] = peak / needed
        results[path] = m
        print(f"   {label:<36} inputs {m['inputs'] / 1e6:5.0f} MB + outputs "
              f"{m['outputs'] / 1e6:5.0f} MB = {needed / 1e6:5.0f} MB; peak inputs + call "
              f"{peak / 1e6:5.0f} MB = {m['ratio']:.2f} x (inputs + outputs)")
    return results


# --- 4. one child --------------------------------------------------------------------------------
def one_child() -> dict:
    args = dict(sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
    for _ in range(3000):
        zscore.child(**args)
    per_call = []
    for _ in range(41):
        start = time.perf_counter()
        for _ in range(500):
            zscore.child(**args)
        per_call.append((time.perf_counter() - start) / 500 * 1e6)
    out = {"median_us": statistics.median(per_call), "min_us": min(per_call),
           "max_us": max(per_call)}
    print(f"\n4. One child, zscore.child(sex='f', age=300, weight=7.2, lenhei=66.0, "
          f"measure='l'), after warm-up: median {out['median_us']:.1f} us per call "
          f"(41 x 500 calls; fastest batch {out['min_us']:.1f}, slowest {out['max_us']:.1f})")
    return out


# --- 5. start-up ---------------------------------------------------------------------------------
_START = """
import json, sys, time
t0 = time.perf_counter()
import zscore
t1 = time.perf_counter()
import numpy as np
d = dict(np.load(sys.argv[1]))
t2 = time.perf_counter()
out = zscore.classify(**d)
t3 = time.perf_counter()
assert out["zlen"].size == d["sex"].size
print(json.dumps({"import": t1 - t0, "first_call": t3 - t2, "total": (t1 - t0) + (t3 - t2)}))
"""


_FLOOR = """
import json, time
t0 = time.perf_counter()
import numba
import numpy as np
t1 = time.perf_counter()

@numba.njit(cache=True)
def total(a):
    return a.sum()

total(np.ones(3))
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_call": t2 - t1, "total": t2 - t0}))
"""


def start_once(sample: str, cache_dir: str, bytecode: bool = True) -> dict:
    """One fresh process: import zscore and classify ``sample`` (a .py file instead: run it;
    numba caches only functions defined in a file). ``bytecode``: Python may write and read
    its .pyc files, as it does for a user (this workplace sets PYTHONDONTWRITEBYTECODE=1, so
    every import would compile zscore's sources again: 0.15-0.25 s)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [sys.executable, sample] if sample.endswith(".py") else \
        [sys.executable, "-c", _START, sample]
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    result["process"] = time.perf_counter() - start  # with the interpreter's own start
    return result


def start_up(data: dict, cold_runs: int = 3, warm_runs: int = 5) -> dict:
    print("\n5. import zscore + first classify (text codes) in a fresh process; seconds, "
          "median of runs (Python's .pyc files written by a first run, as for a user)")
    out = {}
    young = data["age"] < 1826  # 0-5 years (and missing ages): no row of the 2007 reference
    with tempfile.TemporaryDirectory() as tmp:
        floor = os.path.join(tmp, "numba_floor.py")
        Path(floor).write_text(_FLOOR)
        start_once(floor, os.path.join(tmp, "bytecode"))  # writes the .pyc files of numba
        # (label, rows or None for numba's floor, cold runs, warm runs, also warm without .pyc)
        cases = (("numba alone, a trivial cached function", None, cold_runs, warm_runs, False),
                 ("1,000 rows, 0-19 years (1.6 % of the 2007 reference)",
                  _data.head(data, 1000), cold_runs, warm_runs, True),
                 ("1,000 rows, 0-5 years", {k: v[young][:1000] for k, v in data.items()},
                  cold_runs, warm_runs, False),
                 ("100,000 rows, 0-19 years", data, 1, 1, False))
        for index, (label, rows, cold_n, warm_n, no_pyc) in enumerate(cases):
            sample = floor
            if rows is not None:
                sample = os.path.join(tmp, f"children{index}.npz")
                np.savez(sample, **_data.classify_kwargs(rows))
                start_once(sample, os.path.join(tmp, "bytecode"))  # zscore's .pyc files
            cold = [start_once(sample, os.path.join(tmp, f"cache{index}_{i}"))
                    for i in range(cold_n)]  # each with a new, empty numba cache folder
            warm = [start_once(sample, os.path.join(tmp, f"cache{index}_0"))
                    for _ in range(warm_n)]
            runs_of = {"cold": cold, "warm": warm}
            if no_pyc:  # what PYTHONDONTWRITEBYTECODE=1 costs
                runs_of["warm, no .pyc"] = [
                    start_once(sample, os.path.join(tmp, f"cache{index}_0"), bytecode=False)
                    for _ in range(warm_n)]
            for name, runs in runs_of.items():
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                out[f"{index}_{name}"] = med | {"runs": runs, "case": label}
                print(f"   {label}, {name} numba cache: import {med['import']:.2f} + "
                      f"first call {med['first_call']:.2f} = {med['total']:.2f} s (whole "
                      f"process: {med['process']:.2f} s; {len(runs)} "
                      f"run{'s' if len(runs) > 1 else ''})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=float, default=1e7, help="largest batch (rows)")
    parser.add_argument("--json", help="also write the numbers to this file")
    parser.add_argument("--sections", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5],
                        help="only these sections (0-5, numbered as in the output; see the "
                             "module docstring)")
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--parse-without-pandas", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_without_pandas:
        parse_without_pandas(args.parse_without_pandas)
        return
    if args.memory_child:
        memory_child(int(args.memory_child[0]), args.memory_child[1])
        return

    env = environment()
    print(" ".join(f"{k} {v}" for k, v in env.items()))
    sizes = [n for n in SIZES if n <= args.max]
    data = _data.children(sizes[-1])
    # compile or load every kernel before any timing
    kernel_path(_data.kernel_inputs(_data.head(data, 30_000)))
    zscore.classify(**_data.classify_kwargs(_data.head(data, 30_000)))
    results = {"environment": env}
    wanted = set(args.sections)
    if 0 in wanted and sizes[-1] >= batch.SMALL:
        results["old_against_new"] = old_against_new(data, sizes[-1])
    if 1 in wanted:
        results["throughput"] = throughput(data, sizes)
    if 2 in wanted:
        results["code_parsing_ns"] = code_parsing(data, min(sizes[-1], 10**6))
    del data
    gc.collect()
    if 3 in wanted:
        results["memory"] = memory(sizes[-1])
    if 4 in wanted:
        results["child"] = one_child()
    if 5 in wanted:
        results["start_up"] = start_up(_data.children(100_000))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
