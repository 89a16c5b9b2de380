"""Files of any size: read in record batches, classified and written as they go.

:func:`classify_file` reads a Parquet, Arrow IPC or CSV/TSV file a batch of rows at a time,
scores each batch with the same code as :func:`zscore.classify` and appends it to the output,
so memory stays bounded whatever the file's size. Reading the next batch, scoring this one and
writing the last one overlap (pyarrow's readers and writers and numba's kernel release the
GIL). The columns, units, codes and date order are decided on the first batch and kept for the
others, so every row is read as it would be in one call; the output's rows are the input's, in
order.

Excel, Stata and SPSS files cannot be read in batches by their libraries: they are read whole
(see docs/scale.md).
"""

from __future__ import annotations

import pickle
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import io
from .classify import Result, named_only, run
from .errors import InputError
from .resolve import CHILD_ARGS, DATE_ARGS

#: Rows per batch by default: large enough that the kernel's threads and pyarrow's readers work
#: in long runs, small enough that three batches in flight (reading, scoring, writing) stay near
#: a gigabyte for a wide file.
BATCH_ROWS = 1 << 20

#: Formats read and written a batch at a time.
STREAMED = ("parquet", "arrow", "csv")

_CHILD_ARGS = (*CHILD_ARGS, *DATE_ARGS)


@dataclass
class Source:
    """A file opened for reading in batches."""

    schema: Any  # pyarrow.Schema
    batches: Iterator[Any]  # pyarrow.Table of at most batch_rows rows
    dataset: io.Dataset  # what was learnt while opening it (an empty table of its columns)
    num_rows: int | None = None


@dataclass
class FileResult:
    """What :func:`classify_file` did: rows read and written, and per batch the classify
    :class:`~zscore.classify.Result` summaries (see ``zscore.report``)."""

    rows: int = 0
    batches: int = 0
    results: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def streamable(path: str | Path, output: str | Path) -> bool:
    """Both the input (a file, or a folder of Parquet files) and the output can be handled a
    batch at a time."""
    if str(path) == io.STDIO:
        return False
    return ((Path(path).is_dir() or io.format_of(path).name in STREAMED)
            and (str(output) == io.STDIO or io.format_of(output, output=True).name in STREAMED))


def _slices(table: Any, rows: int) -> Iterator[Any]:
    for start in range(0, table.num_rows, rows):
        yield table.slice(start, rows)


def open_parquet(path: Path, batch_rows: int) -> Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(str(path), memory_map=True)
    schema = pf.schema_arrow
    io.check_names(schema.names, str(path))

    def batches() -> Iterator[Any]:
        for batch in pf.iter_batches(batch_size=batch_rows, use_threads=True):
            yield pa.Table.from_batches([batch], schema)

    empty = schema.empty_table()
    return Source(schema, batches(), io.Dataset(empty, str(path), "parquet"),
                  pf.metadata.num_rows)


def open_parquet_folder(path: Path, batch_rows: int) -> Source:
    """A Parquet dataset: a folder of Parquet files (in the order of their paths; a
    ``key=value`` folder name adds that column, as Hive, Spark and pyarrow write them)."""
    import pyarrow as pa
    import pyarrow.dataset as pads

    files = sorted(str(f) for f in path.rglob("*") if f.is_file()
                   and f.suffix.lower() in (".parquet", ".pq")
                   and not f.name.startswith((".", "_")))
    if not files:
        raise InputError(f"{path}: a folder with no Parquet files (.parquet) in it")
    dataset = pads.dataset(files, format="parquet", partitioning="hive",
                           partition_base_dir=str(path))
    schema = dataset.schema
    io.check_names(schema.names, str(path), where="in the files")

    def batches() -> Iterator[Any]:
        for fragment in dataset.get_fragments():  # one file after another, rows in order
            for batch in fragment.to_batches(schema=schema, batch_size=batch_rows):
                yield pa.Table.from_batches([batch], schema)

    return Source(schema, batches(), io.Dataset(schema.empty_table(), str(path), "parquet"),
                  dataset.count_rows())


