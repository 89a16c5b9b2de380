"""The command line says once, on a fresh installation, that it is compiling its kernels."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import zscore
from zscore import _kernels, cli
from zscore.cli import commands


def test_the_cache_is_found_once_the_kernels_are_compiled():
    zscore.classify(sex=[1] * 50, age=np.arange(50.0), weight=[8.0] * 50)
    if os.environ.get("NUMBA_DISABLE_JIT"):
        pytest.skip("numba disabled")
    assert _kernels.compiled_already()


def test_an_empty_cache_is_noticed_without_compiling(tmp_path):
    code = "from zscore import _kernels; print(_kernels.compiled_already())"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "empty"))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
    # the index files it looks for are numba's own for these kernels
    paths = [getattr(_kernels, name)._cache._cache_file._index_path
             for name in _kernels.FIRST_KERNELS]
    assert all(p.endswith(".nbi") and name in os.path.basename(p)
               for p, name in zip(paths, _kernels.FIRST_KERNELS, strict=True))


@pytest.mark.parametrize("compiled", [False, True])
def test_the_command_prints_one_line_when_it_compiles(tmp_path, capsys, monkeypatch, compiled):
    src = tmp_path / "kids.csv"
    src.write_text("sex,age,weight\n1,300,8.2\n2,400,9.1\n", encoding="utf-8")
    monkeypatch.setattr(_kernels, "compiled_already", lambda: compiled)
    assert cli.main(["classify", str(src), "-o", str(tmp_path / "out.csv")]) == 0
    err = capsys.readouterr().err
    assert err.count(commands.COMPILING) == (0 if compiled else 1)
    assert cli.main(["classify", str(src), "-o", str(tmp_path / "out2.csv"), "--quiet"]) == 0
    assert commands.COMPILING not in capsys.readouterr().err
