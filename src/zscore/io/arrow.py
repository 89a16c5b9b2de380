"""Parquet and Arrow IPC (Feather) files, read and written by pyarrow with their own types."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Dataset

#: Rows per Parquet row group / IPC batch written (progress is reported after each).
BATCH = 1 << 20


def read_parquet(src: Path | bytes, *, source: str, sheet: Any = None,
                 names: tuple[str, ...] = ()) -> Dataset:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _no_sheet(sheet, source)
    # ParquetFile, not read_table: the same read without importing pyarrow.dataset and pandas
    table = pq.ParquetFile(pa.BufferReader(src) if isinstance(src, bytes) else str(src)).read()
    return Dataset(table, source, "parquet")


def read_ipc(src: Path | bytes, *, source: str, sheet: Any = None,
                 names: tuple[str, ...] = ()) -> Dataset:
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.ipc as ipc

    _no_sheet(sheet, source)
    if isinstance(src, bytes):
        buffer = pa.BufferReader(src)
        if src[:6] == b"ARROW1":
            return Dataset(ipc.open_file(buffer).read_all(), source, "arrow")
        return Dataset(ipc.open_stream(buffer).read_all(), source, "arrow")
    try:
        table = feather.read_table(str(src))
    except pa.ArrowInvalid:
        with pa.OSFile(str(src)) as fh:
            table = ipc.open_stream(fh).read_all()
    return Dataset(table, source, "arrow")


def _no_sheet(sheet: Any, source: str) -> None:
    if sheet is not None:
        from ..errors import InputError

        raise InputError(f"{source}: --sheet is for Excel workbooks")


def write_parquet(table: Any, path: Path, *, like: Dataset | None = None,
                  progress: Callable[[int], None] | None = None, name: str = "") -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(str(path), table.schema) as writer:
        for start in range(0, max(table.num_rows, 1), BATCH):
            part = table.slice(start, BATCH)
            writer.write_table(part)
            if progress is not None:
                progress(part.num_rows)


def write_ipc(table: Any, path: Path, *, like: Dataset | None = None,
              progress: Callable[[int], None] | None = None, name: str = "") -> None:
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=BATCH):
            writer.write_batch(batch)
            if progress is not None:
                progress(batch.num_rows)
