"""Time the ``zscore classify`` command against the library with pyarrow's own I/O, on files.

    python benchmarks/cli_speed.py                                  # 1 M and 10 M rows, Parquet
                                                                    # and CSV, 3 repeats (~15 min)
    python benchmarks/cli_speed.py --rows 1e6 --repeat 1 --formats parquet   # a quick look
    python benchmarks/cli_speed.py --json out.json                  # also save every run
    python benchmarks/cli_speed.py --rows 1e7 --repeat 0 --profile  # only the profile of the CLI

For each size a file of children is written to a temporary folder: benchmarks/_data.py's
synthetic children (sex 1/2, age in whole days 0-1856 with 0.2 % missing, weight and lenhei
with a few missing, measure l/h with 0.5 % unrecorded, oedema n, 0.5 % y) plus two
pass-through columns, a text id ``A0000001`` and a village name (200 villages). Parquet holds
the natural types (int64 sex and age, age null when missing; float64 weight and lenhei; text
id, village, measure and oedema, measure null when unrecorded); CSV is the same as text,
unquoted, missing values empty. Then, in the same run and side by side (each variant in its
own fresh process, the variants' order rotated from one repeat to the next):

* ``io``: pyarrow read + write, nothing computed: the I/O floor (``parquet.read_table`` /
  ``parquet.write_table``; ``csv.read_csv`` with its default type inference /
  ``csv.write_csv``);
* ``api``: the same read, ``zscore.classify(table)`` (a pyarrow Table back), the same write;
* ``cli``: ``zscore.cli.main(["classify", IN, "-o", OUT, "--quiet"])`` in-process, after a
  warm-up call on a 30,000-row file of the same format (numba's kernels loaded, pyarrow's
  first-call costs paid), the same for ``api`` and ``io``;
* ``cli_summary``: the same without ``--quiet`` (the summary printed, stdout to a file);
* ``cli_by``: the summary broken down by village (``--by village``);
* ``subprocess``: ``zscore classify IN -o OUT --quiet`` as a new process, numba's cache warm
  (one warm-up run first): the interpreter's start and ``import zscore`` included.

Reported per variant: wall seconds (of the timed call only, import and warm-up excluded, but
for ``subprocess``), million rows per second, CPU seconds (both cores counted), the ratio to
``api`` of the same repeat, and the process's peak resident memory (Linux VmHWM read by the
process itself at its end; for ``subprocess``, /usr/bin/time's %M), import and warm-up
included; the high-water mark after the warm-up is shown beside it. (ru_maxrss of a direct
child is no use here: it starts from this script's own resident memory at the fork.)
The in-process variants also time their stages (reading, zscore's input parsing,
kernel, output columns, attaching them, the summary, writing) by wrapping zscore's functions
with a clock; the summary's own cost is the ``summary`` stage (the command counts it
even with ``--quiet``, so ``cli`` has it too).

The machine may be shared and noisy: compare numbers within one run, as ranges over repeats.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

FORMATS = {"parquet": ".parquet", "csv": ".csv"}
VARIANTS = {
    "io": "pyarrow read + write, nothing computed",
    "api": "pyarrow read, zscore.classify(table), pyarrow write",
    "cli": "zscore.cli.main([classify IN -o OUT --quiet]), in-process",
    "cli_summary": "the same, summary printed (stdout to a file)",
    "cli_by": "the same, summary --by village",
    "subprocess": "zscore classify IN -o OUT --quiet, a new process",
}
WARM_ROWS = 30_000  # above zscore's SMALL (20,000): the parallel kernel is loaded too
VILLAGES = 200
TARGET = 1.5  # CLI / (API + I/O)


# --- the files -----------------------------------------------------------------------------------
def village_names(k: int = VILLAGES) -> list[str]:
    first = ("Suka", "Cibo", "Mekar", "Sindang", "Karang", "Tanjung", "Sumber", "Jati",
             "Bojong", "Pasir", "Cikal", "Gunung", "Rawa", "Talang", "Lubuk", "Kebon", "Pondok",
             "Muara", "Padang", "Banjar")
    second = ("maju", "jaya", "sari", "mulya", "asih", "rahayu", "wangi", "makmur", "harja",
              "indah")
    return [f"{a}{b}" for a in first for b in second][:k]


def children_table(n: int, seed: int = 0):
    """n children as a pyarrow Table with natural types (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    d = _data.children(n, seed)
    rng = np.random.default_rng(seed + 7)
    width = max(7, len(str(n)))
    number = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width, "0")
    ident = pc.binary_join_element_wise("A", number, "")
    villages = pa.array(village_names())
    village = villages.take(pa.array(rng.integers(0, len(villages), n)))
    missing_age = np.isnan(d["age"])
    age = np.where(missing_age, 0, np.floor(d["age"])).astype(np.int64)  # whole days
    measure = pa.array(d["measure"]).cast(pa.string())
    measure = pc.if_else(pc.equal(measure, ""), pa.scalar(None, pa.string()), measure)
    return pa.table({
        "id": ident,
        "village": village,
        "sex": pa.array(d["sex"].astype(np.int64)),
        "age": pa.array(age, mask=missing_age),
        "weight": pa.array(d["weight"], mask=np.isnan(d["weight"])),
        "lenhei": pa.array(d["lenhei"], mask=np.isnan(d["lenhei"])),
        "measure": measure,
        "oedema": pa.array(d["oedema"]).cast(pa.string()),
    })


