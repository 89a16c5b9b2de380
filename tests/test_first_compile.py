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


def test_every_kind_of_input_uses_one_compiled_version_of_each_kernel():
    # numba compiles a kernel again for each new combination of argument types, and a
    # read-only array (pandas, polars, pyarrow, np.frombuffer) is another type than a writable
    # one: without read_only a DataFrame after a numpy call compiled every kernel a second time
    code = """
import numpy as np, pandas as pd, pyarrow as pa, zscore
from zscore import _kernels
n = 40
kw = dict(sex=np.tile([1, 2], n // 2), age=np.linspace(10, 7000, n),
          weight=np.linspace(3, 40, n), lenhei=np.linspace(50, 150, n),
          measure=np.array(["l", "h"] * (n // 2)))
zscore.classify(**kw)
frozen = {k: v.copy() for k, v in kw.items()}
for v in frozen.values():
    v.flags.writeable = False
zscore.classify(**frozen)
zscore.classify(pd.DataFrame(kw))
zscore.classify(pa.table(pd.DataFrame(kw)))
zscore.child(sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
zscore.child(sex="m", age=9, weight=7200, units={"weight": "g"}, age_unit="months")
for name in ("gather_2006", "gather_2007", "finish", "categories_who"):
    print(name, len(getattr(_kernels, name).signatures))
"""
    if os.environ.get("NUMBA_DISABLE_JIT"):
        pytest.skip("numba disabled")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    counts = dict(line.split() for line in done.stdout.splitlines())
    assert counts == {"gather_2006": "1", "gather_2007": "1", "finish": "1",
                      "categories_who": "1"}, done.stdout


def test_read_only_leaves_the_caller_s_array_writable():
    a = np.arange(3.0)
    view = _kernels.read_only(a)
    assert a.flags.writeable and not view.flags.writeable
    a[0] = 7.0
    assert view[0] == 7.0 and _kernels.read_only(view) is view
