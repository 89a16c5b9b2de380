"""The command line and file input/output."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore import cli, io

from .reference._who import REFERENCE, reference_path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "children.csv"


@pytest.fixture(params=["pyarrow"])
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
    # the same file through the library, all text; the file's quoted "12,5" is a decimal comma
    # to the command (io reads a ',' file's quoted decimal commas), plain text to classify
    direct = zscore.classify(source.replace({"weight": {"12,5": "12.5"}}))
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
    wrong = tmp_path / "x.docx"
    wrong.write_text("text")
    assert cli.main(["classify", str(wrong)]) == 2
    assert "expected one of .csv" in capsys.readouterr().err
    empty = tmp_path / "x.xlsx"
    empty.write_text("")
    assert cli.main(["classify", str(empty)]) == 2
    assert "the file is empty" in capsys.readouterr().err


def test_semicolon_csv(tmp_path, reader):
    src = tmp_path / "excel.csv"
    src.write_text("sex;age;weight\n1;100;5.5\n2;200;6.1\n")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    # the output keeps the input's dialect: ';' between fields
    assert pd.read_csv(out, sep=";").zwei.notna().all()


def test_default_output_name(tmp_path):
    src = tmp_path / "posyandu.csv"
    src.write_text("sex,age,weight\n1,100,5.5\n")
    assert cli.main(["classify", str(src), "--quiet"]) == 0
    assert (tmp_path / "posyandu_zscores.csv").exists()


def test_semicolon_csv_reads_decimal_commas(tmp_path, reader):
    src = tmp_path / "excel.csv"
    src.write_text("sex;age;weight;lenhei;note\n1;100;5,5;58,2;a,b\n2;200;abc;60,1;x\n"
                   "1;300;6,1;62;y\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    # ';' and decimal commas, as the input; its own fields exactly as read
    assert open(out).readline().startswith('"sex";"age";"weight"')
    result = pd.read_csv(out, sep=";", decimal=",", keep_default_na=False, na_values=[""])
    assert pd.read_csv(out, sep=";", dtype=str).note.tolist() == ["a,b", "x", "y"]
    expected = zscore.classify(sex=[1, 2, 1], age=[100, 200, 300], weight=[5.5, "abc", 6.1],
                               lenhei=[58.2, 60.1, 62.0])
    np.testing.assert_array_equal(result.zwfl.to_numpy(), expected["zwfl"])
    np.testing.assert_array_equal(result.zlen.to_numpy(), expected["zlen"])
    assert result.reason.fillna("").tolist() == ["", "weight_invalid: zwei zwfl zbmi", ""]
    assert result.note.tolist() == ["a,b", "x", "y"]  # text stays text


def test_every_check_happens_before_anything_is_written(tmp_path, reader, capsys):
    src = tmp_path / "in.csv"
    src.write_text("sex,age,weight\n1,100,5.5\n")
    out = tmp_path / "out.csv"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sex,age,weight,village\n1,100,5.5,S\xe9kar\n".encode("latin-1"))
    cases = [
        (["classify", str(src), "-o", str(tmp_path / "no" / "out.csv")], "does not exist"),
        (["classify", str(src), "-o", str(out), "--by", "village"], "(--by village): no such"),
        (["classify", str(src), "-o", str(out), "--by", "village", "--quiet"], "--by village"),
        (["classify", str(src), "-o", str(tmp_path / "out.docx")], "must end in one of .csv"),
        (["classify", str(src), "-o", str(tmp_path)], "must end in one of .csv"),
        (["classify", str(src), "-o", str(out), "--sheet", "1"], "--sheet is for Excel"),
    ]
    for argv, message in cases:
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "latin.csv"], argv
    assert cli.main(["classify", str(src), "-o", str(out), "--by", "sex"]) == 0
    assert "sex=1" in capsys.readouterr().out


def test_windows_1252_csv_is_read_and_named(tmp_path, capsys):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sex,age,weight,village\n1,100,5.5,S\xe9kar \x93Baru\x94\n"
                      .encode("latin-1"))
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(latin), "-o", str(out), "--no-age"]) == 0
    assert "Windows-1252" in capsys.readouterr().err
    # written back in the input's encoding, so it opens in Excel as the input did
    assert pd.read_csv(out, encoding="cp1252").village.tolist() == ["S\xe9kar \u201cBaru\u201d"]


@pytest.mark.parametrize("content, message", [
    ("sex,age,weight,age\n1,100,5.5,3\n", "column 'age' appears 2 times in the header"),
    ("sex,age,weight\n1,100,5.5\n\n2,200,6.1,9\n", "line 4 has 4 fields, the header has 3"),
    ("sex,age,weight\n1,100,5.5\n2,200\n", "line 3 has 2 fields, the header has 3"),
])
def test_malformed_csv_is_one_clear_error(tmp_path, reader, capsys, content, message):
    src = tmp_path / "in.csv"
    src.write_text(content)
    assert cli.main(["classify", str(src), "-o", str(tmp_path / "out.csv")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_flags_are_written_as_whole_numbers(tmp_path):
    """Flags, csex and c9mo_flag are 1/0/empty in CSV, not 1.0."""
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(EXAMPLE), "-o", str(out), "--quiet"]) == 0
    rows = list(csv.DictReader(open(out, newline="")))
    assert len(rows) == 600
    flags = ["csex", "c9mo_flag", "flen", "fwei", "fwfl", "fbmi"]
    assert {row[f] for row in rows for f in flags} == {"", "0", "1", "2"}


def test_integers_beyond_float_precision(tmp_path, reader):
    src = tmp_path / "in.csv"
    src.write_text(f"sex,age,weight\n1,100,5.5\n2,{2**60},6.1\n1,300,{2**64 - 1}\n")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--quiet"]) == 0
    result = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert result.reason.fillna("").tolist() == ["", "age_out_of_range: zwei", ""]
    assert result.fwei.tolist()[2] == 1  # a weight of 2**64 kg is flagged, not an error


def test_school_ages_and_the_standard_option(tmp_path, reader, capsys):
    """5-19 year olds are scored with the 2007 reference by default; --standard 2006 keeps
    anthro's answer (missing from 60 months); the summary shows thinness only when someone has
    a class in it."""
    src = tmp_path / "school.csv"
    src.write_text("sex,age,weight,lenhei,class\nf,130.5,30.1,138.2,A\nm,95,19.0,118.0,B\n"
                   "m,30,12.0,88.0,B\n")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--age-unit", "months",
                     "--by", "class"]) == 0
    printed = capsys.readouterr().out
    assert "2 with the WHO 2007 reference" in printed and "thinness" in printed
    result = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert result.standard.astype(str).tolist() == ["2007", "2007", "2006"]
    direct = zscore.classify(sex=["f", "m", "m"], age=[130.5, 95, 30], age_unit="months",
                             weight=[30.1, 19.0, 12.0], lenhei=[138.2, 118.0, 88.0])
    np.testing.assert_array_equal(result.zbmi.to_numpy(), direct["zbmi"])
    assert cli.main(["classify", str(src), "-o", str(out), "--age-unit", "months",
                     "--standard", "2006"]) == 0
    printed = capsys.readouterr().out
    assert "thinness" not in printed and "2007 reference" not in printed
    result = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert result.zlen.isna().tolist() == [True, True, False]


SURVEY = REFERENCE / "survey_cases.csv"


def test_prevalence_command_writes_what_the_library_computes(tmp_path, capsys):
    reference_path(SURVEY.name)  # fails (never skips) when the repository's copy is missing
    out = tmp_path / "prev.csv"
    args = ["prevalence", str(SURVEY), "-o", str(out), "--age", "age_days", "--weights", "sw",
            "--cluster", "cluster", "--strata", "strata", "--by", "gregion"]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    assert "stunting" in captured.out and "Geographical region: " in captured.out
    assert "zscore: note:" in captured.err and "1826 days" in captured.err
    written = pd.read_csv(out)
    with pytest.warns(UserWarning):
        direct = zscore.prevalence(pd.read_csv(SURVEY), age="age_days", weights="sw",
                                   cluster="cluster", strata="strata", by=["gregion"])
    assert len(written) == len(direct)
    np.testing.assert_allclose(written.estimate.to_numpy(), direct.estimate.to_numpy(),
                               rtol=1e-12, equal_nan=True)
    wide = tmp_path / "wide.csv"
    assert cli.main([*args[:2], "-o", str(wide), *args[4:], "--layout", "who"]) == 0
    assert pd.read_csv(wide).columns[:3].tolist() == ["Group", "HAZ_pop", "HAZ_unwpop"]


def test_quality_command(tmp_path, capsys):
    out = tmp_path / "q.csv"
    assert cli.main(["quality", str(EXAMPLE), "-o", str(out), "--by", "village"]) == 0
    printed = capsys.readouterr().out
    assert "Data quality: All" in printed and "pass:" in printed
    table = pd.read_csv(out)
    assert {"check", "group", "value", "verdict"} <= set(table.columns)
    assert "Cibodas" in set(table.group)


def test_grouping_column_must_exist(tmp_path, capsys):
    for command in ("prevalence", "quality"):
        out = tmp_path / f"{command}.csv"
        assert cli.main([command, str(EXAMPLE), "-o", str(out), "--by", "desa"]) == 2
        assert "(--by desa): no such column" in capsys.readouterr().err
        assert not out.exists()


def test_survey_commands_take_only_their_columns_and_flexible_by(tmp_path, capsys):
    out = tmp_path / "q.csv"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["prevalence", str(EXAMPLE), "--headc", "weight"])
    assert exit_.value.code == 2  # not an option of prevalence: argparse's usage error
    # --by before the file, comma-separated, or repeated
    for by in (["--by", "village,sex"], ["--by", "village", "--by", "sex"]):
        assert cli.main(["quality", *by, str(EXAMPLE), "-o", str(out), "--quiet"]) == 0
        assert set(pd.read_csv(out).group_by) == {"all", "village", "sex"}


def test_a_negative_zero_is_written_as_zero(tmp_path):
    """A z rounded up to zero from below is -0.0 (in R too); R writes it as 0, and so do we."""
    import pyarrow as pa

    out = tmp_path / "z.csv"
    table = pa.table({"id": ["a"], "zlen": [-0.0]})
    like = io.Dataset(pa.table({"id": ["a"]}), "in.csv", "csv")
    io.write(table, out, like=like)
    assert out.read_text().splitlines()[1] == '"a",0'


def test_rows_with_no_child_data_are_written_but_not_counted(tmp_path, capsys):
    src = tmp_path / "register.csv"
    src.write_text("sex,age,weight,desa\n1,100,5.5,A\n2,200,6.1,B\n,,,\n,,,Jumlah: 2\n")
    out = tmp_path / "out.csv"
    assert cli.main(["classify", str(src), "-o", str(out), "--by", "desa"]) == 0
    printed = capsys.readouterr().out
    assert "2 children; 2 rows with no child's data" in printed
    assert "sex_missing" not in printed
    assert len(pd.read_csv(out)) == 4  # every row written back


@pytest.mark.parametrize("layout", ["tidy", "who"])
def test_prevalence_refuses_a_file_where_only_oedema_counts(tmp_path, capsys, layout):
    """Sex missing for every child: no z-score, yet WHO's n counts the children with oedema in
    the weight indicators (100 % wasted of 2). That is no table: one error, nothing written."""
    rows = ["sex,age,weight,lenhei,oedema"] + [f",{300 + i},8.0,70.0,{'y' if i < 2 else 'n'}"
                                               for i in range(40)]
    src = tmp_path / "in.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "p.csv"
    code = cli.main(["prevalence", str(src), "-o", str(out), "--layout", layout])
    assert code == 2
    assert "no child could be scored" in capsys.readouterr().err
    assert not out.exists()
