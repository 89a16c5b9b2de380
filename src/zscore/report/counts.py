"""What the classify summary counts, as a mergeable accumulator.

:class:`ClassifyCounts` holds, for the whole table and for each group of each grouping, how many
children have a class in each category column and how many of them have its condition
(stunted, wasted, ...), plus the children per standard, the blank rows, the children with
oedema, the flagged children and the missing z-scores by reason. Counts of two parts of a file
add up (:meth:`ClassifyCounts.merge`), so a file read in batches, or a Dask DataFrame's
partitions, are summarised exactly as the whole table would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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


def class_counts(codes: np.ndarray, lookup: np.ndarray, groups: Groups, size: int,
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


#: The key of the whole table among the groups.
EVERYONE = ("", "all")


@dataclass
class ClassifyCounts:
    rows: int = 0
    blank: int = 0
    #: children per standard (2006, 2007)
    standard: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    #: the category columns with a condition, in the kernel's order
    columns: list[str] = field(default_factory=list)
    #: (grouping, group) -> per column [children with a class, children with the condition]
    groups: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    #: the groupings' names, in the order given
    groupings: list[str] = field(default_factory=list)
    oedema: int = 0
    flagged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, result: Result, groupings: Sequence[Groups] = ()) -> ClassifyCounts:
        """The counts of one result (a table, or one batch of a file)."""
        from .. import rules

        raw, n = result.raw, result.inputs.n
        empty = empty_rows(result)
        blank = int(empty.sum())
        conditions: dict[str, set[str]] = {}
        for c in result.scheme:  # rules sharing a column (per standard) share its count
            if c.condition:
                conditions.setdefault(c.column, set()).update(c.condition)
        names, per_column = [], []
        for j, (column, labels) in enumerate(raw.cat_columns):
            if column in conditions:
                lookup = np.array([lab in conditions[column] for lab in labels] + [False])
                names.append(column)
                per_column.append((raw.cat[j], lookup))
        std = (np.bincount(raw.standard.astype(np.int64), minlength=2)[:2] if n
               else np.zeros(2, dtype=np.int64))
        std = std.astype(np.int64)
        std[0] -= blank  # blank rows count as 2006 rows in the kernel, as no children here
        out = cls(rows=n, blank=blank, standard=std, columns=names,
                  groupings=[g.name for g in groupings])
        everyone = Groups("", ("all",), np.empty(0, dtype=np.int64))
        for groups in (everyone, *groupings):
            size = len(groups.labels)
            counts = [class_counts(codes, lookup, groups, size, everyone)
                      for codes, lookup in per_column]
            for g, label in enumerate(groups.labels):
                cell = np.array([[int(t[g]), int(k[g])] for t, k in counts],
                                dtype=np.int64).reshape(len(counts), 2)
                out.groups[(groups.name, label)] = cell
        out.oedema = int(np.count_nonzero(result.inputs.oedema == rules.OEDEMA_YES))
        flagged = np.zeros(n, dtype=bool)
        for s in range(len(raw.active)):
            flagged |= raw.f[s] == 1
        out.flagged = int(flagged.sum())
        codes, labels = factorize_reasons(raw.reason, raw.active)
        if labels:
            counted = np.bincount(codes[(codes >= 0) & ~empty], minlength=len(labels))
            out.reasons = {labels[k]: int(counted[k]) for k in range(len(labels)) if counted[k]}
        return out

    def merge(self, other: ClassifyCounts) -> ClassifyCounts:
        """The counts of both parts (this one is updated and returned)."""
        if not self.rows and not self.groups:
            self.columns, self.groupings = list(other.columns), list(other.groupings)
        elif other.columns != self.columns and other.groups:
            raise ValueError("counts of different category columns cannot be merged")
        self.rows += other.rows
        self.blank += other.blank
        self.standard = self.standard + other.standard
        for key, cell in other.groups.items():
            mine = self.groups.get(key)
            self.groups[key] = cell.copy() if mine is None else mine + cell
        self.oedema += other.oedema
        self.flagged += other.flagged
        for label, k in other.reasons.items():
            self.reasons[label] = self.reasons.get(label, 0) + k
        return self

    def render(self, most: int = 40) -> str:
        """The summary the command line prints."""
        everyone = self.groups.get(EVERYONE, np.zeros((len(self.columns), 2), dtype=np.int64))
        shown_columns = [j for j in range(len(self.columns)) if everyone[j, 0] > 0]
        head = f"{self.rows - self.blank:,} children"
        if self.standard[1]:
            head += (f" ({self.standard[0]:,} scored with the WHO 2006 standards, "
                     f"{self.standard[1]:,} with the WHO 2007 reference)")
        if self.blank:
            head += (f"; {self.blank:,} rows with no child's data (blank, or notes below the "
                     "table) are written back but not counted")
        width = 36
        lines = [head, f"{'':{width}s}" + "".join(f"{self.columns[j]:>20s}"
                                                  for j in shown_columns)]
        keys = [EVERYONE] + [k for name in self.groupings
                             for k in sorted((k for k in self.groups if k[0] == name),
                                             key=lambda k: k[1])]
        for shown, key in enumerate(keys):
            if shown >= most:
                lines.append(f"... and {len(keys) - most:,} more groups (every row is in the "
                             "output; zscore prevalence --by gives a table of all of them)")
                break
            cell = self.groups.get(key)
            name = key[1] if key == EVERYONE else f"{key[0]}={key[1]}"
            cells = "".join(f"{_share(int(cell[j, 1]), int(cell[j, 0])):>20s}"
                            for j in shown_columns)
            lines.append(f"{name[:width]:{width}s}{cells}")
        if self.oedema and shown_columns:
            lines.append(f"({self.oedema:,} children with oedema have no weight-based z-score, "
                         "so they are not in these shares; zscore prevalence counts them as "
                         "severely wasted and underweight, as WHO does)")
        lines.append("children with an implausible (flagged) z-score, to check and re-measure: "
                     f"{self.flagged:,}")
        if self.reasons:
            order = sorted(self.reasons.items(), key=lambda kv: -kv[1])
            lines.append("missing z-scores, by reason:")
            lines += [f"  {k:8,d}  {label}" for label, k in order[:8]]
            if len(order) > 8:
                lines.append(f"  ... and {len(order) - 8} other combinations")
        return "\n".join(lines)


def _share(k: int, n: int) -> str:
    return "     -" if n == 0 else f"{100.0 * k / n:5.1f}% of {n:,}"
