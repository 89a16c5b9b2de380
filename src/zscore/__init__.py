"""zscore: WHO growth z-scores and nutrition status, exactly as WHO computes them, fast.

Public API: :func:`classify` (tables or arrays), :func:`child` (one child),
:func:`classify_file` (files of any size), :func:`prevalence` and :func:`quality`.
"""

from . import stream  # noqa: F401 (zscore.stream.tabulate)
from .child import ChildResult, child
from .classify import classify
from .errors import InputError, ZScoreWarning
from .prevalence import PrevalenceAccumulator, prevalence
from .programme import audit, followup, read_register, rollup
from .quality import QualityAccumulator, quality
from .stream import classify_file

__version__ = "0.1.0"
__all__ = ["ChildResult", "InputError", "PrevalenceAccumulator", "QualityAccumulator",
           "ZScoreWarning", "__version__", "child", "classify", "classify_file", "prevalence",
           "quality"]
__all__ += ["audit", "followup", "read_register", "rollup"]
