"""Files classified a batch at a time (zscore.classify_file and the command line): the same
bytes as the whole file at once, whatever the batch size, and the same refusals."""

from __future__ import annotations

import gzip

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import zscore
from zscore import cli, io, stream
from zscore.classify import run


def _table(n: int, seed: int = 4) -> pa.Table:
    rng = np.random.default_rng(seed)
    birth = np.datetime64("2019-01-01") + rng.integers(0, 1500, n).astype("m8[D]")
    visit = birth + rng.integers(0, 2200, n).astype("m8[D]")
    fmt = np.vectorize(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}")
    weight = rng.uniform(2, 40, n).round(1).astype(str).astype(object)
    weight[rng.random(n) < 0.02] = "abc"
    return pa.table({
        "id": [f"{i:07d}" for i in range(n)],  # text that must stay text
        "Jenis Kelamin": rng.choice(["L", "P", "x", ""], n, p=[0.48, 0.48, 0.02, 0.02]),
        "Tanggal Lahir": fmt(birth.astype(object)),
        "Tanggal Penimbangan": fmt(visit.astype(object)),
        "Berat Badan (kg)": weight.tolist(),
        "Tinggi Badan (cm)": rng.uniform(45, 150, n).round(1).astype(str),
        "Cara Ukur": rng.choice(["Terlentang", "Berdiri", ""], n),
        "Desa": rng.choice(["Sukamaju", "Cibodas", "Mekarsari"], n),
    })


def _whole(src, out) -> bytes:
    """The output of the whole file at once (io.read, classify, io.write)."""
    ds = io.read(src)
    result = run(ds.values, {}, attach_to=ds.table, value_labels=ds.value_labels)
    io.write(result.out, out, like=ds)
    return out.read_bytes()


