"""zscore: WHO growth z-scores and nutrition status, exactly as WHO computes them, fast.

Public API: :func:`classify` (tables or arrays) and :func:`child` (one child).
"""

from .child import ChildResult, child
from .classify import classify
from .errors import InputError, ZScoreWarning
from .prevalence import prevalence
from .quality import quality

__version__ = "0.1.0"
__all__ = ["ChildResult", "InputError", "ZScoreWarning", "__version__", "child", "classify",
           "prevalence", "quality"]
