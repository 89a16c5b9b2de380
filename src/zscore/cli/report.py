"""``zscore report INPUT -o report.html``: the survey report, one offline HTML page.

The options are those of ``zscore prevalence`` (columns, presets, design, ``--by``) plus
``--period``, ``--period-unit``, ``--target``, ``--lang`` and ``--title``. Parquet, Arrow and CSV
files are read a batch at a time (the report is built from sums, never rows); Excel, Stata and
SPSS files whole. Nothing is written unless the whole page is.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError


def _percent(text: str) -> float:
    try:
        value = float(text.replace(",", ".").rstrip("%").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (0 <= value <= 100) or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: give a prevalence in percent, 0 to 100")
    return value


def add_parser(sub: Any, common: Any, by_columns: Any, survey_options: tuple[str, ...]) -> None:
    """The ``report`` command's options (``common``: the file commands' shared options)."""
    p = sub.add_parser("report", help="a survey report people can read: one offline HTML page "
                                      "with plots, prevalence by group and data quality",
                       description="Reads a file of children and writes one self-contained "
                                   "HTML page (no internet needed to open it): summary, z-score "
                                   "distributions against the WHO standard, prevalence by "
                                   "group with honest intervals, prevalence over time and the "
                                   "data-quality checks. See docs/report.md.")
    common(p, "report.html", survey_options)
    for action in p._actions:
        if "--output" in action.option_strings:
            action.help = ("the report's file (.html); default: INPUT_report.html beside the "
                           "input; - writes the page to standard output")
    p.add_argument("--weights", metavar="COLUMN", help="sampling weights")
    p.add_argument("--cluster", metavar="COLUMN", help="primary sampling unit (cluster)")
    p.add_argument("--strata", metavar="COLUMN", help="strata")
    p.add_argument("--by", action="extend", type=by_columns, default=[], metavar="COLUMNS",
                   help="grouping columns, comma-separated or repeated (desa, kecamatan, "
                        "posyandu, ...): one league table each")
    p.add_argument("--period", metavar="COLUMN|month|semester|year",
                   help="prevalence over time: a column of period labels (2025-S1) or of dates, "
                        "or month, semester or year to bin the visit dates")
    p.add_argument("--period-unit", choices=("month", "semester", "year"),
                   help="how a --period column of dates is binned (default month)")
    p.add_argument("--target", type=_percent, metavar="PERCENT",
                   help="a stunting target prevalence (e.g. 14, Indonesia's target): groups are "
                        "marked above, below or cannot tell")
    p.add_argument("--lang", choices=("en", "id"), default="en",
                   help="labels in English (default) or Indonesian (Permenkes 2/2020 terms)")
    p.add_argument("--title", metavar="TEXT", help="the page's title")


def _output(args: argparse.Namespace) -> str:
    from .. import io

    if args.output:
        return args.output
    if args.input == io.STDIO:
        raise InputError("reading standard input: give the report's file with -o report.html")
    source = Path(args.input)
    stem = source.name[: len(source.name) - len(io.suffix_of(source))] if not source.is_dir() \
        else source.name
    return str(source.with_name(f"{stem}_report.html"))


def _check_output(output: str, args: argparse.Namespace) -> None:
    from .. import io

    if output == io.STDIO:
        return
    p = Path(output)
    if p.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{output}: a report is an HTML page: give a file ending .html")
    target = io.output_target(p)
    if not target.parent.is_dir():
        raise InputError(f"{output}: the folder {str(target.parent)!r} does not exist")
    if target.is_dir():
        raise InputError(f"{output}: is a folder, not a file")
    if args.input != io.STDIO and p.exists() and p.resolve() == Path(args.input).resolve():
        raise InputError(f"{output}: the output would replace the input; give another -o")


def run(args: argparse.Namespace) -> int:
    from .. import io, stream
    from ..report.build import (
        ReportAccumulator,
        check_render_options,
        refuse_if_nothing_scored,
        write_page,
    )
    from ..report.html import render
    from ..resolve import column_name
    from . import SURVEY_OPTIONS
    from .commands import (
        Console,
        _given,
        _labelled,
        _named_columns,
        _no_rows,
        _preset,
        _refuse_if_nothing_scored,
        user_notes,
    )

    start = time.perf_counter()
    folder = args.input != io.STDIO and Path(args.input).is_dir()
    if args.input != io.STDIO and not folder:
        io.format_of(args.input)
    output = _output(args)
    _check_output(output, args)
    check_render_options(args.target, args.lang)
    console = Console(args.quiet, to_stderr=output == io.STDIO)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        batched = args.sheet is None and stream.streamable(args.input, io.STDIO)
        if batched:
            ds = stream.open_source(args.input).dataset
        else:
            with console.stage(f"reading {Path(args.input).name}"):
                names = _named_columns(args) + ((args.period,) if args.period else ())
                ds = io.read(args.input, sheet=args.sheet, names=names)
            if ds.table.num_rows == 0:
                raise _no_rows(args.input)
        by = [column_name(ds.values, "by", name) for name in args.by]
        acc = ReportAccumulator(
            **_given(args, SURVEY_OPTIONS), weights=args.weights, cluster=args.cluster,
            strata=args.strata, by=by or None, standard=args.standard, age_unit=args.age_unit,
            units=args.units, date_format=args.date_format, preset=_preset(args),
            value_labels=ds.value_labels, period=args.period, period_unit=args.period_unit)
        acc.source = "standard input" if args.input == io.STDIO else Path(args.input).name
        with console.stage("summing"):
            if batched:
                data, done = stream.tabulate(args.input, acc,
                                             batch_rows=args.batch_rows or stream.BATCH_ROWS)
                if done.rows == 0:
                    raise _no_rows(args.input)
                rows, notes = done.rows, done.notes
            else:
                labelled = [*by, *([args.period] if args.period in ds.value_labels else [])]
                data = acc.add(_labelled(ds, labelled)).result()  # Stata/SPSS labels name groups
                rows, notes = ds.table.num_rows, ds.notes
        refuse_if_nothing_scored(data)  # with the reasons
        _refuse_if_nothing_scored(data.prevalence, "tidy")
        with console.stage("drawing"):
            page = render(data, target=args.target, lang=args.lang, title=args.title)
        if output == io.STDIO:
            sys.stdout.write(page)
        else:
            write_page(page, output)
    elapsed = time.perf_counter() - start
    if not args.quiet:
        for note in notes:
            print(f"zscore: note: {note}", file=sys.stderr)
        for message in user_notes(caught):
            print(f"zscore: note: {message}", file=sys.stderr)
    console.print(_headline(data))
    where = "standard output" if output == io.STDIO else output
    console.print(f"read {rows:,} rows from {args.input}; wrote the report "
                  f"({len(page.encode('utf-8')) / 1024:,.0f} kB) to {where} in {elapsed:.2f} s")
    return 0


def _headline(data: Any) -> str:
    """The headline prevalences, as the summary section shows them."""
    from ..report.labels import CONDITIONS_2006, CONDITIONS_2007, EN

    t = data.prevalence
    everyone = t[t.group == "All"]
    lines = []
    for key, ind, st in (CONDITIONS_2006 if data.standard == "2006" else CONDITIONS_2007):
        if key.startswith("severe"):
            continue
        row = everyone[(everyone.indicator == ind) & (everyone.statistic == st)]
        if not len(row):
            continue
        r = row.iloc[0]
        lines.append(f"  {EN[key]:34s} {r.estimate:5.1f} %  ({r.ci_lower:.1f} - "
                     f"{r.ci_upper:.1f})")
    return "\n".join(lines)
