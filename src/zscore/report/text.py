"""The command line's texts: why no child could be scored, the prevalence headline figures.

Every count is a ``np.bincount`` over the int8 category codes, flags and packed reason keys the
kernel wrote: no output column is turned into Python objects, so ten million rows are
summarised in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..classify import Result, factorize_reasons
from .counts import ClassifyCounts, Groups


def classify_summary(result: Result, groupings: Sequence[Groups] = (), most: int = 40) -> str:
    """Children, the share in each condition (stunting, underweight, ...), overall and per
    group, flagged children and the missing z-scores by reason (see ClassifyCounts)."""
    return ClassifyCounts.of(result, groupings).render(most)


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
            shown = _examples(f.values)
            if re.search(r"'\s*[-+]?\d+,\d+\s*'", shown):
                hints.append(f"the {m} column {f.column!r} holds {shown}: decimal commas "
                             "in a comma-separated file (is '1,500' one and a half or fifteen "
                             "hundred?); save it with ';' as the separator, or decimal points")
            else:
                hints.append(f"the {m} column {f.column!r} holds {shown} (read in "
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
