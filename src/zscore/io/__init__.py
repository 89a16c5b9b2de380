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
import re
import secrets
import signal
import stat
import sys
import threading
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

    def values_of(self, table: Any) -> Any:
        """The table to read values from for another table of this file's columns (a batch):
        as :attr:`values` is for :attr:`table`. A batch with decimal commas marks the file as
        using them (its output is written with them from the first batch written)."""
        if self.format == "csv":
            from .text import decimal_points

            parsed, commas = decimal_points(table, self.delimiter or ",")
            self.decimal_comma = self.decimal_comma or commas
            return parsed if parsed is not None else table
        return table


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[..., Dataset] | None
    write: Callable[..., None] | None
    stream_out: bool = False  # can be written to standard output
    #: a writer class taking a table at a time (``write(table)``, ``close()``), for files
    #: written as they are computed
    writer: Callable[..., Any] | None = None


def _formats() -> dict[str, Format]:
    from . import arrow, excel, stats, text

    return {f.name: f for f in (
        Format("csv", (".csv", ".tsv", ".txt", ".tab", ".csv.gz", ".tsv.gz", ".txt.gz"),
               text.read, text.write, stream_out=True, writer=text.CsvWriter),
        Format("excel", (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), excel.read, excel.write),
        Format("stata", (".dta",), stats.read_stata, stats.write_stata),
        Format("spss", (".sav", ".zsav"), stats.read_spss, stats.write_spss),
        Format("parquet", (".parquet", ".pq"), arrow.read_parquet, arrow.write_parquet,
               writer=arrow.ParquetWriter),
        Format("arrow", (".arrow", ".feather", ".ipc"), arrow.read_ipc, arrow.write_ipc,
               writer=arrow.IpcWriter),
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
        return _guarded(lambda: fmt.read(data, source="-", sheet=sheet, names=names), source,
                        fmt.name)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    fmt = format_of(p)
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    return _guarded(lambda: fmt.read(p, source=source, sheet=sheet, names=names), source,
                    fmt.name)


_KINDS = {"csv": "a text (CSV)", "excel": "an Excel", "stata": "a Stata", "spss": "an SPSS",
          "parquet": "a Parquet", "arrow": "an Arrow"}


def _guarded(reader: Callable[[], Dataset], source: str, kind: str) -> Dataset:
    """Any reader's failure on a damaged file as one InputError."""
    try:
        ds = reader()
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{source}: too large to read into memory") from None
    except Exception as exc:  # each library has its own exceptions for damaged files
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{source}: cannot be read as {_KINDS.get(kind, 'a')} file: it may be "
                         f"damaged, cut short or of another kind ({text[:300]})") from exc
    check_names(ds.table.column_names, source,
                where="in the header" if ds.format in ("csv", "excel") else "in the file")
    return ds


def check_names(names: list[str], source: str, *, where: str = "in the header") -> None:
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    repeated = [n for n, k in seen.items() if k > 1]
    if repeated:
        name = repeated[0]
        shown = repr(name) if name else "(empty)"
        raise InputError(f"{source}: column {shown} appears {seen[name]} times {where}; "
                         "give each column its own name")


def output_target(path: str | Path) -> Path:
    """The file an output path names: a symbolic link's target (the link is kept and the file
    it points to is replaced), else the path itself."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def check_output(path: str | Path) -> Format:
    """Raise InputError unless ``path`` can be written (meant to run before any work)."""
    if str(path) == STDIO:
        return _formats()["csv"]
    p = Path(path)
    fmt = format_of(p, output=True)
    target = output_target(p)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{p}: the folder {str(folder)!r} does not exist")
    if target.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{p}: the folder {str(folder)!r} is not writable")
    return fmt


# --- writing whole or not at all ------------------------------------------------------------------
# An output is written to a hidden partial file beside it, ``.NAME.<pid>.<8 hex>.partial``, created
# exclusively (O_EXCL: never a file that exists), and renamed onto NAME only when complete, so two
# runs writing one output never mix rows (the last to finish wins, whole) and a reader never sees
# half a file. An error, Ctrl-C, SIGTERM or SIGHUP removes the partial. SIGKILL (kill -9) and a
# power cut cannot be caught: the partial stays, and the next run writing NAME removes it, once
# its writer is gone: only names of exactly that pattern, regular files of this user, whose pid
# is not a running process (and, where the folder supports locks, that no process holds locked).

#: Partial files this process has created and not yet renamed or removed.
_PARTIALS: set[str] = set()
#: Outputs this process has written (the command line says whether one was written when stopped).
written: list[str] = []
_STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                      if s is not None)


class Stopped(SystemExit):
    """SIGTERM or SIGHUP arrived while zscore was working (see :func:`stop_on_signals`): every
    cleanup has run, no partial output is left. Its exit status is 128 + the signal's number,
    as for a process the signal ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _remove_partials() -> None:
    for name in list(_PARTIALS):
        with contextlib.suppress(OSError):
            os.unlink(name)
        _PARTIALS.discard(name)


def _stop(signum: int, frame: Any) -> None:
    _remove_partials()  # first: whatever the exception meets on its way up
    raise Stopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While active, SIGTERM and SIGHUP raise :class:`Stopped` (a SystemExit) in the main thread,
    so that every ``finally`` runs (partial outputs, temporary files) before the process ends.
    Only signals left at their default action are taken: one the process ignores (``nohup``'s
    SIGHUP) stays ignored, and a program's own handler stays in charge. SIGINT already arrives
    as KeyboardInterrupt; SIGKILL cannot be caught."""
    installed: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in _STOP_SIGNALS:
            if signal.getsignal(sig) == signal.SIG_DFL:
                installed[sig] = signal.signal(sig, _stop)
    try:
        yield
    finally:
        for sig, old in installed.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Stop signals wait (POSIX) while a partial file is created and recorded, so none can end
    the process between the two."""
    hold = hasattr(signal, "pthread_sigmask") and threading.current_thread() is \
        threading.main_thread()
    if hold:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {*_STOP_SIGNALS, signal.SIGINT})
    try:
        yield
    finally:
        if hold:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _partial_prefix(name: str) -> str:
    # the name as far as the folder allows (255 bytes less the pid and the ending)
    short = name.encode("utf-8", "surrogateescape")[:180].decode("utf-8", "ignore")
    return f".{short}."


