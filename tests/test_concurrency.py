"""classify from several threads at once, and in processes forked after a large call: the
results are those of a serial run, under every numba threading layer there is here, and no
process hangs or aborts (docs/threads.md). The subprocess tests have a timeout, so that a hang
fails the test instead of stalling the run."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import zscore
from zscore import _kernels, _threads
from zscore.classify import SMALL

ROOT = Path(__file__).resolve().parents[1]
#: Enough rows for every parallel kernel (SMALL = 20,000) and two blocks of the scoring one.
N = 2 * _kernels.BLOCK + 1000
TIMEOUT = 120


def data(seed: int, n: int = N) -> dict:
    """Numeric sex (codes_from_numbers), one-character text measure and oedema
    (codes_from_points), all four z-scores and flags (nullable_to_float32)."""
    rng = np.random.default_rng(seed)
    return {
        "sex": rng.choice(np.array([1.0, 2.0, np.nan]), n),
        "age": rng.uniform(0, 6000, n),
        "weight": rng.uniform(2, 60, n),
        "lenhei": rng.uniform(45, 180, n),
        "measure": rng.choice(np.array(["l", "h", ""]), n),
        "oedema": rng.choice(np.array(["n", "y"]), n),
    }


def arrow_data(seed: int):
    """The same as a pyarrow Table, text as Arrow strings (codes_from_utf8)."""
    pa = pytest.importorskip("pyarrow")
    d = data(seed)
    return pa.table({k: pa.array(v.tolist()) if v.dtype.kind == "U" else v for k, v in d.items()})


def same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)


def serial(d) -> dict:
    """classify with every kernel on one thread (the path of a forked child)."""
    saved = _threads._forked_after_omp, _threads._warned, _kernels.default_threads
    _threads._forked_after_omp, _threads._warned = True, True
    _kernels.default_threads = lambda: 1
    try:
        return zscore.classify(d)
    finally:
        _threads._forked_after_omp, _threads._warned, _kernels.default_threads = saved


def as_dict(result) -> dict:
    if isinstance(result, dict):
        return result
    return {name: result.column(name).to_numpy(zero_copy_only=False)
            for name in result.column_names}


def test_the_data_takes_every_threaded_conversion_and_no_parallel_kernel():
    assert N >= SMALL
    seen = []
    real_over, real_call = _kernels.over_blocks, _threads.call

    def spy(rows, n, *args):
        seen.append((rows.__name__, n >= 2 * _kernels.BLOCK))
        return real_over(rows, n, *args)

    def no_parallel(*args):
        raise AssertionError("classify started a parallel=True kernel")

    _kernels.over_blocks, _threads.call = spy, no_parallel
    try:
        zscore.classify(data(0))
        zscore.classify(arrow_data(0))
    finally:
        _kernels.over_blocks, _threads.call = real_over, real_call
    # nullable_to_float32, codes_from_points, codes_from_numbers, codes_from_utf8, each on
    # threads (the scoring kernel runs on Python threads too: _kernels.score)
    assert {name for name, _ in seen} == {"_nullable_rows", "_points_rows", "_numbers_rows",
                                          "_utf8_rows"}
    assert all(threaded for _, threaded in seen)


def test_conversion_blocks_cover_every_row_and_count_on_every_thread():
    n = 5 * _kernels.BLOCK + 17
    points = np.full(n, ord("l"), dtype=np.uint32)
    points[::1000] = 0x4E00  # beyond the table: UNMAPPED, counted
    table = np.arange(128, dtype=np.int8)
    out, unmapped = _kernels.codes_from_points(points, table)
    assert unmapped == len(range(0, n, 1000))
    assert (out[points == ord("l")] == ord("l")).all()
    assert (out[points == 0x4E00] == _kernels.UNMAPPED).all()


def test_serial_fallback_gives_the_parallel_results():
    d = data(1)
    same(as_dict(serial(d)), as_dict(zscore.classify(d)))


@pytest.mark.parametrize("make", [data, arrow_data], ids=["numpy", "arrow"])
def test_classify_from_several_threads_equals_a_serial_run(make):
    inputs = [make(seed) for seed in range(4)]
    expected = [as_dict(serial(d)) for d in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(lambda d=d: [as_dict(zscore.classify(d)) for _ in range(3)])
                   for d in inputs]
        results = [f.result(timeout=TIMEOUT) for f in futures]
    for want, got in zip(expected, results, strict=True):
        for one in got:
            same(one, want)


# --- in fresh interpreters: each threading layer, threads and fork ------------------------------
def layers() -> list[str]:
    """The threading layers numba can load here (workqueue always can)."""
    out = ["workqueue"]
    try:
        from numba.np.ufunc import omppool  # noqa: F401

        out.append("omp")
    except ImportError:
        pass
    try:
        from numba.np.ufunc import parallel

        parallel._check_tbb_version_compatible()
        from numba.np.ufunc import tbbpool  # noqa: F401

        out.append("tbb")
    except (ImportError, AttributeError):
        pass
    return out


def run(script: str, layer: str) -> dict:
    """Run script (its last line of output: JSON) under NUMBA_THREADING_LAYER=layer."""
    env = {**os.environ, "NUMBA_THREADING_LAYER": layer, "PYTHONWARNINGS": "default"}
    head = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tests.test_concurrency import *\n"
    proc = subprocess.Popen([sys.executable, "-c", head + textwrap.dedent(script)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=os.name == "posix")
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:  # a hang: end the script and the children it forked
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        stdout, stderr = proc.communicate()
        pytest.fail(f"hung for {TIMEOUT} s under {layer}: {stderr[-3000:]}")
    assert proc.returncode == 0, (proc.returncode, stderr[-3000:])
    out = json.loads(stdout.strip().splitlines()[-1])
    assert out["layer"] in (layer, None)  # None: nothing started numba's threads
    return out


THREADS = """
import threading, numba
from zscore import _threads
inputs = [data(seed) for seed in range(4)]
expected = [serial(d) for d in inputs]
failures = []

