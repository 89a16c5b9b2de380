"""Command line: ``zscore classify measurements.csv -o zscores.csv``."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .classify import category_scheme, classify
from .frames import InputError, table_columns, to_numpy
from .io import check_output, read_table, write_table

COLUMN_ARGS = ("sex", "age", "weight", "lenhei", "measure", "oedema", "headc", "armc", "triskin",
               "subskin")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zscore",
        description="WHO child growth z-scores and nutrition status, as WHO's anthro "
                    "computes them.",
    )
    parser.add_argument("--version", action="version", version=f"zscore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("classify", help="add z-scores, flags, categories and reasons to a file",
                       description="Reads a CSV/TSV/Parquet file of children, writes it back "
                                   "with WHO's z-score columns appended and prints a summary.")
    p.add_argument("input", help="measurements file (.csv, .tsv or .parquet)")
    p.add_argument("-o", "--output", help="output file (.csv, .tsv or .parquet); default: "
                                          "<input>_zscores.csv")
    p.add_argument("--age-unit", choices=("days", "months"), default="days")
    p.add_argument("--precision", choices=("who", "full"), default="who",
                   help="who: 2 decimals as WHO publishes (default); full: unrounded")
    p.add_argument("--labels", choices=("who", "id"), default="who",
                   help="category labels: WHO/UNICEF or Indonesia's Permenkes 2/2020")
    p.add_argument("--by", help="a column to break the summary down by (e.g. village)")
    p.add_argument("--quiet", action="store_true", help="print no summary")
    for name in COLUMN_ARGS:
        p.add_argument(f"--{name}", metavar="COLUMN", help=f"column holding {name} "
                                                           f"(default: '{name}' if present)")
    return parser


def _share(values: np.ndarray, wanted: set[str]) -> str:
    n = int(np.count_nonzero(values != None))  # noqa: E711 (element-wise on an object array)
    if n == 0:
        return "     -"
    k = int(np.isin(values, list(wanted)).sum())
    return f"{100.0 * k / n:5.1f}% of {n}"


def summary(out: Any, by: str | None, labels: str) -> str:
    names, get, nrows = table_columns(out)
    conditions = {c.column: set(c.condition) for c in category_scheme(labels) if c.condition}
    col = {n: to_numpy(get(n)) for n in names
           if n in conditions or n in ("reason", "flen", "fwei", "fwfl", "fbmi") or n == by}
    lines = [f"{nrows} children"]
    groups: dict[str, np.ndarray] = {"all": np.ones(nrows, dtype=bool)}
    if by:
        keys = col[by].astype(str)
        for key in np.unique(keys):
            groups[f"{by}={key}"] = keys == key
    header = f"{'':24s}" + "".join(f"{c:>20s}" for c in conditions if c in col)
    lines.append(header)
    for gname, mask in groups.items():
        cells = "".join(f"{_share(col[c][mask], wanted):>20s}" for c, wanted in conditions.items()
                        if c in col)
        lines.append(f"{gname[:24]:24s}{cells}")
    flags = [f for f in ("flen", "fwei", "fwfl", "fbmi") if f in col]
    flagged = np.zeros(nrows, dtype=bool)
    for f in flags:
        flagged |= np.nan_to_num(col[f].astype(float)) == 1
    lines.append(f"children with an implausible (flagged) z-score, to check and re-measure: "
                 f"{int(flagged.sum())}")
    reasons = Counter(r for r in col["reason"] if r is not None)
    if reasons:
        lines.append("missing z-scores, by reason:")
        lines += [f"  {count:8d}  {reason}" for reason, count in reasons.most_common(8)]
        if len(reasons) > 8:
            lines.append(f"  ... and {len(reasons) - 8} other combinations")
    return "\n".join(lines)


def _output_path(args: argparse.Namespace) -> str:
    if args.output:
        return args.output
    source = Path(args.input)
    return str(source.with_name(source.stem + "_zscores.csv"))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        start = time.perf_counter()
        output = _output_path(args)
        check_output(output)  # every check before any work, and nothing written before the end
        table = read_table(args.input)
        columns = {name: getattr(args, name) for name in COLUMN_ARGS if getattr(args, name)}
        out = classify(table, age_unit=args.age_unit, precision=args.precision,
                       labels=args.labels, **columns)
        if args.by is not None:
            names = table_columns(out)[0]
            if args.by not in names:
                raise InputError(f"--by {args.by}: no such column; the file has {names[:20]}")
        report = None if args.quiet else summary(out, args.by, args.labels)
        write_table(out, output)
        elapsed = time.perf_counter() - start
        if report is not None:
            print(report)
            print(f"wrote {output} in {elapsed:.2f} s")
    except InputError as exc:
        print(f"zscore: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
