"""Command line: ``zscore classify measurements.csv -o zscores.csv``."""

from __future__ import annotations

import argparse
import sys
import time
import warnings
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


#: The child columns prevalence and quality read (no head/arm circumference or skinfolds).
SURVEY_COLUMN_ARGS = ("sex", "age", "weight", "lenhei", "measure", "oedema")


def _by_columns(text: str) -> list[str]:
    """--by a,b (or repeated --by): column names, commas separating them."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _common(p: argparse.ArgumentParser, default_output: str,
            columns: tuple[str, ...] = COLUMN_ARGS) -> None:
    """The input file, output file, age unit, standard and column options every command has."""
    p.add_argument("input", help="measurements file (.csv, .tsv or .parquet)")
    p.add_argument("-o", "--output", help=f"output file (.csv, .tsv or .parquet); default: "
                                          f"<input>_{default_output}.csv")
    p.add_argument("--age-unit", choices=("days", "months"), default="days")
    p.add_argument("--standard", choices=("auto", "2006", "2007"), default="auto",
                   help="auto (default): WHO 2006 standards under 60 months, the WHO 2007 "
                        "reference from 60 months; 2006 or 2007: one for every row")
    p.add_argument("--quiet", action="store_true", help="print no summary")
    for name in columns:
        p.add_argument(f"--{name}", metavar="COLUMN", help=f"column holding {name} "
                                                           f"(default: '{name}' if present)")


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
    _common(p, "zscores")
    p.add_argument("--precision", choices=("who", "full"), default="who",
                   help="who: 2 decimals as WHO publishes (default); full: unrounded")
    p.add_argument("--labels", choices=("who", "id"), default="who",
                   help="category labels: WHO/UNICEF or Indonesia's Permenkes 2/2020")
    p.add_argument("--by", help="a column to break the summary down by (e.g. village)")

    p = sub.add_parser("prevalence", help="survey prevalence with confidence intervals, "
                                          "as WHO's anthro_prevalence",
                       description="Reads a file of children (measurements, or the output of "
                                   "'zscore classify'), writes WHO's prevalence table (tidy, or "
                                   "WHO's wide layout) and prints the headline figures.")
    _common(p, "prevalence", SURVEY_COLUMN_ARGS)
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
    _common(p, "quality", SURVEY_COLUMN_ARGS)
    p.add_argument("--by", action="extend", type=_by_columns, default=[], metavar="COLUMNS",
                   help="grouping columns, comma-separated or repeated (e.g. village)")
    p.add_argument("--birth-date", metavar="COLUMN", help="date of birth (for heaping of "
                                                          "birth months and days)")
    p.add_argument("--weights", metavar="COLUMN", help="sampling weights")
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
    suffix = {"classify": "zscores"}.get(args.command, args.command)
    return str(source.with_name(f"{source.stem}_{suffix}.csv"))


def _require_columns(table: Any, flag: str, columns: list[str]) -> None:
    names = table_columns(table)[0]
    for column in columns:
        if column not in names:
            raise InputError(f"{flag} {column}: no such column; the file has {names[:20]}")


def _frame_for_writing(frame: Any) -> Any:
    """A pandas result (prevalence, quality) as what write_table takes."""
    try:
        import pyarrow as pa
    except ImportError:
        return {c: frame[c].to_numpy(dtype=object) for c in frame.columns}
    return pa.Table.from_pandas(frame, preserve_index=False)


def prevalence_summary(table: Any) -> str:
    """The headline figures of a tidy prevalence table: per group, % below -2 (stunting,
    underweight, wasting / thinness) and above +2 (overweight) with 95 % CI."""
    if (table.indicator == "WH").any():  # 0-5 years: WHO/UNICEF's headline indicators
        headline = [("HA", "% z < -2", "stunting"), ("WA", "% z < -2", "underweight"),
                    ("WH", "% z < -2", "wasting"), ("WH", "% z > +2", "overweight")]
    else:  # 5-19 years: WHO's use of the 2007 reference
        headline = [("HA", "% z < -2", "stunting"), ("BMI", "% z < -2", "thinness"),
                    ("BMI", "% z > +1", "overweight"), ("BMI", "% z > +2", "obesity")]
    present = [(i, st, name) for i, st, name in headline
               if ((table.indicator == i) & (table.statistic == st)).any()]
    keys = list(dict.fromkeys(zip(table.group_variable, table.group, strict=True)))
    lines = [f"{'':36s}" + "".join(f"{name:>20s}" for _, _, name in present)]
    for variable, group in keys[:40]:
        rows = table[(table.group_variable == variable) & (table.group == group)]
        cells = []
        for indicator, statistic, _ in present:
            hit = rows[(rows.indicator == indicator) & (rows.statistic == statistic)]
            value = hit.estimate.to_numpy()
            if len(value) == 0 or value[0] != value[0]:
                cells.append(f"{'-':>20s}")
                continue
            low, high = hit.ci_lower.to_numpy()[0], hit.ci_upper.to_numpy()[0]
            cells.append(f"{value[0]:5.1f}% ({low:4.1f}-{high:4.1f})".rjust(20))
        label = group if variable == "All" else f"{variable}: {group}"
        lines.append(f"{label[:36]:36s}" + "".join(cells))
    if len(keys) > 40:
        lines.append(f"... and {len(keys) - 40} more groups in the output file")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> tuple[Any, str | None]:
    """Read, compute and summarise; returns (table to write, text to print)."""
    from . import prevalence, quality
    from .quality import summary as quality_summary

    table = read_table(args.input)
    columns = {name: getattr(args, name) for name in COLUMN_ARGS
               if getattr(args, name, None)}
    if args.command == "classify":
        out = classify(table, age_unit=args.age_unit, precision=args.precision,
                       labels=args.labels, standard=args.standard, **columns)
        if args.by is not None:
            _require_columns(out, "--by", [args.by])
        return out, None if args.quiet else summary(out, args.by, args.labels)
    _require_columns(table, "--by", args.by)
    if args.command == "prevalence":
        result = prevalence(table, age_unit=args.age_unit, standard=args.standard,
                            weights=args.weights, cluster=args.cluster, strata=args.strata,
                            by=args.by or None, layout=args.layout, **columns)
        text = None
        if not args.quiet:
            text = (prevalence_summary(result) if args.layout == "tidy"
                    else f"{len(result)} groups x {result.shape[1]} columns (WHO's layout)")
        return _frame_for_writing(result), text
    result = quality(table, age_unit=args.age_unit, standard=args.standard,
                     birth_date=args.birth_date, weights=args.weights, by=args.by or None,
                     **columns)
    text = None
    if not args.quiet:
        verdicts = Counter(result.verdict.tolist())
        text = quality_summary(result) + "\n" + ", ".join(
            f"{k}: {v}" for k, v in sorted(verdicts.items())) + " (all groups)"
    return _frame_for_writing(result), text


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        start = time.perf_counter()
        output = _output_path(args)
        check_output(output)  # every check before any work, and nothing written before the end
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out, report = _run(args)
        for w in caught:  # WHO's notes (rows left out, weights set to 0): one line each
            text = str(w.message).replace("standard='2007'", "--standard 2007")
            print(f"zscore: note: {text}", file=sys.stderr)
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
