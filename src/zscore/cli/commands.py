"""What each ``zscore`` command does: read, call the library, write, summarise."""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .. import io, stream
from ..errors import InputError
from . import CHILD_OPTIONS, SURVEY_OPTIONS


class Console:
    """Where the command's text goes (stdout, or stderr when the output is stdout), and its
    progress bar (tqdm, on a terminal only, after two seconds)."""

    def __init__(self, quiet: bool, to_stderr: bool) -> None:
        self.quiet = quiet
        self.stream = sys.stderr if to_stderr else sys.stdout
        self.bar_on = not quiet and sys.stderr.isatty()

    def print(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream)

    @contextmanager
    def stage(self, what: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """A progress bar for one stage; ``total`` rows, or a running clock when unknown."""
        if not self.bar_on:
            yield lambda k: None
            return
        from tqdm import tqdm

        bar = tqdm(total=total, desc=what, unit=" rows" if total else "", delay=2.0,
                   file=sys.stderr, leave=False, dynamic_ncols=True)
        done = threading.Event()

        def tick() -> None:  # keep the clock moving while one long call runs
            while not done.wait(0.5):
                bar.refresh()

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield bar.update
        finally:
            done.set()
            ticker.join()
            bar.close()


def run(args: argparse.Namespace) -> int:
    if args.command == "presets":
        return presets(args)
    if args.command == "demo":
        return demo(args)
    if args.command == "report":
        from .report import run as report_run

        return report_run(args)
    from . import programme

    if args.command in programme.COMMANDS:
        return programme.run(args)
    return file_command(args)


# --- the file commands ----------------------------------------------------------------------------
def _output_path(args: argparse.Namespace) -> str:
    if args.output:
        return args.output
    if args.input == io.STDIO:
        return io.STDIO
    source = Path(args.input)
    if source.is_dir():  # a Parquet dataset
        return str(source.with_name(f"{source.name}_zscores.parquet"))
    suffix = io.suffix_of(source)
    writable = {".xls": ".xlsx", ".xlsb": ".xlsx", ".ods": ".xlsx", ".xlsm": ".xlsx"}
    if args.command != "classify":  # tables of results: CSV, or the input's own kind
        suffix = suffix if suffix in (".xlsx", ".parquet", ".dta", ".sav") else ".csv"
    stem = source.name[: len(source.name) - len(io.suffix_of(source))]
    suffix = writable.get(suffix, suffix)
    name = {"classify": "zscores"}.get(args.command, args.command)
    return str(source.with_name(f"{stem}_{name}{suffix}"))


def _preset(args: argparse.Namespace) -> str | None:
    if args.preset and args.mapping:
        raise InputError("give --preset or --mapping, not both (a mapping file can start from "
                         "a preset: zscore presets --show NAME)")
    return args.mapping or args.preset


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    given = {name: getattr(args, name, None) for name in names}
    given["birth_date"] = args.birth_date
    given["visit_date"] = args.visit_date
    return given


def _named_columns(args: argparse.Namespace) -> tuple[str, ...]:
    """Every column the user named on the command line."""
    names = [getattr(args, a, None) for a in (*CHILD_OPTIONS, "birth_date", "visit_date",
                                              "weights", "cluster", "strata")]
    return tuple(n for n in [*names, *getattr(args, "by", [])] if n)


def _labelled(ds: io.Dataset, names: list[str]) -> Any:
    """The values table with each grouping column as the file has it (not with decimal commas
    read as points: "1,2" is a group's name) and, where it has Stata/SPSS value labels, as its
    labels (groups are then named "Jawa Barat", not 32)."""
    import pyarrow as pa

    table = ds.values
    for name in names:
        column = ds.table.column(name)
        labels = ds.value_labels.get(name)
        if labels:
            values = column.to_pylist()
            column = pa.array([None if v is None else str(labels.get(v, _plain(v)))
                               for v in values])
        table = table.set_column(table.column_names.index(name), name, column)
    return table


def _plain(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


#: Printed once, the first time the kernels are compiled (measured: 4-7 s on a 2-core machine).
COMPILING = "preparing the fast kernels, once per installation, ~5 s"


def file_command(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    folder = args.input != io.STDIO and Path(args.input).is_dir()
    if args.input != io.STDIO and not folder:
        io.format_of(args.input)  # a file ending zscore cannot read: say so first
    output = _output_path(args)
    io.check_output(output)  # every check before any work; nothing is written before the end
    if output != io.STDIO and args.input != io.STDIO and Path(output).exists() \
            and Path(output).resolve() == Path(args.input).resolve():
        raise InputError(f"{output}: the output would replace the input; give another -o")
    console = Console(args.quiet, to_stderr=output == io.STDIO)
    if not args.quiet:
        from .._kernels import compiled_already

        if not compiled_already():  # a fresh installation (or numba cache): say why it waits
            print(f"zscore: note: {COMPILING}", file=sys.stderr, flush=True)
    # numpy's floating-point warnings ("overflow encountered in multiply") are the arithmetic of
    # bad values, whose rows get their reasons: never shown (and not computed)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        batched = args.sheet is None and stream.streamable(args.input, io.STDIO)  # a folder too
        if args.command == "classify" and batched and stream.streamable(args.input, output):
            rows, written, text, notes = classify_streamed(args, output, console)
        elif batched and args.command in ("prevalence", "quality"):
            done: dict[str, Any] = {}

            def tabulate(accumulator: Any) -> Any:
                table, done["read"] = stream.tabulate(
                    args.input, accumulator, batch_rows=args.batch_rows or stream.BATCH_ROWS)
                if done["read"].rows == 0:
                    raise _no_rows(args.input)
                return table

            ds = stream.open_source(args.input).dataset  # the columns, for --by and the rest
            table, text, like = COMMANDS[args.command](args, ds, console, tabulate)
            with console.stage("writing", total=table.num_rows) as update:
                io.write(table, output, like=like, progress=update)
            rows, written, notes = done["read"].rows, table.num_rows, done["read"].notes
        else:
            with console.stage(f"reading {Path(args.input).name}"):
                ds = io.read(args.input, sheet=args.sheet, names=_named_columns(args))
            if ds.table.num_rows == 0:
                raise _no_rows(args.input)
            table, text, like = COMMANDS[args.command](args, ds, console)
            with console.stage("writing", total=table.num_rows) as update:
                io.write(table, output, like=like, progress=update)
            rows, written, notes = ds.table.num_rows, table.num_rows, ds.notes
    elapsed = time.perf_counter() - start
    if not args.quiet:
        for note in notes:
            print(f"zscore: note: {note}", file=sys.stderr)
        for message in user_notes(caught):  # rows left out, weights set to 0: one line each
            print(f"zscore: note: {message}", file=sys.stderr)
    console.print(text)
    where = "standard output" if output == io.STDIO else output
    rate = f", {rows / elapsed:,.0f} rows/s" if elapsed > 0 and rows else ""
    console.print(f"read {rows:,} rows from {args.input}; wrote {written:,} rows to "
                  f"{where} in {elapsed:.2f} s{rate}")
    return 0


def _no_rows(source: str) -> InputError:
    return InputError(f"{source}: the file has column names but no rows: nothing to score")


def user_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """The notes a user sees, one line each and each once: zscore's own (ZScoreWarning, worded
    for the user; the library's option names become the command line's). Every other warning
    is a developer's matter (deprecations), numpy's arithmetic on bad values (whose rows get
    their reasons) or another library's wording of something zscore checks itself: not shown."""
    from ..errors import ZScoreWarning

    notes: list[str] = []
    for w in caught:
        if not issubclass(w.category, ZScoreWarning):
            continue
        note = " ".join(str(w.message).split()).replace("standard='2007'", "--standard 2007")
        if note and note not in notes:
            notes.append(note)
    return notes


def _columns_text(lines: list[str]) -> str:
    return "columns:\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


def classify_command(args: argparse.Namespace, ds: io.Dataset, console: Console
                     ) -> tuple[Any, str, io.Dataset]:
    from ..classify import run as classify_run
    from ..report import classify_summary, group_codes, nothing_scored
    from ..resolve import column_name

    values = ds.values
    by = [column_name(values, "by", name) for name in args.by]
    with console.stage("scoring"):
        result = classify_run(
            values, _given(args, CHILD_OPTIONS), age_unit=args.age_unit, units=args.units,
            date_format=args.date_format, preset=_preset(args), value_labels=ds.value_labels,
            precision=args.precision, labels=args.labels, standard=args.standard,
            no_age="ignore" if args.no_age else "error", date_numbers=ds.date_numbers,
            attach_to=ds.table)
    empty = nothing_scored(result)
    if empty is not None:
        raise InputError(empty + ". Nothing was written.")
    if args.quiet:  # nothing is printed: nothing to count
        return result.out, "", ds
    groupings = [group_codes(ds.table.column(name), name, ds.value_labels.get(name))
                 for name in by]
    text = "\n".join(t for t in (_columns_text(result.resolution.describe()),
                                 classify_summary(result, groupings)) if t)
    return result.out, text, ds


def classify_streamed(args: argparse.Namespace, output: str, console: Console
                      ) -> tuple[int, int, str, list[str]]:
    """classify of a Parquet, Arrow or CSV file into one of those, a batch at a time (constant
    memory; see zscore.stream). The summary adds up each batch's counts."""
    from ..report import ClassifyCounts, group_codes, nothing_scored
    from ..resolve import column_name

    counts = ClassifyCounts()
    seen: dict[str, Any] = {"first": None, "scored": False}

    def on_batch(result: Any) -> None:
        raw = result.raw
        if seen["first"] is None:
            seen["first"] = result
        if not seen["scored"]:
            seen["scored"] = bool(raw.active) and bool(np.isfinite(raw.z).any())
        if not args.quiet:
            groupings = [group_codes(result.out.column(name), name) for name in by]
            counts.merge(ClassifyCounts.of(result, groupings))

    def check(done: Any) -> None:
        if done.rows == 0:
            raise _no_rows(args.input)
        if not seen["scored"]:
            empty = nothing_scored(seen["first"])
            if empty is not None:
                raise InputError(empty + ". Nothing was written.")

    source = stream.open_source(args.input)  # its size and columns, before any work
    by = [column_name(source.schema.empty_table(), "by", name) for name in args.by]
    options = dict(_given(args, CHILD_OPTIONS), age_unit=args.age_unit, units=args.units,
                   date_format=args.date_format, preset=_preset(args),
                   precision=args.precision, labels=args.labels, standard=args.standard,
                   no_age="ignore" if args.no_age else "error")
    with console.stage(f"scoring {Path(args.input).name}", total=source.num_rows) as update:
        done = stream.classify_file(args.input, output,
                                    batch_rows=args.batch_rows or stream.BATCH_ROWS,
                                    on_batch=on_batch, progress=update, check=check,
                                    **options)
    text = ""
    if not args.quiet:
        text = "\n".join(t for t in (_columns_text(seen["first"].resolution.describe()),
                                     counts.render()) if t)
    return done.rows, done.rows, text, done.notes


def _frame_table(frame: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def prevalence_command(args: argparse.Namespace, ds: io.Dataset, console: Console,
                       tabulate: Callable[[Any], Any] | None = None
                       ) -> tuple[Any, str, io.Dataset | None]:
    """``tabulate``: given when the file is read a batch at a time (``ds`` holds its columns,
    no rows); it runs the accumulator over the file."""
    from ..prevalence import PrevalenceAccumulator, prevalence
    from ..report import prevalence_summary
    from ..resolve import column_name

    by = [column_name(ds.values, "by", name) for name in args.by]
    options = dict(_given(args, SURVEY_OPTIONS), weights=args.weights, cluster=args.cluster,
                   strata=args.strata, by=by or None, layout=args.layout,
                   standard=args.standard, age_unit=args.age_unit, units=args.units,
                   date_format=args.date_format, preset=_preset(args),
                   value_labels=ds.value_labels)
    with console.stage("estimating"):
        table = (tabulate(PrevalenceAccumulator(**options)) if tabulate is not None
                 else prevalence(_labelled(ds, by), **options))
    _refuse_if_nothing_scored(table, args.layout)
    text = _columns_text(table.attrs.get("columns", []))
    summary = (prevalence_summary(table) if args.layout == "tidy"
               else f"{len(table)} groups x {table.shape[1]} columns (WHO's layout)")
    method = table.attrs.get("method")
    design = {"simple": "no survey design", "hybrid": "sampling weights only",
              "survey": "survey design (Taylor linearisation)"}.get(method, method)
    lines = [t for t in (text, f"WHO {table.attrs.get('standard')} standard; {design}",
                         summary) if t]
    return _frame_table(table), "\n".join(lines), None


def _refuse_if_nothing_scored(table: Any, layout: str) -> None:
    """A prevalence table in which no child has any z-score is an error, not an empty table.
    WHO's n counts a child with oedema in the weight indicators even without a z-score (sex
    missing, say), so what is looked at is the mean z: it exists when one child has a z."""
    import re

    if layout == "tidy":
        means = table[(table.group == "All") & (table.statistic == "mean z")].estimate
    else:
        means = table.loc[table.Group == "All", [c for c in table.columns
                                                 if re.fullmatch(r"[A-Za-z]+_r", c)]]
    if not np.isfinite(np.asarray(means, dtype=float)).any():
        raise InputError("no child could be scored: every z-score is missing (run 'zscore "
                         "classify' on the file to see each row's reason). Nothing was written.")


def quality_command(args: argparse.Namespace, ds: io.Dataset, console: Console,
                    tabulate: Callable[[Any], Any] | None = None
                    ) -> tuple[Any, str, io.Dataset | None]:
    from ..quality import QualityAccumulator, quality
    from ..quality import summary as quality_summary
    from ..resolve import column_name

    by = [column_name(ds.values, "by", name) for name in args.by]
    options = dict(_given(args, SURVEY_OPTIONS), weights=args.weights, by=by or None,
                   standard=args.standard, age_unit=args.age_unit, units=args.units,
                   date_format=args.date_format, preset=_preset(args),
                   value_labels=ds.value_labels)
    with console.stage("checking"):
        table = (tabulate(QualityAccumulator(**options)) if tabulate is not None
                 else quality(_labelled(ds, by), **options))
    scored = table[(table.check == "flagged") & (table.group_by == "all")]
    if len(scored) and not (scored.n.fillna(0) > 0).any() and any(
            arg in line for line in table.attrs.get("columns", []) for arg in ("weight", "lenhei")):
        raise InputError("no child could be scored: every z-score is missing (run 'zscore "
                         "classify' on the file to see each row's reason). Nothing was written.")
    counts: dict[str, int] = {}
    for verdict in table.verdict.tolist():
        counts[verdict] = counts.get(verdict, 0) + 1
    flagged = table[(table.group_by != "all") & table.verdict.isin(["warn", "fail"])]
    groups = [f"{row.verdict:>5}  {row.group_by}={row.group}: {row.check} {row.variable} "
              f"{row.statistic}: {row.value:.4g}" for row in flagged.head(20).itertuples()]
    if len(flagged) > 20:
        groups.append(f"  ... and {len(flagged) - 20} more in the output file")
    lines = [t for t in (_columns_text(table.attrs.get("columns", [])),
                         quality_summary(table),
                         ("warnings and failures in the groups:\n" + "\n".join(groups))
                         if groups else "",
                         ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
                         + " (all groups)") if t]
    return _frame_table(table), "\n".join(lines), None


COMMANDS = {"classify": classify_command, "prevalence": prevalence_command,
            "quality": quality_command}


# --- presets and the demo -------------------------------------------------------------------------
def presets(args: argparse.Namespace) -> int:
    from ..resolve import load_preset, preset_names, preset_text

    if args.show:
        sys.stdout.write(preset_text(args.show))
        return 0
    for name in preset_names():
        p = load_preset(name)
        print(f"{name:8s} {p.title}")
    print("\n'zscore presets --show NAME > my.toml' prints one to edit; use it with "
          "--mapping my.toml")
    return 0


def example_path(name: str) -> Any:
    return resources.files("zscore").joinpath("data", "examples", name)


def demo(args: argparse.Namespace) -> int:  # classify, prevalence, quality and report
    from . import main

    folder = Path(args.folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    register = folder / "posyandu.xlsx"
    with resources.as_file(example_path("posyandu.xlsx")) as source:
        shutil.copyfile(source, register)
    quiet = ["--quiet"] if args.quiet else []
    steps = [
        ("classify", [str(register), "--by", "Desa", "-o", str(folder / "posyandu_zscores.xlsx")]),
        ("prevalence", [str(register), "--by", "Desa",
                        "-o", str(folder / "posyandu_prevalence.csv")]),
        ("quality", [str(register), "--by", "Desa", "-o", str(folder / "posyandu_quality.csv")]),
        ("report", [str(register), "--by", "Desa", "--target", "14",
                    "-o", str(folder / "posyandu_report.html")]),
    ]
    for command, rest in steps:
        if not args.quiet:
            print(f"\n$ zscore {command} {' '.join(rest)}")
            sys.stdout.flush()
        code = main([command, *rest, *quiet])
        if code:
            return code
    if not args.quiet:
        print(f"""
What to look at, in {folder}/:
  posyandu.xlsx             the register as a posyandu keeps it: a title above the columns,
                            Jenis Kelamin L/P, Tanggal Lahir and Tanggal Penimbangan, Cara Ukur
  posyandu_zscores.xlsx     the same rows with WHO's z-scores (zlen, zwei, zwfl, zbmi), flags
                            (flen = 1: implausible, re-measure), stunting/wasting/underweight/
                            overweight and, where a z-score is missing, the reason
  posyandu_prevalence.csv   stunting, wasting, underweight, overweight by village with 95 % CIs
  posyandu_quality.csv      WHO/UNICEF data-quality checks by village (digit preference, age
                            heaping, SD, flags): 'warn' and 'fail' rows need a look
  posyandu_report.html      all of it on one page to open in a browser (offline) or print:
                            plots, villages ranked with honest intervals, data quality
Next: zscore classify YOUR_FILE.xlsx --by Desa  (docs/cli.md has examples for e-PPGBM, DHS,
MICS and big Parquet files)""")
    return 0

