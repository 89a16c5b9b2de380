"""The programme commands: ``zscore audit``, ``zscore followup``, ``zscore rollup``
(docs/programme.md). Each reads the file with :mod:`zscore.io`, calls the library
(:mod:`zscore.programme`), writes its tables through the io writers (each file whole or not at
all) and prints a short summary."""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import io
from ..errors import InputError

COMMANDS = ("audit", "followup", "rollup")
STORED = ("status_len", "status_wei", "status_wfl", "stored_zlen", "stored_zwei",
          "stored_zwfl")


def add_parsers(sub: Any, common: Callable[..., None], by_columns: Callable[[str], list[str]]
                ) -> None:
    """The three commands' parsers, with the options every file command has (``common``)."""
    p = sub.add_parser("audit", help="compare a register's stored statuses and z-scores with "
                                     "WHO's, with the likely cause of each difference",
                       description="Recomputes every child's z-scores and Permenkes 2/2020 "
                                   "statuses and lists each stored value that differs (row, "
                                   "column, stored, computed, z, cause); writes a summary per "
                                   "desa and posyandu beside it (docs/programme.md).")
    common(p, "audit", batches=False)
    _register_options(p)
    g = p.add_argument_group("stored columns (default: found by name: Status TB/U, Status "
                             "BB/U, Status BB/TB, ZS TB/U, ZS BB/U, ZS BB/TB, ...)")
    for name in STORED:
        g.add_argument("--" + name.replace("_", "-"), metavar="COLUMN", dest=name)
    p.add_argument("--by", action="extend", type=by_columns, default=[], metavar="COLUMNS",
                   help="summary groups (default: the desa and posyandu columns)")
    p.add_argument("--summary", metavar="FILE",
                   help="where the summary goes (default: OUTPUT_summary beside the output)")
    p.add_argument("--rules", metavar="FILE.toml",
                   help="programme rules (labels, KBM tables) instead of the shipped ones")

    p = sub.add_parser("followup", help="posyandu follow-up per child: N, T, O, B, 2T, BGM",
                       description="Per child (NIK or any id) and weighing, in date order: "
                                   "growth B/O/N/T, gain_g, kbm_g, two_t, bgm and a reason "
                                   "where a history has a problem; every input row and column "
                                   "is kept. Also writes one row per child and the monthly "
                                   "D/N/T/O/B counts (docs/programme.md).")
    common(p, "followup", batches=False)
    _register_options(p)
    p.add_argument("--child", metavar="COLUMN", help="the child's id (default: NIK, id, ...)")
    p.add_argument("--kbm", metavar="TABLE",
                   help="the KBM table: buku_kia_2023 (default), kms_7_11, banded, "
                        "posyandu_file (docs/programme.md gives their sources)")
    p.add_argument("--by", action="extend", type=by_columns, default=[], metavar="COLUMNS",
                   help="groups of the monthly counts (default: the posyandu column)")
    p.add_argument("--children", metavar="FILE",
                   help="one row per child (default: OUTPUT_children beside the output)")
    p.add_argument("--monthly", metavar="FILE",
                   help="monthly D/N/T/O/B counts (default: OUTPUT_monthly beside the output)")
    p.add_argument("--rules", metavar="FILE.toml",
                   help="programme rules (KBM tables, thresholds) instead of the shipped ones")


    p = sub.add_parser("rollup", help="counts and percentages per desa, kecamatan and "
                                      "kabupaten for a period (Aksi Bangda)",
                       description="Each child once in the period (the latest weighing's "
                                   "place, the latest status of each indicator): children "
                                   "weighed, measured, stunted, wasted, underweight, with "
                                   "percentages and, with --targets, coverage "
                                   "(docs/programme.md).")
    common(p, "rollup", batches=False)
    _register_options(p)
    p.add_argument("--child", metavar="COLUMN", help="the child's id (default: NIK, id, ...)")
    p.add_argument("--by", action="extend", type=by_columns, default=[], metavar="COLUMNS",
                   help="levels below the kabupaten, outermost first (default: kecamatan,desa)")
    p.add_argument("--period", metavar="PERIOD",
                   help="2025, 2025-S1 (January-June), 2025-Q3, 2025-08 or 2025-02..2025-08 "
                        "(default: every date)")
    p.add_argument("--targets", metavar="FILE",
                   help="target denominators: a table with the desa (lowest level) column and "
                        "'sasaran'; adds coverage")
    p.add_argument("--layout", choices=("tidy", "aksi"), default="tidy",
                   help="tidy: English names, one row per group (default); aksi: Indonesian "
                        "headers, desa rows then their kecamatan's total, as keyed into Aksi "
                        "Bangda")


