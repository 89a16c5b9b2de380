"""Benchmarks, run only on request: python -m pytest benchmarks --benchmark-only.

The repository's pytest configuration (testpaths = tests, src/zscore) keeps this folder out of
a plain ``python -m pytest``, so CI never runs it. Without pytest-benchmark (the ``bench``
extra) every benchmark is skipped rather than failing for want of its fixture.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import _data`


def pytest_collection_modifyitems(config, items):
    if config.pluginmanager.hasplugin("benchmark"):
        return
    skip = pytest.mark.skip(reason="needs pytest-benchmark: pip install -e '.[bench]'")
    for item in items:
        item.add_marker(skip)