def work(d, want):
    try:
        for _ in range(4):
            same(zscore.classify(d), want)
    except BaseException as e:
        failures.append(repr(e))

threads = [threading.Thread(target=work, args=pair) for pair in zip(inputs, expected)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"layer": _threads.layer(), "failures": failures}))
"""


@pytest.mark.parametrize("layer", layers())
def test_threads_under_each_threading_layer(layer):
    """workqueue aborted the process ("Concurrent access has been detected") before the lock,
    when classify still had parallel=True kernels; it has none now (the layer is not started)."""
    out = run(THREADS, layer)
    assert out["failures"] == []
    assert out["layer"] is None


FORK = """
import multiprocessing, numba
from zscore import _threads
d = data(5)
want = zscore.classify(d)  # starts the layer's threads in the parent
ctx = multiprocessing.get_context("fork")
with ctx.Pool(2) as pool:
    got = pool.map(child, [5, 5, 6])
same(got[0][0], want)
same(got[1][0], want)
same(got[2][0], serial(data(6)))
with _threads._LOCK:  # a fork while another thread runs a kernel: the child's lock is free
    p = ctx.Process(target=child, args=(7,), daemon=True)
    p.start()
p.join(60)
if p.is_alive():
    p.kill()
    p.join()
print(json.dumps({"layer": _threads.layer(), "notes": [g[1] for g in got],
                  "exitcode": p.exitcode}))
"""


def child(seed: int) -> tuple[dict, list[str]]:
    """classify in a forked worker: its result and the notes it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = zscore.classify(data(seed))
    return result, [str(w.message) for w in caught if issubclass(w.category, zscore.ZScoreWarning)]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="no fork on this platform")
@pytest.mark.parametrize("layer", layers())
def test_fork_pool_after_a_large_call(layer):
    """Under GNU OpenMP the children were killed by SIGTERM ("Terminating: fork() called from
    a process already using GNU OpenMP, this is unsafe.") and Pool.map waited for ever."""
    out = run(FORK, layer)
    assert out["exitcode"] == 0
    # classify runs no parallel=True kernel (Python threads only), so it never starts numba's
    # threads, GNU OpenMP's included: the forked children compute as the parent did, no note
    assert out["layer"] is None
    assert out["notes"] == [[], [], []]


# --- zscore.quality's parallel kernels (from 2 x 200,000 rows; fewer here) ------------------------
QUALITY = """
import multiprocessing, threading, numba
from zscore import _quality_kernels
_quality_kernels._ROWS_PER_THREAD = N // 4  # its parallel kernels on this many rows
scored = zscore.classify(data(0))
want = zscore.quality(scored)
failures = []

def work():
    try:
        for _ in range(3):
            assert zscore.quality(scored).equals(want)
    except BaseException as e:
        failures.append(repr(e))

threads = [threading.Thread(target=work) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
forked = []
if "fork" in multiprocessing.get_all_start_methods():
    with multiprocessing.get_context("fork").Pool(2) as pool:
        forked = [q.equals(want) for q in pool.map(zscore.quality, [scored] * 2)]
print(json.dumps({"layer": numba.threading_layer(), "failures": failures, "forked": forked}))
"""


def _quality_guarded() -> bool:
    from zscore import _quality_kernels

    return hasattr(_quality_kernels, "_threads")


@pytest.mark.skipif(not _quality_guarded(), reason="zscore._quality_kernels does not call its "
                    "parallel kernels through zscore._threads yet")
@pytest.mark.parametrize("layer", layers())
def test_quality_from_threads_and_forked_workers(layer):
    out = run(QUALITY, layer)
    assert out["failures"] == []
    assert all(out["forked"])


def test_an_error_on_a_worker_thread_is_raised_in_the_caller_and_stops_the_others():
    n = 40 * _kernels.BLOCK
    taken = []

    def rows(start, stop):
        taken.append(start)
        if start == 3 * _kernels.BLOCK:
            raise MemoryError("block 3")
        time.sleep(0.002)  # a block takes a while (and lets the other thread run)
        return 1

    saved = _kernels.default_threads
    _kernels.default_threads = lambda: 2
    try:
        with pytest.raises(MemoryError, match="block 3"):
            _kernels.over_blocks(rows, n)
    finally:
        _kernels.default_threads = saved
    assert 3 * _kernels.BLOCK in taken
    assert len(taken) < 40  # the other thread stopped at its next block


def test_every_thread_starts_once_and_every_item_is_taken_once():
    starts, done = [], []

    def start_thread():
        starts.append(threading.current_thread().name)
        return done.append

    _kernels.on_threads(range(1000), start_thread, 3, "zscore-test")
    assert sorted(done) == list(range(1000))
    assert len(starts) == 3 and starts.count(threading.current_thread().name) == 1
