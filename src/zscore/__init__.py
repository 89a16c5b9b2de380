"""zscore: WHO growth z-scores and nutrition status, exactly as WHO computes them, fast.

Public API: :func:`classify` (tables or arrays), :func:`child` (one child),
:func:`classify_file` (files of any size), :func:`prevalence` and :func:`quality`,
:func:`report` (the survey report, one offline HTML page).
"""

from . import (
           report,  # callable: zscore.report(data, ...) writes the survey report
           stream,  # noqa: F401 (zscore.stream.tabulate)
)
from .child import ChildResult, child
from .classify import classify
from .errors import InputError, ZScoreWarning
from .histogram import HistogramAccumulator
from .prevalence import PrevalenceAccumulator, prevalence
from .quality import QualityAccumulator, quality
from .stream import classify_file

__version__ = "0.1.0"
__all__ = ["ChildResult", "HistogramAccumulator", "InputError", "PrevalenceAccumulator",
           "QualityAccumulator", "ZScoreWarning", "__version__", "child", "classify",
           "classify_file", "prevalence", "quality", "report"]
