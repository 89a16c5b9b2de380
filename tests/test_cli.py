"""The command line and file input/output."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore import cli, io

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "children.csv"


@pytest.fixture(params=["pyarrow", "stdlib"])
def reader(request, monkeypatch):
    if request.param == "stdlib":
        monkeypatch.setattr(io, "_has_pyarrow", lambda: False)
    return request.param


def test_classify_example_file(tmp_path, reader, capsys):
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(EXAMPLE), "-o", str(out), "--by", "village"]) == 0
    printed = capsys.readouterr().out
    assert "600 children" in printed and "village=Cibodas" in printed
    assert "oedema: zwei zwfl zbmi" in printed
    result = pd.read_csv(out, keep_default_na=False, na_values=[""])
    source = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    assert len(result) == 600 and result.child_id.tolist() == source.child_id.tolist()
    direct = zscore.classify(source)  # the same file through the library, all text
    np.testing.assert_array_equal(result.zlen.to_numpy(), direct.zlen.to_numpy(dtype=float))
    np.testing.assert_array_equal(result.zwfl.to_numpy(), direct.zwfl.to_numpy(dtype=float))
    assert result.stunting.fillna("").tolist() == direct.stunting.astype(object).fillna("").tolist()


def test_options_and_renamed_columns(tmp_path, reader):
    src = tmp_path / "in.tsv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["jk", "umur", "bb", "tb", "posisi"])
        w.writerow(["2", "13.5", "8.1", "73.2", "l"])
    out = tmp_path / "out.tsv"
    code = cli.main(["classify", str(src), "-o", str(out), "--sex", "jk", "--age", "umur",
                     "--age-unit", "months", "--weight", "bb", "--lenhei", "tb", "--measure",
                     "posisi", "--labels", "id", "--precision", "full", "--quiet"])
    assert code == 0
    row = next(csv.DictReader(open(out), delimiter="\t"))
    expected = zscore.child(sex=2, age=13.5, age_unit="months", weight=8.1, lenhei=73.2,
                            measure="l", precision="full", labels="id")
    assert float(row["zlen"]) == pytest.approx(expected.zlen, abs=1e-12)
    assert row["stunting"] == expected.stunting


def test_parquet_roundtrip(tmp_path):
    pytest.importorskip("pyarrow")
    src = tmp_path / "in.parquet"
    pd.DataFrame({"sex": [1], "age": [100], "weight": [5.0]}).to_parquet(src)
    out = tmp_path / "out.parquet"
    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    assert pd.read_parquet(out).zwei.notna().all()


def test_structural_errors_give_one_message(tmp_path, capsys, reader):
    assert cli.main(["classify", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "nosex.csv"
    bad.write_text("age,weight\n100,5\n")
    assert cli.main(["classify", str(bad)]) == 2
    assert "sex is required" in capsys.readouterr().err
    wrong = tmp_path / "x.xlsx"
    wrong.write_text("")
    assert cli.main(["classify", str(wrong)]) == 2
    assert "expected a .csv" in capsys.readouterr().err


def test_semicolon_csv(tmp_path, reader):
    src = tmp_path / "excel.csv"
    src.write_text("sex;age;weight\n1;100;5.5\n2;200;6.1\n")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    assert pd.read_csv(out).zwei.notna().all()


def test_default_output_name(tmp_path):
    src = tmp_path / "posyandu.csv"
    src.write_text("sex,age,weight\n1,100,5.5\n")
    assert cli.main(["classify", str(src), "--quiet"]) == 0
    assert (tmp_path / "posyandu_zscores.csv").exists()
