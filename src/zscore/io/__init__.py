"""Reading and writing the files users have: one registry of formats for the command line.

:func:`read` returns a :class:`Dataset`: a pyarrow Table holding every column as the file
holds it (CSV columns as their exact text, so an id ``007`` or a 16-digit NIK is written back
unchanged), plus what was learnt while reading (encoding, delimiter, sheet and header row,
Stata/SPSS value labels). :func:`write` writes a table in the format its file ending names, under
a unique temporary name in the output's folder, renamed into place only when complete.

Formats (by file ending, or by content for standard input):

=========================  ==========================  =====================================
format                     read                        write
=========================  ==========================  =====================================
CSV, TSV, .txt, .csv.gz    pyarrow (encoding and       pyarrow (the input's delimiter and
                           delimiter detected)         decimal comma)
Excel .xlsx .xlsm .xls     fastexcel (header row       XlsxWriter (.xlsx)
.xlsb .ods                 found below title rows)
Stata .dta                 pyreadstat                  pyreadstat (categories with labels)
SPSS .sav .zsav            pyreadstat                  pyreadstat
Parquet                    pyarrow                     pyarrow
Arrow IPC .arrow .feather  pyarrow                     pyarrow
=========================  ==========================  =====================================
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

STDIO = "-"


@dataclass
class Dataset:
    """A table read from a file, and what was learnt while reading it."""

    table: Any  # pyarrow.Table
    source: str  # the path, or "-" for standard input
    format: str  # "csv", "excel", "stata", "spss", "parquet", "arrow"
    notes: list[str] = field(default_factory=list)
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)
    delimiter: str = ","
    decimal_comma: bool = False
    #: a text file's encoding (its output is written in the same one)
    encoding: str = "utf-8"
    #: an Excel workbook read from standard input (to recover its cells' types on writing)
    raw: bytes | None = None
    #: what a number in a date column means: Excel serial days, Stata days or SPSS seconds
    date_numbers: str = "excel"
    #: the table to read values from, when it differs from ``table`` (text with decimal
    #: commas read as numbers): computations read it, outputs keep ``table``'s columns as read
    parse_table: Any = None
    #: Stata/SPSS: each column's storage type in the file (int8, int16, int32, double, ...)
    column_types: dict[str, str] = field(default_factory=dict)
    #: Excel: the sheet and the header row read (to recover the cells of mixed columns)
    sheet: int | None = None
    header_row: int | None = None

    @property
    def values(self) -> Any:
        return self.parse_table if self.parse_table is not None else self.table


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[..., Dataset] | None
    write: Callable[..., None] | None
    stream_out: bool = False  # can be written to standard output


def _formats() -> dict[str, Format]:
    from . import arrow, excel, stats, text

    return {f.name: f for f in (
        Format("csv", (".csv", ".tsv", ".txt", ".tab", ".csv.gz", ".tsv.gz", ".txt.gz"),
               text.read, text.write, stream_out=True),
        Format("excel", (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), excel.read, excel.write),
        Format("stata", (".dta",), stats.read_stata, stats.write_stata),
        Format("spss", (".sav", ".zsav"), stats.read_spss, stats.write_spss),
        Format("parquet", (".parquet", ".pq"), arrow.read_parquet, arrow.write_parquet),
        Format("arrow", (".arrow", ".feather", ".ipc"), arrow.read_ipc, arrow.write_ipc),
    )}


def suffix_of(path: str | Path) -> str:
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        return "".join(Path(name).suffixes[-2:])
    return Path(name).suffix


def _known() -> str:
    return ", ".join(s for f in _formats().values() for s in f.suffixes if not s.endswith(".gz"))


def format_of(path: str | Path, *, output: bool = False) -> Format:
    suffix = suffix_of(path)
    for f in _formats().values():
        if suffix in f.suffixes:
            if output and f.write is None:
                break
            return f
    if output:
        writable = ", ".join(s for f in _formats().values() if f.write for s in f.suffixes
                             if not s.endswith(".gz") and s not in (".xls", ".xlsb", ".ods",
                                                                    ".xlsm"))
        raise InputError(f"{path}: the output must end in one of {writable}")
    raise InputError(f"{path}: expected one of {_known()} (or - for standard input)")


def _sniff(data: bytes) -> str:
    """The format of bytes read from standard input, by their first bytes."""
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:6] == b"ARROW1" or data[:4] == b"\xff\xff\xff\xff":
        return "arrow"
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "excel"
    if data[:4] in (b"$FL2", b"$FL3"):
        return "spss"
    if data[:11] == b"<stata_dta>" or (data[:1] in (b"\x71", b"\x72", b"\x73")
                                        and data[1:2] in (b"\x01", b"\x02")
                                        and data[2:3] == b"\x01"):  # Stata 8-13 (.dta 113-115)
        return "stata"
    return "csv"


def read(path: str | Path, *, sheet: str | int | None = None,
         names: tuple[str, ...] = ()) -> Dataset:
    """Read a file (or standard input, ``"-"``) whole. Structural problems are one InputError
    naming the file (and the line, where there is one). ``names``: column names the user gave
    (they help find the header row below title rows)."""
    source = str(path)
    if source == STDIO:
        data = sys.stdin.buffer.read()
        if not data:
            raise InputError("standard input is empty")
        fmt = _formats()[_sniff(data)]
        return _guarded(lambda: fmt.read(data, source="-", sheet=sheet, names=names), source)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    fmt = format_of(p)
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    return _guarded(lambda: fmt.read(p, source=source, sheet=sheet, names=names), source)


def _guarded(reader: Callable[[], Dataset], source: str) -> Dataset:
    """Any reader's failure on a damaged file as one InputError."""
    try:
        ds = reader()
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{source}: too large to read into memory") from None
    except Exception as exc:  # each library has its own exceptions for damaged files
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{source}: cannot be read ({text[:300]})") from exc
    check_names(ds.table.column_names, source)
    return ds


