"""zscore: WHO growth z-scores and nutrition status, exactly as WHO's software, for millions of rows.

Public API: :func:`classify` (tables or arrays) and :func:`child` (one child).
"""

from .child import ChildResult, child
from .classify import classify
from .frames import InputError

__version__ = "0.1.0"
__all__ = ["ChildResult", "InputError", "child", "classify", "__version__"]
