"""The command line's summary of ``classify``, counted from the kernel's codes.

Every count is a ``np.bincount`` over the int8 category codes, flags and packed reason keys the
kernel wrote: no output column is turned into Python objects, so ten million rows are
summarised in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..classify import Result, factorize_reasons


@dataclass(frozen=True)
class Groups:
    """One grouping of the rows: ``codes`` (int64, -1 no group) into ``labels``."""

    name: str
    labels: tuple[str, ...]
    codes: np.ndarray


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def group_codes(column: Any, name: str, labels: dict | None = None) -> Groups:
    """A by-column's groups (Arrow dictionary encoding; value labels, when the file has them,
    name the groups)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(column, pa.ChunkedArray | pa.Array):
        column = pa.chunked_array([pa.array(np.asarray(column))])
    encoded = pc.dictionary_encode(column)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return Groups(name, (), np.empty(0, dtype=np.int64))
    unified = pa.chunked_array(chunks).unify_dictionaries() if len(chunks) > 1 else \
        pa.chunked_array(chunks)
    dictionary = unified.chunk(0).dictionary.to_pylist() if unified.num_chunks else []
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False)
                            .astype(np.int64) for c in unified.chunks]) \
        if unified.num_chunks else np.empty(0, dtype=np.int64)
    labels = labels or {}
    texts = tuple(_text(labels.get(v, v)) for v in dictionary)
    order = sorted(range(len(texts)), key=lambda k: texts[k])
    remap = np.empty(len(texts) + 1, dtype=np.int64)
    remap[np.array(order, dtype=np.int64)] = np.arange(len(order))
    remap[-1] = -1
    return Groups(name, tuple(texts[k] for k in order), remap[codes])


