"""The ``zscore`` command: ``zscore classify register.xlsx``, ``zscore prevalence survey.dta``,
``zscore quality``, ``zscore report``, ``zscore demo``, ``zscore presets``.

The command line computes nothing of its own: it reads the file (:mod:`zscore.io`), calls the
library (which finds the columns with :mod:`zscore.resolve`), writes the output and prints a
summary counted from the kernel's codes (:mod:`zscore.report`). A structural problem is one
``zscore: error:`` line and exit status 2, with nothing written. Notes are
:class:`zscore.errors.ZScoreWarning` only, one ``zscore: note:`` line each.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .. import __version__
from ..errors import InputError

#: The child's column options every command has (prevalence and quality read the first six).
CHILD_OPTIONS = ("sex", "age", "weight", "lenhei", "measure", "oedema", "headc", "armc",
                 "triskin", "subskin")
SURVEY_OPTIONS = CHILD_OPTIONS[:6]


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least 1")
    return value


def _by_columns(text: str) -> list[str]:
    """--by a,b (or repeated --by): column names, commas separating them."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _common(p: argparse.ArgumentParser, default_output: str,
            columns: tuple[str, ...] = CHILD_OPTIONS, batches: bool = True) -> None:
    """The options of every file command (``batches``: it can read a file a batch at a
    time, so it has --batch-rows)."""
    p.add_argument("input", help="measurements file: .csv/.tsv (any delimiter and encoding, "
                                 ".gz too), .xlsx/.xls/.ods, .dta, .sav, .parquet, .arrow; "
                                 "- reads standard input")
    p.add_argument("-o", "--output", metavar="FILE",
                   help=f"output file (.csv, .tsv, .xlsx, .dta, .sav, .parquet, .arrow; - for "
                        f"standard output); default: INPUT_{default_output} beside the input")
    p.add_argument("--sheet", metavar="NAME", help="Excel: the sheet to read (name or number; "
                                                   "default the first)")
    p.add_argument("--preset", metavar="NAME",
                   help="a kind of file: dhs (KR/PR recode), mics (MICS6 ch), eppgbm "
                        "(e-PPGBM/posyandu register); see 'zscore presets'")
    p.add_argument("--mapping", metavar="FILE.toml",
                   help="your own mapping file (columns, units, codes; 'zscore presets --show "
                        "NAME' prints one to start from)")
    p.add_argument("--age-unit", choices=("days", "months"),
                   help="unit of the age column (default: from its name, e.g. age_months, "
                        "umur (bulan); else days)")
    p.add_argument("--units", metavar="ARG=UNIT,...",
                   help="units of the columns, converted: weight=g|lb|0.1kg, lenhei=mm|m|in, "
                        "headc=mm, age=years ... (default: kg, cm, mm, from names)")
    p.add_argument("--date-format", metavar="FMT",
                   help="dates: dmy, mdy, ymd, excel, stata, spss, cdc or a pattern such as "
                        "%%d/%%m/%%Y (needed when the day/month order cannot be told)")
    p.add_argument("--standard", choices=("auto", "2006", "2007"), default="auto",
                   help="auto (default): WHO 2006 standards under 60 months, the WHO 2007 "
                        "reference from 60 months; 2006 or 2007: one for every row")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    if batches:
        p.add_argument("--batch-rows", type=_positive, default=None, metavar="N",
                       help="rows per batch when a Parquet, Arrow or CSV file (or a folder of "
                            "Parquet files) is read a batch at a time, in constant memory "
                            "(default 1048576)")
    group = p.add_argument_group("columns (default: found by name, in English or Indonesian; "
                                 "see docs/cli.md)")
    for name in columns:
        group.add_argument(f"--{name}", metavar="COLUMN", help=f"column holding {name}")
    group.add_argument("--birth-date", metavar="COLUMN", help="date of birth")
    group.add_argument("--visit-date", metavar="COLUMN",
                       help="date of the visit (measurement); with --birth-date gives the age")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="zscore",
        description="WHO child growth z-scores and nutrition status, as WHO's anthro (0-5 "
                    "years) and anthroplus (5-19 years) compute them.",
        epilog="Start with 'zscore demo'. Documentation: docs/cli.md.")
    top.add_argument("--version", action="version", version=f"zscore {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("classify", help="add z-scores, flags, categories and reasons to a file",
                       description="Reads a file of children, writes it back with WHO's "
                                   "z-score columns appended (every other column as read) and "
                                   "prints a summary.")
    _common(p, "zscores")
    p.add_argument("--precision", choices=("who", "full"), default="who",
                   help="who: 2 decimals as WHO publishes (default); full: unrounded")
    p.add_argument("--labels", choices=("who", "id"),
                   help="category labels: WHO/UNICEF (default) or Indonesia's Permenkes 2/2020 "
                        "(the default of --preset eppgbm)")
    p.add_argument("--by", action="extend", type=_by_columns, default=[], metavar="COLUMNS",
                   help="break the summary down by these columns (comma-separated or repeated)")
    p.add_argument("--no-age", action="store_true",
                   help="the file has no age: score weight-for-length/height only")

    p = sub.add_parser("prevalence", help="survey prevalence with confidence intervals, "
                                          "as WHO's anthro_prevalence",
                       description="Reads a file of children (measurements, or the output of "
                                   "'zscore classify'), writes WHO's prevalence table (tidy, or "
                                   "WHO's wide layout) and prints the headline figures.")
    _common(p, "prevalence", SURVEY_OPTIONS)
    p.add_argument("--weights", metavar="COLUMN", help="sampling weights")
    p.add_argument("--cluster", metavar="COLUMN", help="primary sampling unit (cluster)")
    p.add_argument("--strata", metavar="COLUMN", help="strata")
    p.add_argument("--by", action="extend", type=_by_columns, default=[], metavar="COLUMNS",
                   help="grouping columns, comma-separated or repeated (typeres, gregion, "
                        "wealthq, mothered, othergr get WHO's labels)")
    p.add_argument("--layout", choices=("tidy", "who"), default="tidy",
                   help="tidy: one row per group, indicator and statistic (default); who: "
                        "WHO's wide table")

    p = sub.add_parser("quality", help="WHO/UNICEF data-quality checks",
                       description="Reads a file of children, writes the data-quality table "
                                   "(one row per check, group and statistic, with WHO's "
                                   "reference and a verdict) and prints the overall checks.")
    _common(p, "quality", SURVEY_OPTIONS)
    p.add_argument("--by", action="extend", type=_by_columns, default=[], metavar="COLUMNS",
                   help="grouping columns, comma-separated or repeated (e.g. village)")
    p.add_argument("--weights", metavar="COLUMN", help="sampling weights")

    from . import programme  # audit, followup, rollup: docs/programme.md
    from .report import add_parser as add_report_parser

    add_report_parser(sub, _common, _by_columns, SURVEY_OPTIONS)
    programme.add_parsers(sub, _common, _by_columns)

    p = sub.add_parser("demo", help="run classify, prevalence, quality and report on the "
                                    "bundled example register",
                       description="Writes the results for the bundled example (an e-PPGBM-"
                                   "style Excel register of 600 children in six villages) to a "
                                   "folder and says what to look at.")
    p.add_argument("folder", nargs="?", default="zscore-demo",
                   help="where to write (default: ./zscore-demo)")
    p.add_argument("--quiet", action="store_true")

    p = sub.add_parser("presets", help="list the presets, or print one to copy and edit",
                       description="The presets name a kind of file's columns, units and "
                                   "codes. 'zscore presets --show dhs > my.toml' gives a "
                                   "mapping file to edit and use with --mapping my.toml.")
    p.add_argument("--show", metavar="NAME", help="print the preset's file")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; its exit status. Never a traceback for what a user can cause: a
    structural problem is one ``zscore: error:`` line (2), Ctrl-C 130, SIGTERM 143 and SIGHUP
    129 (each with one line, after every cleanup), a reader that went away (``zscore ... |
    head``) no error at all."""
    from .. import io

    try:
        args = parser().parse_args(argv)
    except BrokenPipeError:  # zscore --help | head
        _quiet(sys.stdout)
        return 0
    from . import commands

    before = len(io.written)
    try:
        with io.stop_on_signals():
            code = commands.run(args)
    except InputError as exc:
        return _say(f"zscore: error: {exc}", 2)
    except BrokenPipeError:  # zscore ... | head: the reader has gone; that is no error
        _quiet(sys.stdout)
        return 0
    except KeyboardInterrupt:
        return _say(f"zscore: interrupted; {_what_was_written(io, before)}", 130)
    except io.Stopped as exc:
        return _say(f"zscore: stopped by {exc.name}; {_what_was_written(io, before)}",
                    int(exc.code))
    return _flushed(code)


def _what_was_written(io: Any, before: int) -> str:
    done = io.written[before:]
    return f"{', '.join(done)} had been written" if done else "nothing was written"


def _say(line: str, code: int) -> int:
    """Print one line on standard error (when it can still be read) and give ``code``."""
    try:
        print(line, file=sys.stderr)
    except (BrokenPipeError, ValueError, OSError):
        _quiet(sys.stderr)
    return _flushed(code)


def _flushed(code: int) -> int:
    """Flush standard output and error now, so that a reader that went away shows as nothing
    (and not as the interpreter's 'Exception ignored ... BrokenPipeError' at exit)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            _quiet(stream)
    return code


def _quiet(stream: Any) -> None:
    """Point a stream whose reader has gone at /dev/null, so that the interpreter's final flush
    is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