def _stale_pattern(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(_partial_prefix(name)) + r"(\d+)\.[0-9a-f]{8}\.partial")


def _create_partial(target: Path) -> tuple[int, str]:
    prefix = _partial_prefix(target.name)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = str(target.parent / f"{prefix}{os.getpid()}.{secrets.token_hex(4)}.partial")
        try:
            return os.open(name, flags, 0o666), name  # the permissions the umask gives
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused partial name beside {target}")


def _lock(fd: int) -> None:
    """Hold the partial locked while this process lives (POSIX; best effort): a later run sees
    that it is still being written even from another machine or pid namespace."""
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass


def _locked(path: str) -> bool:
    """Whether another process holds ``path`` locked (False when locks are not supported)."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot open it: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def _running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (True when that cannot be told)."""
    if pid == os.getpid() or pid <= 0:
        return True
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        try:
            import ctypes

            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
            if not handle:
                return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such pid
            try:
                code = ctypes.c_ulong()
                if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                    return True
                return code.value == 259  # STILL_ACTIVE
            finally:
                kernel32.CloseHandle(handle)
        except Exception:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def remove_stale_partials(path: str | Path) -> list[str]:
    """Remove the partial files that runs killed while writing ``path`` left beside it (see the
    comment above); the names removed."""
    target = output_target(path)
    pattern = _stale_pattern(target.name)
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
            continue
        if _locked(entry.path):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(entry.name)
    return removed


@contextlib.contextmanager
def partial_output(path: str | Path) -> Iterator[Path]:
    """A new hidden file beside ``path`` to write the output into; when the block ends without
    an error it is renamed onto ``path`` (a symbolic link's target), else removed. The file
    appears whole or not at all; an existing file of that name is replaced whole (keeping its
    permissions) or left as it was."""
    target = output_target(path)
    remove_stale_partials(target)
    with stop_on_signals():
        with _signals_held():
            fd, partial = _create_partial(target)
            _PARTIALS.add(partial)
        renamed = False
        try:
            _lock(fd)
            yield Path(partial)
            with contextlib.suppress(OSError):  # an existing output keeps its permissions
                os.chmod(partial, stat.S_IMODE(os.stat(target).st_mode))
            if os.name == "nt":  # an open file cannot be renamed there
                os.close(fd)
                fd = -1
            try:
                os.replace(partial, target)
            except PermissionError as exc:
                if target.exists():
                    raise PermissionError(exc.errno, f"{exc.strerror} (is the file open in "
                                                     "another program, such as Excel?)") from None
                raise
            renamed = True
            written.append(str(path))
        finally:
            if not renamed:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
            _PARTIALS.discard(partial)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


def write(table: Any, path: str | Path, *, like: Dataset | None = None,
          progress: Callable[[int], None] | None = None) -> None:
    """Write a pyarrow Table to ``path`` (or standard output, ``"-"``, as CSV) in the format of
    its file ending. ``like``: the dataset the table came from (its delimiter, decimal comma and
    Stata/SPSS labels are kept). The file appears whole or not at all (:func:`partial_output`)."""
    if str(path) == STDIO:
        from . import text

        text.write(table, sys.stdout.buffer, like=like, progress=progress, name="-")
        sys.stdout.buffer.flush()
        return
    p = Path(path)
    fmt = check_output(p)
    with _write_errors(p), partial_output(p) as partial:
        fmt.write(table, partial, like=like, progress=progress, name=p.name)


@contextlib.contextmanager
def streaming_output(path: str | Path, *, like: Dataset | None = None) -> Iterator[Any]:
    """A writer taking the output a table at a time (``writer.write(table)``): into a partial
    file renamed onto ``path`` when the block ends without an error (:func:`partial_output`),
    or to standard output (``"-"``, CSV). Parquet, Arrow and CSV outputs only."""
    if str(path) == STDIO:
        from . import text

        writer = text.CsvWriter(sys.stdout.buffer, like=like, name="-")
        try:
            yield writer
        finally:
            writer.close()
            sys.stdout.buffer.flush()
        return
    p = Path(path)
    fmt = check_output(p)
    if fmt.writer is None:
        raise InputError(f"{p}: {fmt.name} files are written whole; give a .parquet, .arrow or "
                         ".csv output to write one batch at a time")
    with _write_errors(p), partial_output(p) as partial:
        writer = fmt.writer(partial, like=like, name=p.name)
        try:
            yield writer
        finally:
            writer.close()


@contextlib.contextmanager
def _write_errors(p: Path) -> Iterator[None]:
    """The errors of writing ``p`` as one InputError naming it."""
    try:
        yield
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"{p}: cannot be written: {exc.strerror or exc}") from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] in ("pyarrow", "pyreadstat", "xlsxwriter"):
            raise InputError(f"{p}: cannot be written: {_first_line(exc)}") from exc
        raise


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


__all__ = ["STDIO", "Dataset", "Format", "Stopped", "check_output", "format_of", "partial_output",
           "read", "remove_stale_partials", "stop_on_signals", "streaming_output", "write"]
