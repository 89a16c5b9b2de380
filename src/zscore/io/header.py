"""Finding the header row of a sheet or text file that has title rows above it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import InputError

#: How many rows at the top are searched for the header.
SEARCH_ROWS = 30
_NUMBER = re.compile(r"\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*")


def _is_text(cell: Any) -> bool:
    return isinstance(cell, str) and bool(cell.strip()) and not _NUMBER.fullmatch(cell)


def find_header(rows: Sequence[Sequence[Any]], names: Sequence[str] = ()) -> int:
    """The index of the header among the first rows (0 when there are no title rows).

    A puskesmas report has a few title rows ("KABUPATEN: ...", "BULAN: JANUARI 2024") above the
    column names. The header is the row holding most names zscore recognises (sex, age, weight,
    a preset's names, the ``names`` the user gave), when it holds at least two; else the first
    row that is as wide as the widest of the first rows and holds only text."""
    from ..resolve import CHILD_ARGS, DATE_ARGS, normalise_name, preset_names, vocabulary

    top = [list(r) for r in rows[:SEARCH_ROWS]]
    if not top:
        return 0
    vocab = vocabulary()
    known = {normalise_name(c) for p in preset_names() for c in _preset_columns(p)}
    known |= {normalise_name(n) for n in names}
    args = (*CHILD_ARGS, *DATE_ARGS)

    def hits(row: list[Any]) -> int:
        count = 0
        for cell in row:
            if not _is_text(cell):
                continue
            try:
                if vocab.argument_of(cell, args) is not None or normalise_name(cell) in known:
                    count += 1
            except InputError:  # a cell naming two units is no header cell
                continue
        return count

    scores = [hits(r) for r in top]
    best = max(scores)
    if best >= 2:
        return scores.index(best)
    widths = [sum(1 for c in r if c is not None and str(c).strip()) for r in top]
    widest = max(widths)
    for i, r in enumerate(top):
        cells = [c for c in r if c is not None and str(c).strip()]
        if widest and len(cells) == widest and all(_is_text(c) for c in cells):
            return i
    return 0


def _preset_columns(name: str) -> list[str]:
    from ..resolve import load_preset

    p = load_preset(name)
    return [c for names in p.columns.values() for c in names]