def _class_counts(codes: np.ndarray, lookup: np.ndarray, groups: Groups, size: int,
                  everyone: Groups) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the rows with a class in this column, and those with its condition. One
    ``bincount`` of (group, class) pairs; for the whole table, of the int8 codes themselves."""
    k = lookup.size - 1  # classes; code -1 (none) is the last entry of lookup
    if groups is everyone:
        per = np.bincount(codes.view(np.uint8), minlength=256)[:k][None, :]
    else:
        known = groups.codes >= 0
        pairs = groups.codes[known] * (k + 1) + (codes[known].astype(np.int64) + 1)
        per = np.bincount(pairs, minlength=size * (k + 1)).reshape(size, k + 1)[:, 1:]
    return per.sum(axis=1), per[:, lookup[:k]].sum(axis=1)


def empty_rows(result: Result) -> np.ndarray:
    """Rows with no child's data at all (no sex, age or measurement): blank rows, or a note or
    a total under the table in a spreadsheet. They are written back, not counted."""
    from .. import rules

    inp = result.inputs
    empty = (inp.sex == rules.SEX_MISSING) & np.isnan(inp.age)
    for values in inp.measurements.values():
        empty &= np.isnan(values) & ~np.isneginf(values)
    return empty


def _share(k: int, n: int) -> str:
    return "     -" if n == 0 else f"{100.0 * k / n:5.1f}% of {n:,}"


def classify_summary(result: Result, groupings: Sequence[Groups] = (), most: int = 40) -> str:
    """Children, the share in each condition (stunting, underweight, ...), overall and per
    group, flagged children and the missing z-scores by reason."""
    from .. import rules

    raw = result.raw
    n = result.inputs.n
    empty = empty_rows(result)
    blank = int(empty.sum())
    conditions: dict[str, set[str]] = {}
    for c in result.scheme:  # rules sharing a column (per standard) share its count
        if c.condition:
            conditions.setdefault(c.column, set()).update(c.condition)
    columns = []  # (name, codes, is_condition lookup)
    for j, (column, labels) in enumerate(raw.cat_columns):
        if column not in conditions:
            continue
        codes = raw.cat[j]
        if not (codes >= 0).any():
            continue  # no row has a class in it (thinness in a file of under-fives)
        lookup = np.array([lab in conditions[column] for lab in labels] + [False])
        columns.append((column, codes, lookup))
    std = np.bincount(raw.standard.astype(np.int64), minlength=2) if n else np.zeros(2, int)
    head = f"{n - blank:,} children"
    if std[1]:
        head += (f" ({std[0] - blank:,} scored with the WHO 2006 standards, {std[1]:,} with the "
                 "WHO 2007 reference)")
    if blank:
        head += (f"; {blank:,} rows with no child's data (blank, or notes below the table) are "
                 "written back but not counted")
    width = 36
    lines = [head, f"{'':{width}s}" + "".join(f"{name:>20s}" for name, _, _ in columns)]
    everyone = Groups("all", ("all",), np.empty(0, dtype=np.int64))
    shown = 0
    for groups in (everyone, *groupings):
        size = len(groups.labels)
        counts = [_class_counts(codes, lookup, groups, size, everyone)
                  for _, codes, lookup in columns]
        for g, label in enumerate(groups.labels):
            if shown >= most:
                break
            name = label if groups is everyone else f"{groups.name}={label}"
            cells = "".join(f"{_share(int(k[g]), int(t[g])):>20s}" for t, k in counts)
            lines.append(f"{name[:width]:{width}s}{cells}")
            shown += 1
    if shown >= most:
        total = 1 + sum(len(g.labels) for g in groupings)
        lines.append(f"... and {total - most:,} more groups (every row is in the output; "
                     "zscore prevalence --by gives a table of all of them)")
    oedema = int(np.count_nonzero(result.inputs.oedema == rules.OEDEMA_YES))
    if oedema and columns:
        lines.append(f"({oedema:,} children with oedema have no weight-based z-score, so they "
                     "are not in these shares; zscore prevalence counts them as severely "
                     "wasted and underweight, as WHO does)")
    flagged = np.zeros(n, dtype=bool)
    for s in range(len(raw.active)):
        flagged |= raw.f[s] == 1
    lines.append("children with an implausible (flagged) z-score, to check and re-measure: "
                 f"{int(flagged.sum()):,}")
    codes, labels = factorize_reasons(raw.reason, raw.active)
    if labels:
        counted = codes[(codes >= 0) & ~empty]
        counts = np.bincount(counted, minlength=len(labels))
        order = np.argsort(-counts, kind="stable")
        if counts.any():
            lines.append("missing z-scores, by reason:")
            lines += [f"  {int(counts[k]):8,d}  {labels[k]}" for k in order[:8] if counts[k]]
            if np.count_nonzero(counts) > 8:
                lines.append(f"  ... and {np.count_nonzero(counts) - 8} other combinations")
    return "\n".join(lines)


def nothing_scored(result: Result) -> str | None:
    """When no row got any z-score: why (the commonest reasons) and what to try; else None."""
    raw = result.raw
    if result.inputs.n == 0 or not raw.active or np.isfinite(raw.z).any():
        return None
    codes, labels = factorize_reasons(raw.reason, raw.active)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)) if labels else []
    order = np.argsort(-np.asarray(counts), kind="stable")[:3]
    reasons = "; ".join(f"{labels[k]} ({int(counts[k]):,} rows)" for k in order)
    hints = []
    res = result.resolution
    text = " ".join(labels[k] for k in order)
    for arg in ("sex", "measure", "oedema"):
        if f"{arg}_invalid" in text and arg in res.found:
            hints.append(f"the {arg} column {res.found[arg].column!r} holds "
                         f"{_examples(res.found[arg].values)}, codes zscore does not know: "
                         f"name them in a mapping file ([codes.{arg}], see docs/cli.md)")
    if "sex_missing" in text and "sex" in res.found:
        hints.append(f"the sex column {res.found['sex'].column!r} is empty")
    if "age_" in text:
        if res.age_from_dates:
            hints.append("check the birth and visit dates (and --date-format)")
        elif "age" in res.found:
            f = res.found["age"]
            hints.append(f"the ages in {f.column!r} were read in {f.unit}: is that the unit "
                         "(--age-unit)?")
    for m in ("weight", "lenhei"):
        if m in text and m in res.found:
            f = res.found[m]
            hints.append(f"the {m} column {f.column!r} holds {_examples(f.values)} (read in "
                         f"{res.unit(m)}; --units converts)")
    return "no child could be scored: " + reasons + (". " + "; ".join(hints)[:1].upper()
                                                     + "; ".join(hints)[1:] if hints else "")


def _examples(values: Any, k: int = 4) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = values if isinstance(values, pa.ChunkedArray | pa.Array) else pa.array(
            np.asarray(values[:100_000], dtype=object).tolist(), from_pandas=True)
        counts = pc.value_counts(array).to_pylist()
    except Exception:
        return "values"
    counts.sort(key=lambda d: -d["counts"])
    shown = ", ".join(repr(d["values"]) for d in counts[:k])
    return shown or "nothing"


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