def write_input(table, path: Path, fmt: str) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "parquet":
        pq.write_table(table, str(path))
    else:  # plain text as a spreadsheet or a survey tool exports it: no quotes, empty = missing
        with open(path, "wb") as fh:
            fh.write((",".join(table.column_names) + "\n").encode())
            pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(
                include_header=False, quoting_style="none"))


# --- the variants, run in a child process ---------------------------------------------------------
class Clock:
    """Seconds spent in some of zscore's functions, by wrapping them (stage -> seconds)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.on = False

    def wrap(self, module, name: str, stage: str) -> None:
        real = getattr(module, name)

        def timed(*args, **kwargs):
            if not self.on:
                return real(*args, **kwargs)
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.spent[stage] = self.spent.get(stage, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)


def install_clock(clock: Clock) -> None:
    batch = importlib.import_module("zscore.classify")  # the module, not the function
    zio = importlib.import_module("zscore.io")
    report = importlib.import_module("zscore.report")
    # run() and the command look these up when they are called
    clock.wrap(zio, "read", "read")
    clock.wrap(zio, "write", "write")
    clock.wrap(batch, "gather", "parse inputs")
    clock.wrap(batch, "compute", "kernel")
    clock.wrap(batch, "columns", "columns")
    clock.wrap(batch, "attach", "attach")
    clock.wrap(report, "nothing_scored", "summary")
    clock.wrap(report, "group_codes", "summary")
    clock.wrap(report, "classify_summary", "summary")


def operation(variant: str, fmt: str, clock: Clock):
    """The call to time: f(input, output)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import zscore
    from zscore.cli import main

    def timed(stage: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        clock.spent[stage] = clock.spent.get(stage, 0.0) + time.perf_counter() - start
        return out

    read = pq.read_table if fmt == "parquet" else pacsv.read_csv
    write = pq.write_table if fmt == "parquet" else pacsv.write_csv

    def io_only(src: str, dst: str) -> None:
        table = timed("read", read, src)
        timed("write", write, table, dst)

    def api(src: str, dst: str) -> None:
        table = timed("read", read, src)
        out = timed("classify", zscore.classify, table)
        timed("write", write, out, dst)

    def cli(*extra: str):
        def call(src: str, dst: str) -> None:
            code = main(["classify", src, "-o", dst, *extra])
            if code:
                raise SystemExit(f"zscore classify exited with {code}")
        return call

    return {"io": io_only, "api": api, "cli": cli("--quiet"), "cli_summary": cli(),
            "cli_by": cli("--by", "village")}[variant]


def child(variant: str, fmt: str, src: str, dst: str, warm_src: str, result: str,
          profile: str | None = None) -> None:
    """In a fresh process: warm up on the small file, then time one call; JSON to ``result``."""
    t0 = time.perf_counter()
    import pyarrow  # noqa: F401

    import zscore
    import zscore.cli.commands
    import zscore.report  # noqa: F401  (loaded before the clock, as the command loads it)

    imported = time.perf_counter() - t0
    clock = Clock()
    install_clock(clock)
    call = operation(variant, fmt, clock)
    warm_dst = str(Path(dst).with_name(f"warm_{variant}{FORMATS[fmt]}"))
    with contextlib.redirect_stdout(io.StringIO()):  # the warm-up's summary is not kept
        call(warm_src, warm_dst)
    os.unlink(warm_dst)
    clock.spent.clear()
    gc.collect()
    base_kb = high_water_kb()
    sys.stdout.flush()
    clock.on = True
    profiler = cProfile.Profile() if profile else None
    cpu, start = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    call(src, dst)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    sys.stdout.flush()
    if profiler:
        profiler.dump_stats(profile)
    Path(result).write_text(json.dumps({
        "wall": wall, "cpu": cpu, "import": imported, "stages": clock.spent,
        "base_rss_kb": base_kb, "peak_rss_kb": high_water_kb(),
        "output_bytes": os.path.getsize(dst)}))


def high_water_kb() -> int:
    """This process's resident high-water mark, KB. Linux's VmHWM belongs to the process's own
    memory map, new at exec; ru_maxrss (the fallback) also counts the memory of the process it
    was forked from, so a child of a parent holding 1 GB reports at least 1 GB."""
    with contextlib.suppress(OSError):
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- the parent: files, repeats, tables ----------------------------------------------------------
def zscore_command() -> str:
    """The console script installed beside this interpreter (not a pyenv shim, whose own
    start would be timed too)."""
    beside = Path(sys.executable).parent / "zscore"
    return str(beside) if beside.exists() else (shutil.which("zscore") or "zscore")


def spawn(argv: list[str], stdout_path: str, stderr_path: str) -> tuple[float, float, int]:
    """Run argv to its end: (wall seconds, CPU seconds, peak RSS in KB) of that process."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}:\n"
                           + Path(stderr_path).read_text()[-3000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def run_variant(variant: str, fmt: str, src: Path, warm: Path, folder: Path,
                profile: str | None = None) -> dict:
    dst = folder / f"out_{variant}{FORMATS[fmt]}"
    stdout, stderr = str(folder / f"{variant}.stdout"), str(folder / f"{variant}.stderr")
    if variant == "subprocess":
        argv = [zscore_command(), "classify", str(src), "-o", str(dst), "--quiet"]
        # ru_maxrss of a direct child counts this (large) process's memory at the fork, so the
        # command runs under /usr/bin/time, a small process, which reports the command's own
        measured = folder / "time.txt"
        timer = ["/usr/bin/time", "-f", "%M", "-o", str(measured)] \
            if os.path.exists("/usr/bin/time") else []
        wall, cpu, peak = spawn(timer + argv, stdout, stderr)
        if timer:
            peak = int(measured.read_text().split()[-1])
        out = {"wall": wall, "cpu": cpu, "stages": {}, "base_rss_kb": None,
               "output_bytes": dst.stat().st_size, "peak_rss_kb": peak}
    else:
        result = folder / f"{variant}.json"
        argv = [sys.executable, __file__, "--child", variant, fmt, str(src), str(dst),
                str(warm), str(result)] + (["--profile-out", profile] if profile else [])
        spawn(argv, stdout, stderr)
        out = json.loads(result.read_text())
        result.unlink()
    if variant.startswith("cli_"):
        out["printed_bytes"] = os.path.getsize(stdout)
        out["printed"] = Path(stdout).read_text()
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


def report(fmt: str, n: int, runs: list[dict[str, dict]], variants: list[str]) -> dict:
    """Print one (format, size) table; runs: one dict of variant -> result per repeat."""
    print(f"\n{fmt} -> {fmt}, {n:,} rows, {len(runs)} repeat{'s' if len(runs) > 1 else ''} "
          "(ranges over the repeats; ratio within each repeat)")
    print(f"  {'variant':<12}{'wall s':>13}{'M rows/s':>13}{'CPU s':>13}{'/ api':>12}"
          f"{'/ io':>12}{'peak RSS MB':>14}{'after warm-up':>15}")
    summary = {}
    for v in variants:
        walls = [r[v]["wall"] for r in runs]
        ratio = [r[v]["wall"] / r["api"]["wall"] for r in runs] if "api" in variants else []
        floor = [r[v]["wall"] / r["io"]["wall"] for r in runs] if "io" in variants else []
        peaks = [r[v]["peak_rss_kb"] / 1024 for r in runs]
        base = [r[v]["base_rss_kb"] / 1024 for r in runs if r[v]["base_rss_kb"]]
        summary[v] = {"wall": walls, "ratio_api": ratio, "ratio_io": floor, "peak_mb": peaks,
                      "cpu": [r[v]["cpu"] for r in runs]}
        print(f"  {v:<12}{span(walls):>13}{span([n / w / 1e6 for w in walls]):>13}"
              f"{span(summary[v]['cpu']):>13}{span(ratio):>12}{span(floor):>12}"
              f"{span(peaks, 0):>14}{span(base, 0):>15}")
    stages = ("read", "classify", "parse inputs", "kernel", "columns", "attach", "summary",
              "write")
    print("  stages, seconds (in-process variants; the CLI's 'read'/'write' are zscore.io's, "
          "'parse inputs' ... 'attach' are inside classify):")
    for v in variants:
        seen = [s for s in stages if any(s in r[v]["stages"] for r in runs)]
        if not seen:
            continue
        cells = "  ".join(f"{s} {span([r[v]['stages'].get(s, 0.0) for r in runs])}"
                          for s in seen)
        print(f"    {v:<12}{cells}")
    return summary


def environment() -> dict:
    import numba
    import pyarrow

    import zscore

    commit = _data.zscore_commit()
    return {"zscore": zscore.__version__, "commit": commit, "python": platform.python_version(),
            "pyarrow": pyarrow.__version__, "numba": numba.__version__,
            "numpy": np.__version__, "cpus": os.cpu_count(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def print_profile(path: str, top: int = 25) -> None:
    stats = pstats.Stats(path)
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        text = io.StringIO()
        stats.stream = text
        stats.sort_stats(key).print_stats(top)
        lines = text.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
        print(f"\n  top {top} by {title}:")
        print("\n".join("  " + ln for ln in lines[start:] if ln.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, nargs="+", default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", nargs="+", choices=list(FORMATS),
                        default=list(FORMATS))
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS),
                        default=list(VARIANTS))
    parser.add_argument("--profile", action="store_true",
                        help="then run the in-process CLI once more under cProfile, per size "
                             "and format, and print its top functions")
    parser.add_argument("--tmp", help="folder for the files (default: the system's temp)")
    parser.add_argument("--json", help="also write every run to this file")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, profile=args.profile_out)
        return

    env = environment()
    print(" ".join(f"{k} {v}" for k, v in env.items()))
    print(f"zscore command: {zscore_command()}")
    for v in args.variants:
        print(f"  {v:<12} {VARIANTS[v]}")
    results: dict = {"environment": env, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="zscore-cli-speed-", dir=args.tmp) as tmp:
        folder = Path(tmp)
        free = shutil.disk_usage(folder).free
        print(f"files in {folder} ({free / 1e9:.0f} GB free)")
        for n in (int(r) for r in args.rows):
            table = children_table(n)
            for fmt in args.formats:  # every file first; the table is not held during the runs
                write_input(table, folder / f"children_{n}{FORMATS[fmt]}", fmt)
                write_input(table.slice(0, WARM_ROWS), folder / f"warm{FORMATS[fmt]}", fmt)
            del table
            gc.collect()
            for fmt in args.formats:
                src = folder / f"children_{n}{FORMATS[fmt]}"
                warm = folder / f"warm{FORMATS[fmt]}"
                print(f"\n{src.name}: {src.stat().st_size / 1e6:,.0f} MB", flush=True)
                if "subprocess" in args.variants and args.repeat:  # numba's cache filled
                    first = run_variant("subprocess", fmt, warm, warm, folder)
                    print(f"  subprocess on the {WARM_ROWS:,}-row warm-up file (start-up, "
                          f"import, first calls): {first['wall']:.2f} s", flush=True)
                runs = []
                for r in range(args.repeat):
                    k = r % len(args.variants)
                    order = args.variants[k:] + args.variants[:k]
                    runs.append({v: run_variant(v, fmt, src, warm, folder) for v in order})
                    print(f"  repeat {r + 1}: " + ", ".join(
                        f"{v} {runs[-1][v]['wall']:.2f} s" for v in args.variants), flush=True)
                if runs:
                    key = f"{fmt} {n}"
                    results["runs"][key] = runs
                    results.setdefault("summary", {})[key] = report(fmt, n, runs, args.variants)
                    for v in ("cli_summary", "cli_by"):
                        if v in args.variants:
                            cost = [r[v]["stages"].get("summary", 0.0) for r in runs]
                            extra = [r[v]["wall"] - r["cli"]["wall"] for r in runs] \
                                if "cli" in args.variants else []
                            print(f"  {v}: the summary itself {span(cost, 3)} s; wall minus "
                                  f"cli's {span(extra, 2)} s; {runs[0][v]['printed_bytes']:,} "
                                  "bytes printed")
                    if "cli_by" in args.variants:
                        print("  what cli_by printed (first repeat), first lines:")
                        print("\n".join("    " + ln for ln in
                                        runs[0]["cli_by"]["printed"].splitlines()[:12]))
                if args.profile:
                    prof = str(folder / f"cli_{fmt}_{n}.prof")
                    timing = run_variant("cli", fmt, src, warm, folder, profile=prof)
                    print(f"\n  cProfile of the in-process CLI, {fmt}, {n:,} rows "
                          f"(wall {timing['wall']:.2f} s under the profiler):")
                    print_profile(prof)
                    if args.json:
                        shutil.copy(prof, Path(args.json).with_suffix(f".{fmt}_{n}.prof"))
                src.unlink()
                warm.unlink()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
