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


class ParquetWriter:
    """A Parquet file written a table at a time (a row group per ``BATCH`` rows)."""

    def __init__(self, path: Path, *, like: Dataset | None = None, name: str = "") -> None:
        self.path = path
        self.writer: Any = None

    def write(self, table: Any, progress: Callable[[int], None] | None = None) -> None:
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(str(self.path), table.schema)
        for start in range(0, max(table.num_rows, 1), BATCH):
            part = table.slice(start, BATCH)
            self.writer.write_table(part)
            if progress is not None:
                progress(part.num_rows)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class IpcWriter:
    """An Arrow IPC file written a table at a time. Its category (dictionary) columns keep one
    growing dictionary, each table's new labels appended (an IPC file allows only additions)."""

    def __init__(self, path: Path, *, like: Dataset | None = None, name: str = "") -> None:
        self.path = path
        self.sink: Any = None
        self.writer: Any = None
        self.labels: dict[str, dict[Any, int]] = {}

    def write(self, table: Any, progress: Callable[[int], None] | None = None) -> None:
        import pyarrow as pa

        if self.writer is None:
            self.sink = pa.OSFile(str(self.path), "wb")
            self.writer = pa.ipc.new_file(self.sink, table.schema, options=pa.ipc.IpcWriteOptions(
                emit_dictionary_deltas=True))
        table = self._one_dictionary(table)
        for batch in table.to_batches(max_chunksize=BATCH):
            self.writer.write_batch(batch)
            if progress is not None:
                progress(batch.num_rows)

    def _one_dictionary(self, table: Any) -> Any:
        import numpy as np
        import pyarrow as pa

        for i, f in enumerate(table.schema):
            if not pa.types.is_dictionary(f.type):
                continue
            index = self.labels.setdefault(f.name, {})
            chunks = []
            for chunk in table.column(i).chunks:
                words = chunk.dictionary.to_pylist()
                for w in words:
                    index.setdefault(w, len(index))
                remap = np.array([index[w] for w in words], dtype=np.int64)
                codes = chunk.indices.to_numpy(zero_copy_only=False)
                mask = chunk.is_null().to_numpy(zero_copy_only=False)
                new = remap[np.where(mask, 0, codes).astype(np.int64)] if len(words) else \
                    np.zeros(len(chunk), dtype=np.int64)
                indices = pa.array(new.astype(f.type.index_type.to_pandas_dtype()), mask=mask)
                chunks.append(pa.DictionaryArray.from_arrays(
                    indices, pa.array(list(index), f.type.value_type)))
            table = table.set_column(i, f, pa.chunked_array(chunks, f.type))
        return table

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.sink.close()


def write_parquet(table: Any, path: Path, *, like: Dataset | None = None,
                  progress: Callable[[int], None] | None = None, name: str = "") -> None:
    writer = ParquetWriter(path, like=like, name=name)
    writer.write(table, progress)
    writer.close()


def write_ipc(table: Any, path: Path, *, like: Dataset | None = None,
              progress: Callable[[int], None] | None = None, name: str = "") -> None:
    writer = IpcWriter(path, like=like, name=name)
    writer.write(table, progress)
    writer.close()
