"""When zscore's parallel numba kernels may run, and how (the user's view: docs/threads.md).

numba runs ``parallel=True`` code on one of three threading layers, picked when the first
parallel kernel runs (``NUMBA_THREADING_LAYER``, default: the first of tbb, omp, workqueue that
loads):

* ``tbb``: safe with threads and with fork;
* ``omp``: safe with threads. GNU OpenMP's thread pool does not survive ``fork()``: in a child
  forked after the parent started it, numba prints "Terminating: fork() called from a process
  already using GNU OpenMP, this is unsafe." and kills the child with SIGTERM at its first
  parallel kernel (a ``multiprocessing`` fork pool then waits for ever);
* ``workqueue``: safe with fork; two threads in parallel kernels at once abort the whole process
  ("Numba workqueue threading layer is terminating: Concurrent access has been detected.").

So :func:`call` serialises zscore's parallel kernels under workqueue (and before numba has
picked a layer: the first launch picks it), and in a process forked after its parent started
GNU OpenMP runs the serial version instead, with one :class:`~zscore.errors.ZScoreWarning` per
process. Every parallel kernel of :mod:`zscore._kernels` goes through here.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

#: Held while a parallel kernel runs on a layer that is not thread-safe.
_LOCK = threading.Lock()
#: The layer numba picked in this process (None until it has picked one).
_layer: str | None = None
#: True in a process forked after its parent started GNU OpenMP: no parallel kernel here.
_forked_after_omp = False
_warned = False

#: Layers whose parallel kernels may be launched from several threads at once.
THREAD_SAFE = frozenset({"tbb", "omp"})

FORK_MESSAGE = (
    "this process was forked (multiprocessing's 'fork' start method, os.fork) after its parent "
    "had started numba's OpenMP threads, which do not work after a fork: zscore computes on one "
    "thread in this process. To keep such workers parallel, start them with the 'spawn' or "
    "'forkserver' method, or set NUMBA_THREADING_LAYER=tbb (after pip install tbb) or "
    "workqueue before starting Python (see 'Threads and processes' in zscore's documentation)"
)


def layer() -> str | None:
    """The threading layer numba uses in this process, or None before it has picked one."""
    global _layer
    if _layer is None:
        import numba

        try:
            _layer = numba.threading_layer()
        except ValueError:  # "Threading layer is not initialized."
            return None
    return _layer


def _gnu_openmp() -> bool:
    """Whether numba's omp layer is GNU OpenMP (libgomp), the one that does not survive fork.
    Intel's and LLVM's OpenMP runtimes do, as numba's own 'forksafe' setting assumes."""
    try:
        from numba.np.ufunc import omppool

        return getattr(omppool, "openmp_vendor", "GNU") == "GNU"
    except ImportError:  # pragma: no cover - the layer loaded, so its module does
        return True


def call(parallel: Callable[..., Any], serial: Callable[..., Any], *args: Any) -> Any:
    """``parallel(*args)`` where that is safe, holding the lock while the layer needs it;
    ``serial(*args)`` (the same result on one thread) in a child forked after GNU OpenMP."""
    if _forked_after_omp:
        _warn_serial()
        return serial(*args)
    if layer() in THREAD_SAFE:
        return parallel(*args)
    with _LOCK:
        return parallel(*args)


def _warn_serial() -> None:
    global _warned
    if not _warned:
        _warned = True
        from .errors import ZScoreWarning

        warnings.warn(FORK_MESSAGE, ZScoreWarning, stacklevel=_caller_level())


def _caller_level() -> int:
    """warnings.warn's stacklevel, from _warn_serial, of the first frame outside zscore."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(2), 2  # _warn_serial's caller
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _after_fork_in_child() -> None:
    """A fresh lock (a thread of the parent may have held it at the fork: it would stay held
    for ever here), and no parallel kernels if the parent had started GNU OpenMP."""
    global _LOCK, _forked_after_omp, _warned
    _LOCK = threading.Lock()
    if _forked_after_omp or (layer() == "omp" and _gnu_openmp()):
        _forked_after_omp = True
        _warned = False  # one note in each process


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