def open_ipc(path: Path, batch_rows: int) -> Source:
    import pyarrow as pa

    source = pa.memory_map(str(path))
    try:
        reader = pa.ipc.open_file(source)
        schema = reader.schema
        count = reader.num_record_batches

        def batches() -> Iterator[Any]:
            for i in range(count):
                yield from _slices(pa.Table.from_batches([reader.get_batch(i)], schema),
                                   batch_rows)
        rows = None
    except pa.ArrowInvalid:  # the IPC stream format (no footer)
        source = pa.memory_map(str(path))
        reader = pa.ipc.open_stream(source)
        schema = reader.schema

        def batches() -> Iterator[Any]:
            for batch in reader:
                yield from _slices(pa.Table.from_batches([batch], schema), batch_rows)
        rows = None
    io.check_names(schema.names, str(path))
    return Source(schema, batches(), io.Dataset(schema.empty_table(), str(path), "arrow"), rows)


def open_source(path: str | Path, batch_rows: int = BATCH_ROWS, *, encoding: str | None = None,
                notes: tuple[str, ...] = ()) -> Source:
    """Open a Parquet, Arrow IPC or CSV/TSV file for reading in batches (``encoding``: a text
    file's, when known)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        try:
            return open_parquet_folder(p, batch_rows)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{p}: cannot be read as a Parquet dataset "
                             f"({_first_line(exc)})") from exc
    fmt = io.format_of(p).name
    if fmt not in STREAMED:
        raise InputError(f"{p}: {fmt} files are read whole (only Parquet, Arrow and CSV files "
                         "are read in batches)")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    try:
        if fmt == "csv":
            from .io import text

            return text.open_batches(p, batch_rows, encoding, notes)
        return {"parquet": open_parquet, "arrow": open_ipc}[fmt](p, batch_rows)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{p}: cannot be read ({_first_line(exc)})") from exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _ahead(batches: Iterator[Any], depth: int = 1) -> Iterator[Any]:
    """The batches, read ``depth`` ahead in a thread (the reader releases the GIL while it
    decodes, so reading overlaps scoring)."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    end = object()
    stop = threading.Event()

    def fill() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(end)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    thread = threading.Thread(target=fill, daemon=True, name="zscore-reader")
    thread.start()
    try:
        while True:
            item = q.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


class _Writer:
    """Writes each batch in a thread while the next one is scored (one batch in flight)."""

    def __init__(self, write: Callable[[Any], None]) -> None:
        self._write = write
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, table: Any) -> None:
        self.wait()

        def work() -> None:
            try:
                self._write(table)
            except BaseException as exc:
                self._error = exc

        self._thread = threading.Thread(target=work, daemon=True, name="zscore-writer")
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def classify_file(
    source: str | Path,
    output: str | Path,
    *,
    batch_rows: int = BATCH_ROWS,
    on_batch: Callable[[Result], None] | None = None,
    progress: Callable[[int], None] | None = None,
    check: Callable[[FileResult], None] | None = None,
    **options: Any,
) -> FileResult:
    """Classify a Parquet, Arrow or CSV file of any size into ``output`` (Parquet, Arrow or CSV,
    by its ending; ``"-"`` for CSV on standard output), a batch of ``batch_rows`` rows at a
    time, in constant memory.

    ``options`` are :func:`zscore.classify`'s (column names for ``sex``, ``age``, ...,
    ``age_unit``, ``units``, ``date_format``, ``preset``, ``precision``, ``labels``,
    ``standard``). The output holds the input's columns as read and the computed ones, row for
    row; it appears whole, or not at all if anything fails. ``on_batch`` is called with each
    batch's result (for a summary); ``progress`` with each batch's row count; ``check`` with
    the FileResult after the last batch, before the output is committed (an exception it raises
    leaves nothing written).

    >>> import zscore, tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pq.write_table(pa.table({"sex": [1, 2], "age": [400, 1000], "weight": [9.1, 11.0],
    ...                          "lenhei": [74.0, 86.2]}), folder / "in.parquet")
    >>> done = zscore.classify_file(folder / "in.parquet", folder / "out.parquet")
    >>> done.rows, pq.read_table(folder / "out.parquet")["zlen"].to_pylist()
    (2, [-1.27, -1.81])
    """
    from .io.text import Recode

    if batch_rows < 1:
        raise InputError(f"batch_rows={batch_rows}: give a positive number of rows")
    given = {k: options.pop(k) for k in _CHILD_ARGS if k in options}
    named_only(given, "the file", "given with a file")
    io.check_output(output)
    encoding, notes = None, ()
    while True:
        src = open_source(source, batch_rows, encoding=encoding, notes=notes)
        try:
            return _classify_batches(src, output, given, options, on_batch, progress, check)
        except Recode as recode:  # a line deep in the file is not UTF-8: start again
            if encoding is not None:
                raise InputError(f"{source}: cannot be read as {encoding} text") from None
            encoding, notes = recode.encoding, (recode.note,)


