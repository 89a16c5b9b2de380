"""pytest-benchmark suite: python -m pytest benchmarks --benchmark-only (not part of the tests)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
