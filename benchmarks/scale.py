"""Files of any size: time and peak memory of ``zscore.classify_file`` and ``zscore classify``
against pyarrow reading and writing the same file batch by batch without computing anything.

    python benchmarks/scale.py                               # 1 M, 10 M, 30 M rows, Parquet and
                                                             # CSV (~20 min on 2 cores)
    python benchmarks/scale.py --rows 1e6 --formats parquet  # a quick look (~1 min)
    python benchmarks/scale.py --rows 1e8 --big              # 100 M rows if the disk has room
                                                             # (Parquet ~8 min, CSV ~15 min)
    python benchmarks/scale.py --sweep 1e7                   # and --batch-rows 262144 / default
                                                             # / 4194304 at 10 M rows, Parquet
    python benchmarks/scale.py --rows 1e7 --repeat 0 --profile   # py-spy (pip install py-spy)
    python benchmarks/scale.py --json scale.json             # also save every run

The input files are written a million rows at a time (pyarrow's ParquetWriter, snappy, one row
group per million rows; CSV a chunk at a time), so no more than a million rows are held in
memory whatever N: benchmarks/_data.py's children (seed = the chunk's number) plus a text id
``A000000001`` and a village (200 names), as a survey exports them:

* Parquet, as a DHS-style recode is converted: ``sex`` int64 1/2, ``age`` int64 whole days
  (null when missing), ``weight`` and ``lenhei`` float64 (null when missing), ``measure``
  text l/h (null when unrecorded), ``oedema`` text n/y;
* CSV, as an Indonesian register exports it: ``sex`` L/P, ``age_months`` with 2 decimals
  (zscore reads months from the name), weight and lenhei with one decimal, measure and oedema,
  unquoted, missing values empty.

For each N and format the variants run interleaved (a, b, c, a, b, c, ...; the order rotated
from one repeat to the next), each in its own fresh process:

* ``io`` (a): pyarrow alone, nothing computed. Parquet: ``ParquetFile.iter_batches`` (the same
  batch size as zscore's) into a ``ParquetWriter``; CSV: ``pyarrow.csv.open_csv`` with every
  column read as text (as zscore reads a CSV) into a ``CSVWriter``. One thread, reading and
  writing one after the other;
* ``io_wide``: the same reading of the input, but what is written is zscore's output (its 28
  columns against the input's 8), read batch by batch from a Parquet copy made beforehand
  (untimed) with pyarrow's own writer: what writing an output that wide costs with nothing
  computed. Reading the copy is counted too (its stage is shown), so this floor is a little
  high;
* ``io_overlap`` (not run by default): ``io`` with reading one batch ahead in a thread;
* ``api`` (b): ``zscore.classify_file(IN, OUT, batch_rows=...)`` in a fresh Python process;
* ``cli`` (c): ``zscore classify IN -o OUT --quiet [--batch-rows N]`` as a new process: the
  interpreter's start, ``import zscore`` and loading numba's cache included (and the summary's
  counting, which the command does even with --quiet).

Reported: wall seconds (``io*`` and ``api``: of the call alone, timed inside the process, which
for ``api`` includes zscore's lazy imports and loading numba's cache; the whole process beside
it; ``cli``: the whole process), million rows per second, CPU seconds (user + system, both
cores), the ratios to ``io`` and ``io_wide`` within each repeat, the peak RSS (/usr/bin/time's
%M where it exists, else the child's own VmHWM), the peak of the anonymous resident memory
(RssAnon of the process tree, sampled every 50 ms: it leaves out the input's pages that
pyarrow's memory map touched, page cache that grows with the file and that the kernel takes
back when memory is short), the output's size and the load average before the run (the
machine is shared: compare within a run). ``io*`` and ``api`` also report how long each stage
was busy, each in its own thread (reading the next batch, scoring one, writing one): the stage
busy for nearly the whole wall time is the bottleneck. --profile runs ``api`` and ``cli`` once
more under py-spy and adds up its samples by stage and by native activity (dictionary
encoding, statistics, snappy, floats to text, ...).

A size whose files would not fit on the disk (``df``: the free space against the input plus
the largest output, estimated from the sizes per row of the last size measured) is skipped
with a message, and so is one projected to take longer than --budget minutes per format (from
the time per row of the previous size). 100 M rows runs only with --big. The files are removed
at the end (--keep leaves the inputs in --tmp, and a later run with the same --tmp reuses
them).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

FORMATS = {"parquet": ".parquet", "csv": ".csv"}
VARIANTS = {
    "io": "pyarrow read + write a batch at a time, nothing computed (a)",
    "io_overlap": "the same, reading one batch ahead in a thread",
    "io_wide": "pyarrow reads the input and writes zscore's output (read from a Parquet copy)",
    "api": "zscore.classify_file(IN, OUT) in a fresh process (b)",
    "cli": "zscore classify IN -o OUT --quiet, a new process (c)",
}
DEFAULT_VARIANTS = ["io", "io_wide", "api", "cli"]
CHUNK = 1 << 20  # rows generated and written at a time
VILLAGES = 200
BIG = 100_000_000
SWEEP = (262_144, 1_048_576, 4_194_304)
DAYS_PER_MONTH = 30.4375
#: Bytes per row of the files (input, largest output) used before any file was measured.
GUESS_BYTES_PER_ROW = {"parquet": (11, 22), "csv": (44, 170)}
WIDE_BYTES_PER_ROW = 23  # io_wide's Parquet copy of the output
GENERATOR = "scale-v1"  # change when the files change: a kept file of another version is remade


# --- the files -----------------------------------------------------------------------------------
def village_names(k: int = VILLAGES) -> list[str]:
    first = ("Suka", "Cibo", "Mekar", "Sindang", "Karang", "Tanjung", "Sumber", "Jati",
             "Bojong", "Pasir", "Cikal", "Gunung", "Rawa", "Talang", "Lubuk", "Kebon", "Pondok",
             "Muara", "Padang", "Banjar")
    second = ("maju", "jaya", "sari", "mulya", "asih", "rahayu", "wangi", "makmur", "harja",
              "indah")
    return [f"{a}{b}" for a in first for b in second][:k]


def chunk_table(start: int, n: int, fmt: str, seed: int):
    """Rows start .. start + n of the file, as a pyarrow Table (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    d = _data.children(n, seed)
    rng = np.random.default_rng(10_000 + seed)
    number = pc.utf8_lpad(pc.cast(pa.array(np.arange(start + 1, start + n + 1)), pa.string()),
                          9, "0")
    ident = pc.binary_join_element_wise("A", number, "")
    village = pa.array(village_names()).take(pa.array(rng.integers(0, VILLAGES, n)))
    missing_age = np.isnan(d["age"])
    measure = pa.array(d["measure"]).cast(pa.string())
    measure = pc.if_else(pc.equal(measure, ""), pa.scalar(None, pa.string()), measure)
    if fmt == "parquet":
        sex = pa.array(d["sex"].astype(np.int64))
        age_name = "age"
        age = pa.array(np.where(missing_age, 0, np.floor(d["age"])).astype(np.int64),
                       mask=missing_age)
    else:
        sex = pa.array(np.array(["L", "P"])[d["sex"] - 1])
        age_name = "age_months"
        age = pa.array(np.round(np.nan_to_num(d["age"]) / DAYS_PER_MONTH, 2), mask=missing_age)
    return pa.table({
        "id": ident,
        "village": village,
        "sex": sex,
        age_name: age,
        "weight": pa.array(d["weight"], mask=np.isnan(d["weight"])),
        "lenhei": pa.array(d["lenhei"], mask=np.isnan(d["lenhei"])),
        "measure": measure,
        "oedema": pa.array(d["oedema"]).cast(pa.string()),
    })


def write_input(path: Path, n: int, fmt: str) -> float:
    """Write the n-row file a chunk at a time (into a partial file, renamed at the end);
    seconds taken."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    start = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    writer = None
    with open(partial, "wb") as fh:
        for i, first in enumerate(range(0, n, CHUNK)):
            table = chunk_table(first, min(CHUNK, n - first), fmt, seed=i)
            if fmt == "parquet":
                if writer is None:
                    writer = pq.ParquetWriter(fh, table.schema)  # snappy, pyarrow's default
                writer.write_table(table)
            else:  # plain text as a survey tool exports it: no quotes, missing = empty
                if i == 0:
                    fh.write((",".join(table.column_names) + "\n").encode())
                pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(
                    include_header=False, quoting_style="none"))
            del table
        if writer is not None:
            writer.close()
    partial.rename(path)
    return time.perf_counter() - start


def input_file(folder: Path, n: int, fmt: str) -> tuple[Path, float | None]:
    """The n-row input of the format in folder, written unless a file of this generator's
    version is already there (--keep); (path, seconds to write it or None)."""
    path = folder / f"children_{GENERATOR}_{n}{FORMATS[fmt]}"
    if path.exists():
        return path, None
    return path, write_input(path, n, fmt)


# --- the variants, run in a child process ---------------------------------------------------------
class Busy:
    """Seconds each stage was busy (stages run in different threads; a stage's time is summed
    over its calls)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self.lock:
            self.spent[stage] = self.spent.get(stage, 0.0) + seconds

    def iterate(self, stage: str, items):
        """items, the time of each next() counted to stage."""
        it = iter(items)
        while True:
            start = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                self.add(stage, time.perf_counter() - start)
                return
            self.add(stage, time.perf_counter() - start)
            yield item

    def wrap(self, owner, name: str, stage: str) -> None:
        real = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - start)

        setattr(owner, name, timed)