def _register_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--register", choices=("long", "wide"), default="long",
                   help="long: one row per weighing (default); wide: one row per child with "
                        "JANUARI_BERAT, JANUARI_TINGGI, JANUARI_TANGGALUKUR ... columns (or "
                        "two header rows), read with zscore.read_register")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="--register wide: the register's year (for months without a date)")


def _output(args: argparse.Namespace, name: str) -> str:
    if args.output:
        return args.output
    if args.input == io.STDIO:
        return io.STDIO
    source = Path(args.input)
    suffix = io.suffix_of(source)
    suffix = suffix if suffix in (".xlsx", ".parquet", ".dta", ".sav") else ".csv"
    stem = source.name[: len(source.name) - len(io.suffix_of(source))]
    return str(source.with_name(f"{stem}_{name}{suffix}"))


def _beside(output: str, given: str | None, name: str) -> str | None:
    """A second table's file: as given, else OUTPUT_name beside the output (none when the
    output is standard output)."""
    if given:
        return given
    if output == io.STDIO:
        return None
    p = Path(output)
    suffix = io.suffix_of(p)
    stem = p.name[: len(p.name) - len(suffix)]
    return str(p.with_name(f"{stem}_{name}{suffix}"))


def _arrow(frame: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from .commands import _preset

    return dict(sex=args.sex, age=args.age, age_unit=args.age_unit, weight=args.weight,
                lenhei=args.lenhei, measure=args.measure, oedema=args.oedema,
                date_format=args.date_format, units=args.units, preset=_preset(args),
                standard=args.standard)


def _read(args: argparse.Namespace) -> tuple[Any, Any, io.Dataset | None]:
    """(values to compute from, table to write back, dataset): the file as read, or a wide
    register turned into one row per weighing."""
    if args.register == "wide":
        from ..programme.register import read_register

        register = read_register(args.input, sheet=args.sheet, year=args.year,
                                 date_format=args.date_format)
        return register.weighings, _arrow(register.weighings), None
    ds = io.read(args.input, sheet=args.sheet)
    if ds.table.num_rows == 0:
        raise InputError(f"{args.input}: the file has column names but no rows: nothing to do")
    return ds.values, ds.table, ds


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.input != io.STDIO:
        io.format_of(args.input)
    output = _output(args, args.command)
    io.check_output(output)
    if output != io.STDIO and args.input != io.STDIO and Path(output).exists() \
            and Path(output).resolve() == Path(args.input).resolve():
        raise InputError(f"{output}: the output would replace the input; give another -o")
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        values, table, ds = _read(args)
        outputs, text = {"audit": _audit, "followup": _followup, "rollup": _rollup}[
            args.command](
            args, values, table, ds, output)
        seen: dict[Path, str] = {}
        if args.input != io.STDIO:
            seen[Path(args.input).resolve()] = "the input"
        for path, _ in outputs:
            if path is not None:
                io.check_output(path)
                if path == io.STDIO:
                    continue
                where = Path(path).resolve()
                if where in seen:  # --children / --monthly / --summary on another file
                    raise InputError(f"{path}: would replace {seen[where]}; give each table "
                                     "its own file")
                seen[where] = path
        for path, result in outputs:
            if path is not None:
                io.write(result, path, like=ds if path == output and ds is not None else None)
    if not args.quiet:
        from .commands import user_notes

        notes = list(ds.notes) if ds is not None else []
        for note in [*notes, *user_notes(caught)]:
            print(f"zscore: note: {note}", file=sys.stderr)
        stream = sys.stderr if output == io.STDIO else sys.stdout
        print(text, file=stream)
        written = ", ".join("standard output" if p == io.STDIO else p
                            for p, _ in outputs if p is not None)
        print(f"read {table.num_rows:,} rows from {args.input}; wrote "
              f"{written or 'standard output'} in {time.perf_counter() - start:.2f} s",
              file=stream)
    return 0


def _audit(args: argparse.Namespace, values: Any, table: Any, ds: io.Dataset | None,
           output: str) -> tuple[list[tuple[str | None, Any]], str]:
    from ..programme.audit import audit

    found = audit(values, **{k: getattr(args, k) for k in STORED}, by=args.by or None,
                  birth_date=args.birth_date, visit_date=args.visit_date,
                  rules_file=args.rules,
                  date_numbers=ds.date_numbers if ds is not None else "excel",
                  value_labels=ds.value_labels if ds is not None else None, **_options(args))
    d, s = found.disagreements, found.summary
    if args.register == "wide" and len(d):  # where in the wide register: its row and month
        d = d.copy()
        d.insert(1, "register_row", values["register_row"].to_numpy()[d["row"].to_numpy()])
        d.insert(2, "bulan", values["bulan"].to_numpy()[d["row"].to_numpy()])
    lines = [f"compared: {', '.join(f'{c!r} as {a}' for c, a in found.columns.items())}"]
    overall = s[s[found.groups[0]] == "All"] if found.groups else s
    if int(overall.compared.sum()) == 0:
        raise InputError(f"the stored columns {list(found.columns)} are empty in every row: "
                         "nothing to compare. Nothing was written.")
    for row in overall.itertuples():
        pct = "" if row.compared == 0 else f" ({row.pct_disagree:.1f} %)"
        lines.append(f"  {row.column:>14s}: {row.compared:,} stored, {row.agree:,} agree, "
                     f"{row.disagree:,} differ{pct}")
    if len(d):
        causes = d.cause_code.replace("", "(unknown)").str.split().explode().value_counts()
        lines.append("likely causes: " + ", ".join(f"{k} {v}" for k, v in causes.items()))
    return [(output, _arrow(d)), (_beside(output, args.summary, "summary"), _arrow(s))], \
        "\n".join(lines)


def _followup(args: argparse.Namespace, values: Any, table: Any, ds: io.Dataset | None,
              output: str) -> tuple[list[tuple[str | None, Any]], str]:
    import pyarrow as pa

    from ..programme.followup import OUTPUT_COLUMNS, followup

    result = followup(values, child=args.child, date=args.visit_date,
                      birth_date=args.birth_date, kbm=args.kbm, by=args.by or None,
                      rules_file=args.rules,
                      date_numbers=ds.date_numbers if ds is not None else "excel",
                      value_labels=ds.value_labels if ds is not None else None,
                      **_options(args))
    rows = result.rows
    if not isinstance(rows, pa.Table):
        rows = _arrow(rows)
    out = table
    for name in OUTPUT_COLUMNS:  # the input's columns as read, the follow-up's appended
        out = out.append_column(name, rows.column(name))
    growth = rows.column("growth").to_pylist()
    counts = {g: growth.count(g) for g in ("B", "O", "N", "T")}
    two_t = sum(1 for v in rows.column("two_t").to_pylist() if v == 1)
    bgm = sum(1 for v in rows.column("bgm").to_pylist() if v == 1)
    reasons = [r for r in rows.column("followup_reason").to_pylist() if r]
    if sum(counts.values()) == 0:
        raise InputError("no weighing could be followed (every row has a reason: run with "
                         "-o - to see them). Nothing was written.")
    lines = [f"KBM table: {result.kbm.name} ({result.kbm.version})",
             f"weighings: D = {sum(counts.values()):,} (N {counts['N']:,}, T {counts['T']:,}, "
             f"O {counts['O']:,}, B {counts['B']:,}); 2T {two_t:,}; BGM {bgm:,}; "
             f"{len(result.children):,} children",
             f"rows with a reason: {len(reasons):,}"]
    return [(output, out), (_beside(output, args.children, "children"),
                            _arrow(result.children)),
            (_beside(output, args.monthly, "monthly"), _arrow(result.monthly))], "\n".join(lines)


def _rollup(args: argparse.Namespace, values: Any, table: Any, ds: io.Dataset | None,
            output: str) -> tuple[list[tuple[str | None, Any]], str]:
    from ..programme.rollup import rollup

    targets = io.read(args.targets).values if args.targets else None
    result = rollup(values, by=args.by or None, period=args.period, targets=targets,
                    child=args.child, date=args.visit_date, birth_date=args.birth_date,
                    layout=args.layout,
                    date_numbers=ds.date_numbers if ds is not None else "excel",
                    value_labels=ds.value_labels if ds is not None else None,
                    **_options(args))
    if args.layout == "tidy":
        total = result[result.level == "kabupaten"]
        lowest = result.level.iloc[0] if len(result) > 1 else "desa"
        lines = [f"{len(result[result.level == lowest])} {lowest}"
                 + (f", period {args.period}" if args.period else "")]
        for row in total.itertuples():
            lines.append(f"  children {row.children:,}, weighed {row.weighed:,}, measured "
                         f"{row.measured:,}; stunted {row.stunted:,}/{row.stunted_of:,} "
                         f"({row.stunted_pct:.1f} %), wasted {row.wasted:,}/{row.wasted_of:,}"
                         f", underweight {row.underweight:,}/{row.underweight_of:,}")
    else:
        lines = [f"{len(result)} rows in the Aksi Bangda layout"
                 + (f", period {args.period}" if args.period else "")]
    lines.append("register data (those who came to the posyandu), not a survey estimate")
    return [(output, _arrow(result))], "\n".join(lines)