@pytest.mark.parametrize("kind", ["csv", "parquet", "arrow", "csv.gz", "tsv"])
@pytest.mark.parametrize("batch_rows", [1, 997, 10**6])
def test_batches_give_the_bytes_of_the_whole_file(tmp_path, kind, batch_rows):
    n = 3_000 if batch_rows > 1 else 40
    table = _table(n)
    src = tmp_path / f"in.{kind}"
    if kind == "parquet":
        pq.write_table(table, src)
    elif kind == "arrow":
        feather.write_feather(table, src)
    else:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, pacsv.WriteOptions(
            delimiter="\t" if kind == "tsv" else ","))
        data = sink.getvalue().to_pybytes()
        src.write_bytes(gzip.compress(data) if kind.endswith(".gz") else data)
    ending = {"csv.gz": "csv.gz", "tsv": "tsv"}.get(kind, kind)
    whole = _whole(src, tmp_path / f"whole.{ending}")
    done = zscore.classify_file(src, tmp_path / f"batched.{ending}", batch_rows=batch_rows)
    assert done.rows == n
    assert done.batches == -(-n // batch_rows)
    if kind == "arrow":  # the same table (the file's dictionaries grow batch by batch)
        assert feather.read_table(tmp_path / "batched.arrow").to_pylist() == \
            feather.read_table(tmp_path / "whole.arrow").to_pylist()
    elif kind == "parquet":
        assert pq.read_table(tmp_path / "batched.parquet").to_pylist() == \
            pq.read_table(tmp_path / "whole.parquet").to_pylist()
    else:
        assert (tmp_path / f"batched.{ending}").read_bytes() == whole


def test_a_windows_csv_with_decimal_commas_is_written_as_it_came(tmp_path):
    rows = "".join(f"{1 + i % 2};{100 + i};{5 + i % 7},{i % 10};{58 + i % 9},2;Séka{i}\r\n"
                   for i in range(500))
    src = tmp_path / "excel.csv"
    src.write_bytes(("sex;age;weight;lenhei;village\r\n" + rows).encode("cp1252"))
    whole = _whole(src, tmp_path / "whole.csv")
    zscore.classify_file(src, tmp_path / "batched.csv", batch_rows=64)
    assert (tmp_path / "batched.csv").read_bytes() == whole
    assert b"S\xe9ka" in whole and b";0,2" not in whole.split(b"\n")[0]


def test_a_line_deep_in_the_file_that_is_not_utf8_starts_again_in_cp1252(tmp_path):
    head = "sex,age,weight,village\n" + "1,100,5.5,Sukamaju\n" * 120_000  # beyond the sample
    src = tmp_path / "late.csv"
    src.write_bytes(head.encode() + "2,200,6.5,Sékar\n".encode("cp1252"))
    seen = []
    done = zscore.classify_file(src, tmp_path / "out.csv", batch_rows=50_000,
                                on_batch=lambda result: seen.append(result.inputs.n))
    assert done.rows == sum(seen) == 120_001  # each batch handed over once
    assert any("line 120002 is not UTF-8" in note for note in done.notes)
    assert (tmp_path / "out.csv").read_bytes() == _whole(src, tmp_path / "whole.csv")


def test_structural_problems_leave_nothing_written(tmp_path):
    src = tmp_path / "quote.csv"
    src.write_text("sex,age,weight\n" + "1,100,5.5\n" * 5000 + '2,200,"6.5\n1,300,7\n')
    out = tmp_path / "out.parquet"
    with pytest.raises(zscore.InputError, match="never closed"):
        zscore.classify_file(src, out, batch_rows=100)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("sex,age,weight\n" + "1,100,5.5\n" * 5000 + "1,2,3,4\n")
    with pytest.raises(zscore.InputError, match="line 5002 has 4 fields"):
        zscore.classify_file(ragged, out, batch_rows=100)
    good = tmp_path / "good.csv"
    good.write_text("sex,age,weight\n" + "1,100,5.5\n" * 50)
    with pytest.raises(zscore.InputError, match="gender"):
        zscore.classify_file(good, out, sex="gender")
    with pytest.raises(zscore.InputError, match="written whole"):
        zscore.classify_file(good, tmp_path / "out.xlsx")
    (tmp_path / "in.xlsx").write_bytes(b"PK")
    with pytest.raises(zscore.InputError, match="read whole"):
        zscore.classify_file(tmp_path / "in.xlsx", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.csv", "in.xlsx", "quote.csv",
                                                          "ragged.csv"]


def test_the_first_batch_decides_and_later_batches_keep_it(tmp_path):
    # the position column holds 1/2 in the first batch (not codes: left out, with a note);
    # later batches holding l/h keep that decision, so every row is read alike
    src = tmp_path / "in.csv"
    src.write_text("sex,age,weight,lenhei,position\n" + "1,300,7.5,66,1\n" * 50
                   + "1,300,7.5,66,l\n" * 50)
    with pytest.warns(zscore.ZScoreWarning, match="holds none of its codes"):
        zscore.classify_file(src, tmp_path / "out.csv", batch_rows=50)
    out = pacsv.read_csv(tmp_path / "out.csv")
    assert len(set(out.column("zlen").to_pylist())) == 1


def test_the_command_line_streams_and_prints_the_same_summary(tmp_path, capsys):
    table = _table(4_000, seed=9)
    pq.write_table(table, tmp_path / "in.parquet")
    argv = ["classify", str(tmp_path / "in.parquet"), "--by", "Desa"]
    assert cli.main([*argv, "-o", str(tmp_path / "a.csv"), "--batch-rows", "333"]) == 0
    streamed = capsys.readouterr().out
    assert cli.main([*argv, "-o", str(tmp_path / "b.xlsx")]) == 0  # read and written whole
    whole = capsys.readouterr().out
    assert streamed.splitlines()[:-1] == whole.splitlines()[:-1]  # all but the timing line
    assert "Desa=Cibodas" in streamed


def test_the_command_line_refuses_a_file_in_which_no_child_can_be_scored(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("sex,age,weight\n" + "x,100,5.5\n" * 3000)
    assert cli.main(["classify", str(src), "-o", str(tmp_path / "o.csv"),
                     "--batch-rows", "1000"]) == 2
    assert "no child could be scored" in capsys.readouterr().err
    header = tmp_path / "header.parquet"
    pq.write_table(pa.table({"sex": pa.array([], pa.int64()),
                             "weight": pa.array([], pa.float64())}), header)
    assert cli.main(["classify", str(header), "-o", str(tmp_path / "o.csv")]) == 2
    assert "no rows" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["header.parquet", "in.csv"]


def test_streamable():
    assert stream.streamable("a.parquet", "b.csv") and stream.streamable("a.csv.gz", "-")
    assert not stream.streamable("a.xlsx", "b.csv") and not stream.streamable("a.csv", "b.dta")
    assert not stream.streamable("-", "b.csv")


def test_a_folder_of_parquet_files_is_one_input_in_path_order(tmp_path, capsys):
    table = _table(3_000, seed=2).append_column("prov", pa.array(["JB", "JT", "JI"] * 1000))
    pq.write_to_dataset(table, tmp_path / "ds", partition_cols=["prov"])
    (tmp_path / "ds" / "_SUCCESS").write_text("")  # a marker Spark leaves: not data
    assert cli.main(["classify", str(tmp_path / "ds"), "--by", "prov"]) == 0
    assert "prov=JT" in capsys.readouterr().out
    out = pq.read_table(tmp_path / "ds_zscores.parquet")
    assert out.num_rows == 3_000
    ref = zscore.classify(table)
    order = {p: sorted(i for i, v in enumerate(table.column("prov").to_pylist()) if v == p)
             for p in ("JB", "JI", "JT")}  # the folders' order, rows in order within each
    rows = [i for p in sorted(order) for i in order[p]]
    assert out.column("id").to_pylist() == [table.column("id")[i].as_py() for i in rows]
    assert out.column("zlen").to_pylist() == [ref.column("zlen")[i].as_py() for i in rows]
    assert cli.main(["prevalence", str(tmp_path / "ds"), "--by", "prov", "--batch-rows", "700",
                     "-o", str(tmp_path / "prev.csv")]) == 0
    got = pacsv.read_csv(tmp_path / "prev.csv").to_pandas()
    with pytest.warns(zscore.ZScoreWarning):  # the rows in the folder's order (WHO lists
        want = zscore.prevalence(table.take(rows), by="prov")  # groups as they first appear)
    np.testing.assert_allclose(got.estimate.to_numpy(float), want.estimate.to_numpy(float),
                               rtol=1e-10)
    np.testing.assert_allclose(got.se.to_numpy(float), want.se.to_numpy(float), rtol=1e-9)
    (tmp_path / "empty").mkdir()
    with pytest.raises(zscore.InputError, match="no Parquet files"):
        zscore.classify_file(tmp_path / "empty", tmp_path / "o.parquet")


def test_a_polars_lazyframe_is_classified_lazily_with_the_first_rows_decisions():
    pl = pytest.importorskip("polars")
    table = _table(5_000, seed=11)
    frame = pl.from_arrow(table)
    lazy = frame.lazy().filter(pl.col("Desa") != "Cibodas")
    out = zscore.classify(lazy, labels="id")
    assert isinstance(out, pl.LazyFrame)  # nothing computed yet
    want = zscore.classify(frame.filter(pl.col("Desa") != "Cibodas"), labels="id")
    for engine in ("streaming", "in-memory"):
        got = out.collect(engine=engine)
        assert got.columns == want.columns
        for name in ("id", "zlen", "zwei", "stunting", "reason"):
            assert got[name].to_list() == want[name].to_list(), (engine, name)
    assert out.select("zlen").head(5).collect()["zlen"].to_list() == \
        want["zlen"].head(5).to_list()
    with pytest.raises(zscore.InputError, match="name a column"):
        zscore.classify(lazy, sex=np.ones(3))


@pytest.mark.parametrize("command", ["prevalence", "quality"])
def test_prevalence_and_quality_read_big_files_in_batches(tmp_path, capsys, command):
    rng = np.random.default_rng(6)
    n = 20_000
    table = pa.table({"sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1826, n).round(),
                      "weight": rng.uniform(2, 25, n).round(1),
                      "lenhei": rng.uniform(45, 120, n).round(1),
                      "sw": rng.uniform(0.5, 2, n), "psu": rng.integers(0, 40, n),
                      "region": rng.choice(["Aceh", "Bali"], n)})
    pq.write_table(table, tmp_path / "s.parquet")
    design = ["--weights", "sw", "--by", "region"] + (
        ["--cluster", "psu"] if command == "prevalence" else [])
    argv = [command, str(tmp_path / "s.parquet"), *design]
    assert cli.main([*argv, "--batch-rows", "3000", "-o", str(tmp_path / "a.csv")]) == 0
    batched = capsys.readouterr().out
    whole = pa.Table.from_pandas(table.to_pandas()).to_pandas()
    whole.to_csv(tmp_path / "s.csv", index=False)  # a CSV is read in batches too
    assert cli.main([command, str(tmp_path / "s.csv"), *design, "--batch-rows", "4096",
                     "-o", str(tmp_path / "b.csv")]) == 0
    capsys.readouterr()
    a = pacsv.read_csv(tmp_path / "a.csv").to_pandas()
    b = pacsv.read_csv(tmp_path / "b.csv").to_pandas()
    numbers = [c for c in a.columns if pd_numeric(a[c])]
    for c in numbers:
        np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-9,
                                   err_msg=c)
    assert "region" in batched or "Aceh" in batched


def pd_numeric(column) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(column)