def check_names(names: list[str], source: str) -> None:
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    repeated = [n for n, k in seen.items() if k > 1]
    if repeated:
        name = repeated[0]
        shown = repr(name) if name else "(empty)"
        raise InputError(f"{source}: column {shown} appears {seen[name]} times in the header; "
                         "give each column its own name")


def check_output(path: str | Path) -> Format:
    """Raise InputError unless ``path`` can be written (meant to run before any work)."""
    if str(path) == STDIO:
        return _formats()["csv"]
    p = Path(path)
    fmt = format_of(p, output=True)
    folder = p.parent
    if not folder.is_dir():
        raise InputError(f"{p}: the folder {str(folder)!r} does not exist")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{p}: the folder {str(folder)!r} is not writable")
    return fmt


# --- writing whole or not at all ------------------------------------------------------------------
_PARTIALS: set[str] = set()


def _remove_partials(*_: Any) -> None:
    for name in list(_PARTIALS):
        with contextlib.suppress(OSError):
            os.unlink(name)
        _PARTIALS.discard(name)


@contextlib.contextmanager
def _cleanup_on_signal() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP remove the partial file before the process ends
    (SIGINT already arrives as KeyboardInterrupt; SIGKILL cannot be caught)."""
    previous = {}

    def handler(signum: int, frame: Any) -> None:
        _remove_partials()
        raise SystemExit(128 + signum)

    if threading_main():
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def threading_main() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def write(table: Any, path: str | Path, *, like: Dataset | None = None,
          progress: Callable[[int], None] | None = None) -> None:
    """Write a pyarrow Table to ``path`` (or standard output, ``"-"``, as CSV) in the format of
    its file ending. ``like``: the dataset the table came from (its delimiter, decimal comma and
    Stata/SPSS labels are kept). The file appears whole or not at all: it is written under a
    unique temporary name in the same folder and renamed when complete; an error or a caught
    signal removes the partial file."""
    if str(path) == STDIO:
        from . import text

        text.write(table, sys.stdout.buffer, like=like, progress=progress, name="-")
        sys.stdout.buffer.flush()
        return
    p = Path(path)
    fmt = check_output(p)
    fd, partial = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".partial", dir=p.parent)
    os.close(fd)
    _PARTIALS.add(partial)
    try:
        with _cleanup_on_signal():
            fmt.write(table, Path(partial), like=like, progress=progress, name=p.name)
            os.chmod(partial, 0o666 & ~_umask())
            os.replace(partial, p)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"{p}: cannot be written: {exc.strerror or exc}") from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] in ("pyarrow", "pyreadstat", "xlsxwriter"):
            raise InputError(f"{p}: cannot be written: {exc}") from exc
        raise
    finally:
        _PARTIALS.discard(partial)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["STDIO", "Dataset", "Format", "check_output", "format_of", "read", "write"]
