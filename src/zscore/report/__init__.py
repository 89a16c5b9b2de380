"""Summaries of results for people to read: the command line's text, and the survey report.

``zscore.report(data, ...)`` writes the survey report, one offline HTML page (this package is
callable: it is :func:`zscore.report.build.report`, whose parameters are those of
:func:`zscore.prevalence` plus ``period``, ``period_unit``, ``target``, ``lang`` and ``title``;
docs/report.md). The package keeps its modules reachable as before
(``zscore.report.ClassifyCounts``).
"""

import inspect as _inspect
import sys as _sys
import types as _types
from typing import Any as _Any

from .build import ReportAccumulator, ReportData
from .build import report as _report
from .counts import ClassifyCounts, Groups, group_codes
from .text import classify_summary, nothing_scored, prevalence_summary


class _CallableModule(_types.ModuleType):
    """This package, callable as :func:`zscore.report.build.report`."""

    def __call__(self, *args: _Any, **kwargs: _Any) -> str:
        return _report(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
__signature__ = _inspect.signature(_report)

__all__ = ["ClassifyCounts", "Groups", "ReportAccumulator", "ReportData", "classify_summary",
           "group_codes", "nothing_scored", "prevalence_summary"]