def _classify_batches(src: Source, output: str | Path, given: Mapping[str, Any],
                      options: Mapping[str, Any], on_batch: Callable[[Result], None] | None,
                      progress: Callable[[int], None] | None,
                      check: Callable[[FileResult], None] | None) -> FileResult:
    done = FileResult(notes=src.dataset.notes)
    with io.streaming_output(output, like=src.dataset) as sink:
        writer = _Writer(sink.write)
        resolution = None
        try:
            for batch in _ahead(src.batches):
                result = run(src.dataset.values_of(batch), given, resolution=resolution,
                             attach_to=batch, **options)
                resolution = result.resolution
                writer.submit(result.out)
                done.rows += batch.num_rows
                done.batches += 1
                if on_batch is not None:
                    on_batch(result)
                if progress is not None:
                    progress(batch.num_rows)
        finally:
            writer.wait()
        if check is not None:
            check(done)
        if done.batches == 0:
            sink.write(_empty_result(src, given, options))
    return done


def _empty_result(src: Source, given: Mapping[str, Any], options: Mapping[str, Any]) -> Any:
    """The output of a file with no rows: its columns and the computed ones, no rows."""
    table = src.schema.empty_table()
    return run(src.dataset.values_of(table), given, attach_to=table, **options).out


def tabulate(source: str | Path, accumulator: Any, *, batch_rows: int = BATCH_ROWS,
             progress: Callable[[int], None] | None = None) -> tuple[Any, FileResult]:
    """``accumulator`` (a :class:`zscore.PrevalenceAccumulator` or
    :class:`zscore.QualityAccumulator`) over a Parquet, Arrow or CSV file (or a folder of
    Parquet files) read a batch at a time: its table, and what was read. Memory holds a few
    batches and the accumulator's sums, never the file.

    >>> import zscore, tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.parquet"
    >>> pq.write_table(pa.table({"sex": [1, 2] * 50, "age": [400, 1000] * 50,
    ...                          "weight": [9.1, 11.0] * 50, "lenhei": [74.0, 86.2] * 50}), path)
    >>> table, done = zscore.stream.tabulate(path, zscore.PrevalenceAccumulator(), batch_rows=30)
    >>> done.rows, done.batches, int(table.estimate.iloc[0])
    (100, 4, 100)
    """
    from .io.text import Recode

    if batch_rows < 1:
        raise InputError(f"batch_rows={batch_rows}: give a positive number of rows")
    fresh = pickle.dumps(accumulator)  # to start again if the file must be read again
    encoding, notes = None, ()
    while True:
        src = open_source(source, batch_rows, encoding=encoding, notes=notes)
        acc = pickle.loads(fresh)
        done = FileResult(notes=src.dataset.notes)
        try:
            for batch in _ahead(src.batches):
                acc.add(src.dataset.values_of(batch))
                done.rows += batch.num_rows
                done.batches += 1
                if progress is not None:
                    progress(batch.num_rows)
        except Recode as recode:
            if encoding is not None:
                raise InputError(f"{source}: cannot be read as {encoding} text") from None
            encoding, notes = recode.encoding, (recode.note,)
            continue
        if done.batches == 0:
            acc.add(src.schema.empty_table())
        return acc.result(), done
