"""zscore: WHO growth z-scores and nutrition status, exactly as WHO computes them, fast.

Public API: :func:`classify` (tables or arrays), :func:`child` (one child),
:func:`classify_file` (files of any size), :func:`prevalence` and :func:`quality`,
:func:`report` (the survey report, one offline HTML page); for Indonesian programme data
:func:`audit`, :func:`followup`, :func:`read_register` and :func:`rollup`.
"""

# report is callable: zscore.report(data, ...) writes the survey report; zscore.stream.tabulate
from . import report, stream  # noqa: F401
from .child import ChildResult, child
from .classify import classify
from .errors import InputError, ZScoreWarning
from .histogram import HistogramAccumulator
from .prevalence import PrevalenceAccumulator, prevalence
from .programme import audit, followup, read_register, rollup
from .quality import QualityAccumulator, quality
from .stream import classify_file

__version__ = "0.1.0"
__all__ = ["ChildResult", "HistogramAccumulator", "InputError", "PrevalenceAccumulator",
           "QualityAccumulator", "ZScoreWarning", "__version__", "audit", "child", "classify",
           "classify_file", "followup", "prevalence", "quality", "read_register", "report",
           "rollup"]