def csv_header(path: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return fh.readline().rstrip("\r\n").split(",")


def ahead(items, depth: int = 1):
    """items, produced one ahead in a thread (as zscore.stream does)."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    end = object()

    def fill() -> None:
        try:
            for item in items:
                q.put(item)
            q.put(end)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    threading.Thread(target=fill, daemon=True).start()
    while True:
        item = q.get()
        if item is end:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def plain_schema(schema):
    """The schema with dictionary (category) columns as their values' type, for CSV."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type)
                               else f.type) for f in schema])


def io_only(fmt: str, src: str, dst: str, batch_rows: int, busy: Busy,
            overlap: bool = False, wide: str | None = None) -> int:
    """Read src a batch at a time and write every batch to dst, nothing computed; rows.
    ``wide``: a Parquet copy of zscore's output for src; its batches are written instead of
    the input's, as the input's rows are read (reading the copy is its own stage)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "parquet":
        pf = pq.ParquetFile(src, memory_map=True)
        batches = pf.iter_batches(batch_size=batch_rows, use_threads=True)
        schema = pf.schema_arrow
    else:
        names = csv_header(src)
        reader = pacsv.open_csv(
            src, read_options=pacsv.ReadOptions(skip_rows=1, column_names=names,
                                                block_size=4 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]))
        batches = reader
        schema = reader.schema
    copies = None
    if wide is not None:
        copy = pq.ParquetFile(wide, memory_map=True)
        schema = copy.schema_arrow
        copies = busy.iterate("read copy", copy.iter_batches(batch_size=batch_rows))
    if fmt == "parquet":
        writer = pq.ParquetWriter(dst, schema)
        write = writer.write_batch
    else:
        plain = plain_schema(schema)
        writer = pacsv.CSVWriter(dst, plain)

        def write(batch) -> None:
            writer.write_batch(batch.cast(plain) if wide is not None else batch)
    batches = busy.iterate("read", batches)
    if overlap:
        batches = ahead(batches)
    rows = written = 0
    for batch in batches:
        rows += batch.num_rows
        todo = [batch] if copies is None else []
        while copies is not None and written < rows:
            todo.append(next(copies))
            written += todo[-1].num_rows
        for part in todo:
            start = time.perf_counter()
            write(part)
            busy.add("write", time.perf_counter() - start)
    start = time.perf_counter()
    writer.close()
    busy.add("write", time.perf_counter() - start)
    return rows


def api(src: str, dst: str, batch_rows: int, busy: Busy) -> int:
    """zscore.classify_file, its stages timed: reading a batch (the source's iterator, in the
    reader thread), scoring it (zscore.classify's run, in the main thread), writing it (the
    format's writer, in the writer thread)."""
    import zscore
    from zscore import stream
    from zscore.io import arrow, text

    real_open = stream.open_source

    def open_source(*args, **kwargs):
        src = real_open(*args, **kwargs)
        src.batches = busy.iterate("read", src.batches)
        return src

    stream.open_source = open_source
    busy.wrap(stream, "run", "score")
    busy.wrap(arrow.ParquetWriter, "write", "write")
    busy.wrap(arrow.ParquetWriter, "close", "write")
    busy.wrap(text.CsvWriter, "write", "write")
    busy.wrap(text.CsvWriter, "close", "write")
    return zscore.classify_file(src, dst, batch_rows=batch_rows).rows


def high_water_kb() -> int:
    """This process's resident high-water mark, KB (Linux VmHWM: this process's own, new at
    exec; ru_maxrss also counts the memory of the process it was forked from)."""
    import resource

    with contextlib.suppress(OSError):
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(variant: str, fmt: str, src: str, dst: str, batch_rows: str, result: str) -> None:
    """In a fresh process: one call, timed; JSON to ``result``."""
    t0 = time.perf_counter()
    import pyarrow.parquet  # noqa: F401

    if variant == "api":
        import zscore  # noqa: F401
    imported = time.perf_counter() - t0
    busy = Busy()
    cpu, start = time.process_time(), time.perf_counter()
    if variant == "api":
        rows = api(src, dst, int(batch_rows), busy)
    else:
        rows = io_only(fmt, src, dst, int(batch_rows), busy, overlap=variant == "io_overlap",
                       wide=os.environ.get("ZSCORE_SCALE_WIDE") if variant == "io_wide"
                       else None)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    Path(result).write_text(json.dumps({
        "wall": wall, "cpu": cpu, "import": imported, "rows": rows, "stages": busy.spent,
        "vmhwm_kb": high_water_kb()}))


# --- the parent ----------------------------------------------------------------------------------
def zscore_command() -> str:
    """The console script installed beside this interpreter (not a pyenv shim, whose own
    start would be timed too)."""
    beside = Path(sys.executable).parent / "zscore"
    return str(beside) if beside.exists() else (shutil.which("zscore") or "zscore")


TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def tree(pid: int) -> list[int]:
    """pid and every process below it (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
    return out


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """(anonymous, file-backed) resident KB of the processes."""
    anon = file = 0
    for p in pids:
        with contextlib.suppress(OSError), open(f"/proc/{p}/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    anon += int(line.split()[1])
                elif line.startswith(("RssFile:", "RssShmem:")):
                    file += int(line.split()[1])
    return anon, file


class Sampler(threading.Thread):
    """The largest anonymous resident memory of a process tree, read every ``every`` seconds:
    the memory the run itself holds. (The peak RSS also counts the pages of the input file that
    pyarrow's memory map has touched: the kernel's page cache, which it takes back when
    memory is short; they grow with the file.)"""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.anon = self.file = 0
        self.done = threading.Event()

    def run(self) -> None:
        if not os.path.exists(f"/proc/{self.pid}"):
            return
        while not self.done.is_set():
            anon, file = memory_kb(tree(self.pid))
            self.anon, self.file = max(self.anon, anon), max(self.file, file)
            self.done.wait(self.every)


def spawn(argv: list[str], folder: Path) -> dict:
    """Run argv to its end under /usr/bin/time: wall and CPU seconds and peak RSS (KB) of
    that process, and the peak of its anonymous memory (sampled)."""
    measured = folder / "time.txt"
    timer = [TIME, "-f", "%e %U %S %M", "-o", str(measured)] if TIME else []
    err_path = folder / "stderr.txt"
    with open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(timer + argv, stdout=subprocess.DEVNULL, stderr=err)
        sampler = Sampler(proc.pid)
        sampler.start()
        # reap it only after the sampler stops: the child's /proc entries go with the reaping
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise RuntimeError(f"{' '.join(argv)} exited with {code}:\n"
                           + err_path.read_text()[-3000:])
    out = {"process_wall": wall, "process_cpu": usage.ru_utime + usage.ru_stime,
           "peak_rss_kb": None, "peak_anon_kb": sampler.anon or None,
           "peak_file_kb": sampler.file or None}
    if timer:
        _, user, system, peak = measured.read_text().split()[-4:]
        out["process_cpu"] = float(user) + float(system)
        out["peak_rss_kb"] = int(peak)
    return out


def run_variant(variant: str, fmt: str, src: Path, folder: Path, batch_rows: int,
                default_batch: int) -> dict:
    dst = folder / f"out_{variant}{FORMATS[fmt]}"
    load = os.getloadavg()[0]
    if variant == "cli":
        extra = [] if batch_rows == default_batch else ["--batch-rows", str(batch_rows)]
        out = spawn([zscore_command(), "classify", str(src), "-o", str(dst), "--quiet",
                     *extra], folder)
        out |= {"wall": out["process_wall"], "cpu": out["process_cpu"], "stages": {}}
    else:
        result = folder / f"{variant}.json"
        out = spawn([sys.executable, __file__, "--child", variant, fmt, str(src), str(dst),
                     str(batch_rows), str(result)], folder)
        out |= json.loads(result.read_text())
        result.unlink()
        if out["peak_rss_kb"] is None:
            out["peak_rss_kb"] = out["vmhwm_kb"]
    out["load"] = load
    out["output_bytes"] = dst.stat().st_size
    dst.unlink()
    return out


def span(values: list[float], digits: int = 2) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    if len(values) == 1 or f"{lo:.{digits}f}" == f"{hi:.{digits}f}":
        return f"{lo:.{digits}f}"
    return f"{lo:.{digits}f}-{hi:.{digits}f}"


def report(title: str, n: int, runs: list[dict[str, dict]], variants: list[str]) -> dict:
    """Print one table; runs: one dict of variant -> result per repeat."""
    print(f"\n{title}, {n:,} rows, {len(runs)} repeat{'s' if len(runs) > 1 else ''} (ranges "
          "over the repeats; ratios within each repeat)")
    print(f"  {'variant':<16}{'wall s':>13}{'process s':>13}{'M rows/s':>12}{'CPU s':>13}"
          f"{'/ io':>11}{'/ io_wide':>11}{'peak RSS MB':>14}{'anon MB':>10}{'output MB':>11}"
          f"{'load':>11}")
    summary = {}
    for v in variants:
        walls = [r[v]["wall"] for r in runs]
        floor = [r[v]["wall"] / r["io"]["wall"] for r in runs] if "io" in runs[0] else []
        wide = [r[v]["wall"] / r["io_wide"]["wall"] for r in runs] if "io_wide" in runs[0] \
            else []
        peaks = [r[v]["peak_rss_kb"] / 1024 for r in runs]
        summary[v] = {"wall": walls, "process_wall": [r[v]["process_wall"] for r in runs],
                      "rate": [n / w for w in walls], "cpu": [r[v]["cpu"] for r in runs],
                      "ratio_io": floor, "ratio_io_wide": wide, "peak_mb": peaks,
                      "anon_mb": [(r[v]["peak_anon_kb"] or 0) / 1024 for r in runs],
                      "output_mb": [r[v]["output_bytes"] / 1e6 for r in runs],
                      "load": [r[v]["load"] for r in runs]}
        s = summary[v]
        print(f"  {v:<16}{span(walls):>13}{span(s['process_wall']):>13}"
              f"{span([x / 1e6 for x in s['rate']]):>12}{span(s['cpu']):>13}"
              f"{span(floor):>11}{span(wide):>11}{span(peaks, 0):>14}{span(s['anon_mb'], 0):>10}"
              f"{span(s['output_mb'], 0):>11}"
              f"{span(s['load'], 1):>11}")
    staged = [v for v in variants if runs[0][v]["stages"]]
    if staged:
        print("  stages busy, seconds (each in its own thread; 'score' is zscore's parse + "
              "kernel + output columns of the batch):")
    for v in staged:
        cells = "  ".join(f"{s} {span([r[v]['stages'].get(s, 0.0) for r in runs])}"
                          for s in ("read", "read copy", "score", "write")
                          if s in runs[0][v]["stages"])
        print(f"    {v:<14}{cells}")
    return summary


def environment() -> dict:
    import numba
    import pyarrow

    import zscore

    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("nproc") else str(os.cpu_count())
    return {"zscore": zscore.__version__, "commit": _data.zscore_commit(),
            "python": platform.python_version(), "pyarrow": pyarrow.__version__,
            "numba": numba.__version__, "numpy": np.__version__, "nproc": nproc,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def df(folder: Path) -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(["df", "-h", str(folder)], capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1]
    return ""


def interleaved(keys: list, run, repeat: int) -> list[dict]:
    """run(key) for every key, repeat times, the order rotated from one repeat to the next;
    one dict of key -> result per repeat."""
    runs = []
    for r in range(repeat):
        k = r % len(keys)
        order = keys[k:] + keys[:k]
        done = {key: run(key) for key in order}
        runs.append({key: done[key] for key in keys})
        print(f"  repeat {r + 1} (order {', '.join(map(str, order))}): " + ", ".join(
            f"{key} {done[key]['wall']:.2f} s {done[key]['peak_rss_kb'] / 1024:.0f} MB"
            for key in keys), flush=True)
    return runs


def profile(fmt: str, src: Path, folder: Path, batch_rows: int, out: str | None,
            rate: int = 200) -> None:
    """One classify_file call and one command under py-spy (every thread, native frames, only
    samples of running threads), when py-spy is on the PATH: per thread (by name), the
    seconds it ran and where."""
    spy = shutil.which("py-spy")
    if spy is None:
        print("\n  --profile: py-spy is not on the PATH (pip install py-spy); skipped")
        return
    for variant in ("api", "cli"):
        dst = folder / f"out_profile{FORMATS[fmt]}"
        raw = Path(f"{out}.{variant}.txt") if out else folder / f"profile_{variant}.txt"
        if variant == "api":
            target = [sys.executable, __file__, "--child", "api", fmt, str(src), str(dst),
                      str(batch_rows), str(folder / "profile.json")]
        else:
            target = [sys.executable, zscore_command(), "classify", str(src), "-o", str(dst),
                      "--quiet", "--batch-rows", str(batch_rows)]
        argv = [spy, "record", "--native", "--threads", "-r", str(rate), "-f", "raw", "-o",
                str(raw), "--", *target]
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        wall = time.perf_counter() - start
        dst.unlink()
        print(f"\n  py-spy, {variant}, {fmt}, whole process {wall:.1f} s under the profiler "
              f"({rate} samples/s of each running thread, so seconds of a stage can add up "
              "to more than the wall time; numba's worker threads are not sampled):")
        summarise_profile(raw, rate)


#: Native functions summed as one activity when they appear anywhere in a sample's stack.
ACTIVITIES = {
    "snappy": ("snappy::",),
    "dictionary encoding": ("DictEncoderImpl",),
    "statistics": ("TypedStatisticsImpl", "TypedComparatorImpl"),
    "Parquet decoding": ("FileReaderImpl", "RecordReader", "ColumnReaderImpl"),
    "floats to text": ("double_conversion",),
    "CSV writer": ("CSVWriterImpl",),
    "CSV parser": ("BlockParser", "BlockDecodingOperator", "ColumnDecoder",
                   "StreamingReaderImpl"),
    "arrow compute (cast, take, ...)": ("arrow::compute::",),
    "write(2)": ("write (libc",),
}

#: A sample's stage, from the first of these Python functions found in its stack.
STAGES = (
    ("write", ("ParquetWriter.write", "ParquetWriter.close", "CsvWriter.write",
               "CsvWriter.close", "IpcWriter.write")),
    ("read", ("open_parquet.<locals>.batches", "open_batches.<locals>.batches",
              "open_ipc.<locals>.batches")),
    ("score", ("run (zscore/classify.py",)),
    ("start-up (imports, numba cache)", ("<module>", "_find_and_load")),
)


def stage_of(stack: str) -> str:
    for stage, needles in STAGES:
        if any(n in stack for n in needles):
            return stage
    if ".py:" not in stack:
        return "no Python frame (mostly the main thread inside numba's kernel, unwound badly)"
    return "other (waiting for a batch, summary, ...)"


def summarise_profile(raw: Path, rate: int, top: int = 6) -> None:
    """Seconds of running samples per stage (the stage found in the stack, whatever thread),
    the native activities within it and its top zscore functions."""
    stages: dict[str, int] = {}
    python: dict[tuple[str, str], int] = {}
    activity: dict[tuple[str, str], int] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        c = int(count)
        stage = stage_of(stack)
        stages[stage] = stages.get(stage, 0) + c
        frames = stack.split(";")
        mine = [f for f in frames if "zscore/" in f and ".py:" in f]
        if mine:
            key = mine[-1].split(":")[0] + ")"
            python[(stage, key)] = python.get((stage, key), 0) + c
        for label, needles in ACTIVITIES.items():
            if any(n in stack for n in needles):
                activity[(stage, label)] = activity.get((stage, label), 0) + c
    for stage, total in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"    {stage}: {total / rate:.1f} s")
        acts = sorted(((c, a) for (t, a), c in activity.items() if t == stage), reverse=True)
        if acts:
            print("      native: " + "; ".join(f"{a} {100 * c / total:.0f} %" for c, a in acts))
        rows = sorted(((c, k) for (t, k), c in python.items() if t == stage), reverse=True)
        if rows:
            print("      innermost zscore function: " + "; ".join(
                f"{k} {100 * c / total:.0f} %" for c, k in rows[:top]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, nargs="+", default=[1e6, 1e7, 3e7])
    parser.add_argument("--big", action="store_true", help="allow 100 M rows and more")
    parser.add_argument("--formats", nargs="+", choices=list(FORMATS), default=list(FORMATS))
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS),
                        default=DEFAULT_VARIANTS)
    parser.add_argument("--repeat", type=int, help="repeats per size (default: 2 up to 10 M "
                        "rows, 1 above)")
    parser.add_argument("--batch-rows", type=int, help="zscore's and the baseline's batch "
                        "(default: zscore's own, 1,048,576)")
    parser.add_argument("--sweep", type=float, nargs="*", metavar="ROWS",
                        help="also run the command with --batch-rows "
                        f"{', '.join(map(str, SWEEP))} on the Parquet file of these sizes "
                        "(of every size when none is given)")
    parser.add_argument("--sweep-repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true",
                        help="then run classify_file and the command once more under py-spy, "
                             "per size and format (py-spy on the PATH)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="skip a size projected to take longer than this many minutes "
                             "per format (from the previous size's time per row)")
    parser.add_argument("--tmp", help="folder for the files (default: the system's temp)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the input files in --tmp (and reuse those found there)")
    parser.add_argument("--json", help="also write every run to this file")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.keep and not args.tmp:
        parser.error("--keep needs --tmp")

    from zscore.stream import BATCH_ROWS

    batch_rows = args.batch_rows or BATCH_ROWS
    env = environment()
    print(" ".join(f"{k} {v}" for k, v in env.items()))
    print(f"zscore command: {zscore_command()}; peak RSS from "
          f"{TIME + ' %M' if TIME else 'the child VmHWM (no /usr/bin/time)'}; batch "
          f"{batch_rows:,} rows")
    for v in args.variants:
        print(f"  {v:<12} {VARIANTS[v]}")
    results: dict = {"environment": env, "runs": {}, "inputs": {}, "skipped": []}
    folder = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="zscore-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    per_row = dict(GUESS_BYTES_PER_ROW)  # bytes per row: (input, largest output), per format
    seconds_per_row: dict[str, float] = {}  # per format, the last size's whole step
    try:
        for n in (int(r) for r in args.rows):
            if n >= BIG and not args.big:
                print(f"\n{n:,} rows: skipped (give --big to run 100 M rows or more)")
                results["skipped"].append({"rows": n, "why": "no --big"})
                continue
            repeat = args.repeat if args.repeat is not None else (2 if n <= 10_000_000 else 1)
            for fmt in args.formats:
                wide = WIDE_BYTES_PER_ROW if "io_wide" in args.variants else 0
                need = n * (sum(per_row[fmt]) + wide) * 1.1
                free = shutil.disk_usage(folder).free
                print(f"\n{fmt}, {n:,} rows: df {df(folder)}", flush=True)
                if need > free:
                    print(f"  skipped: the input and the outputs need about {need / 1e9:.1f} GB, "
                          f"{free / 1e9:.1f} GB are free")
                    results["skipped"].append({"rows": n, "format": fmt, "why": "disk"})
                    continue
                if fmt in seconds_per_row:
                    minutes = seconds_per_row[fmt] * n / 60
                    print(f"  projected {minutes:.1f} min (from the previous size)")
                    if minutes > args.budget:
                        print(f"  skipped: over the budget of {args.budget:g} min (--budget)")
                        results["skipped"].append({"rows": n, "format": fmt, "why": "time",
                                                   "projected_min": minutes})
                        continue
                step = time.perf_counter()
                src, wrote = input_file(folder, n, fmt)
                size = src.stat().st_size
                results["inputs"][f"{fmt} {n}"] = {"bytes": size, "write_s": wrote}
                print(f"  {src.name}: {size / 1e6:,.0f} MB ({size / n:.1f} bytes a row)"
                      + (f", written in {wrote:.1f} s" if wrote is not None else ", reused"),
                      flush=True)
                gc.collect()
                key = f"{fmt} {n}"
                if "io_wide" in args.variants and repeat:
                    copy = folder / "wide_copy.parquet"
                    took = spawn([zscore_command(), "classify", str(src), "-o", str(copy),
                                  "--quiet"], folder)["process_wall"]
                    os.environ["ZSCORE_SCALE_WIDE"] = str(copy)
                    print(f"  zscore's output as Parquet for io_wide: "
                          f"{copy.stat().st_size / 1e6:,.0f} MB, {took:.1f} s", flush=True)
                if repeat:
                    runs = interleaved(args.variants, lambda v, fmt=fmt, src=src: run_variant(
                        v, fmt, src, folder, batch_rows, BATCH_ROWS), repeat)
                    results["runs"][key] = runs
                    results.setdefault("summary", {})[key] = report(
                        f"{fmt} -> {fmt}", n, runs, args.variants)
                    largest = max(r[v]["output_bytes"] for r in runs for v in r)
                    per_row[fmt] = (size / n, largest / n)
                if args.sweep is not None and fmt == "parquet" and (
                        not args.sweep or n in {int(x) for x in args.sweep}):
                    print(f"\n  --batch-rows {', '.join(map(str, SWEEP))}, the command "
                          f"(cli), {args.sweep_repeat} repeats:", flush=True)
                    runs = interleaved(list(SWEEP), lambda b, fmt=fmt, src=src: run_variant(
                        "cli", fmt, src, folder, b, BATCH_ROWS), args.sweep_repeat)
                    results.setdefault("sweep", {})[key] = runs
                    for b in SWEEP:
                        walls = [r[b]["wall"] for r in runs]
                        peaks = [r[b]["peak_rss_kb"] / 1024 for r in runs]
                        anon = [(r[b]["peak_anon_kb"] or 0) / 1024 for r in runs]
                        print(f"    --batch-rows {b:>9,}: {span(walls)} s, "
                              f"{span([n / w / 1e6 for w in walls])} M rows/s, peak RSS "
                              f"{span(peaks, 0)} MB (anonymous {span(anon, 0)} MB)")
                if args.profile:
                    profile(fmt, src, folder, batch_rows,
                            str(Path(args.json).with_suffix(f".{fmt}_{n}.pyspy"))
                            if args.json else None)
                seconds_per_row[fmt] = (time.perf_counter() - step) / n
                with contextlib.suppress(FileNotFoundError):
                    (folder / "wide_copy.parquet").unlink()
                if not args.keep:
                    src.unlink()
                if args.json:  # after every size: a long run interrupted keeps what it did
                    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    finally:
        if not args.keep:
            for p in folder.glob(f"children_{GENERATOR}_*"):
                p.unlink()
            for p in [*folder.glob("out_*"), *folder.glob("wide_copy.parquet"),
                      *(folder / name for name in ("time.txt", "stderr.txt", "profile.json")
                        if (folder / name).exists())]:
                p.unlink()
            if not args.tmp:
                shutil.rmtree(folder, ignore_errors=True)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
