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
                    "(0-5 years) and anthroplus (5-19 years) compute them.",
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
    p.add_argument("--standard", choices=("auto", "2006", "2007"), default="auto",
                   help="auto (default): WHO 2006 standards under 60 months, the WHO 2007 "
                        "reference from 60 months; 2006 or 2007: one for every row")
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
    conditions: dict[str, set[str]] = {}
    for c in category_scheme(labels):  # rules sharing a column (per standard) share its count
        if c.condition:
            conditions.setdefault(c.column, set()).update(c.condition)
    col = {n: to_numpy(get(n)) for n in names
           if n in conditions or n in ("reason", "flen", "fwei", "fwfl", "fbmi", "standard")
           or n == by}
    # a column no row has a class in (thinness in a file of under-fives) is left out
    conditions = {c: w for c, w in conditions.items()
                  if c in col and np.count_nonzero(col[c] != None)}  # noqa: E711
    lines = [f"{nrows} children"]
    if "standard" in col:
        counts = Counter(col["standard"].tolist())
        if counts.get("2007"):
            lines[0] += (f" ({counts.get('2006', 0)} scored with the WHO 2006 standards, "
                         f"{counts['2007']} with the WHO 2007 reference)")
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
                       labels=args.labels, standard=args.standard, **columns)
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
