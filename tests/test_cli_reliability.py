"""The command line as a user runs it, in its own process (``python -m zscore``): what it
promises about its output file, the text it passes through, structural problems, pipes and
warnings (docs/reliability.md lists each promise and the test that holds it).

1. Outputs are safe: two runs writing one output at once leave exactly one run's whole output;
   SIGKILL mid-write leaves the previous version (and a hidden partial that the next run writing
   that output removes, touching no other file); SIGTERM, SIGHUP and Ctrl-C mid-write leave no
   partial.
2. Text stays text: a fresh process writes the input's own columns back as read, from files
   whose top is awkward (blank lines, title rows and header names over two lines, a field over
   128 KiB, no final newline).
3. Structural problems: exit 2, one ``zscore: error:`` line naming the file, no traceback,
   nothing written.
4. ``zscore ... | head -1`` ends quietly; numpy's RuntimeWarnings never reach the user.

The in-process cases of the same kinds are in test_io_fuzz.py and test_io_formats.py.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from zscore import cli
from zscore import io as zio
from zscore.io.stats import valid_names

from .io_helpers import as_excel_cell, csv_bytes, folder_names, read_csv_text, read_output, run

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "children.csv"
TIMEOUT = 120
#: Rows of the inputs the output-safety tests write (their CSV output is about 27 MB, so the
#: write takes long enough to be caught in the middle).
ROWS = 200_000
pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals, locks and links")


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "zscore", *map(str, args)]


def _default_signals() -> None:  # pragma: no cover - runs in the child
    """The child starts with the signals at their default action, even when the test run
    itself ignores some (a background job ignores SIGINT)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start(*args: object, cwd: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(command(*args), cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=_default_signals, **kw)


def zscore(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=cwd, capture_output=True, timeout=TIMEOUT,
                          preexec_fn=_default_signals)


def zscore_all(runs: dict[str, tuple[tuple[object, ...], Path]]) -> dict[str, tuple[int, str]]:
    """Several runs started at once (the tests' time is mostly each process's start-up): for
    each key, (exit status, standard error)."""
    procs = {key: start(*args, cwd=cwd) for key, (args, cwd) in runs.items()}
    done = {}
    for key, proc in procs.items():
        _, err = proc.communicate(timeout=TIMEOUT)
        done[key] = (proc.returncode, err.decode())
    return done


def one_error(done: subprocess.CompletedProcess | tuple[int, str], *needles: str) -> str:
    """Exit 2, standard error exactly one ``zscore: error:`` line holding each needle."""
    code, err = (done.returncode, done.stderr.decode()) if not isinstance(done, tuple) else done
    assert code == 2, err
    assert "Traceback" not in err and "Exception" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("zscore: error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _register(path: Path, tag: str, rows: int = ROWS) -> None:
    """A register whose every row names it (ids ``TAG000001``...), so an output can be traced
    to the run that wrote it."""
    rng = random.Random(tag)
    lines = ["id,sex,age,weight,lenhei,source\n"]
    lines += [f"{tag}{i:06d},{rng.choice('12')},{rng.randint(0, 1800)},"
              f"{rng.uniform(3, 20):.1f},{rng.uniform(50, 110):.1f},{tag}\n" for i in range(rows)]
    path.write_text("".join(lines))


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("registers")
    out = {}
    for tag in ("a", "b"):
        out[tag] = folder / f"register_{tag}.csv"
        _register(out[tag], tag)
    return out


def _wait(procs: list[subprocess.Popen]) -> None:
    """Wait for every process, failing on a hang."""
    deadline = time.monotonic() + TIMEOUT
    for proc in procs:
        try:
            proc.wait(max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            pytest.fail("a run did not finish")


def _partial_with_bytes(proc: subprocess.Popen, output: Path) -> Path | None:
    found = list(output.parent.glob(f".{output.name}.{proc.pid}.*.partial"))
    try:
        return found[0] if found and found[0].stat().st_size > 0 else None
    except FileNotFoundError:  # renamed just now
        return None


def signal_mid_write(runs: dict[Path, tuple[Path, int]], old: bytes) -> dict[Path, tuple]:
    """Start a run for each output (holding ``old``), all at once; send each its signal while it
    writes (its partial file exists and holds bytes). A run that ends before it is caught (a
    busy machine) is started again, at most three times. For each output: (process, partial)."""
    procs, caught = {}, {}
    tries = dict.fromkeys(runs, 0)

    def begin(out: Path) -> None:
        out.write_bytes(old)
        tries[out] += 1
        procs[out] = start("classify", runs[out][0], "-o", out, "--quiet", cwd=out.parent)

    for out in runs:
        begin(out)
    deadline = time.monotonic() + TIMEOUT
    while len(caught) < len(runs):
        for out, proc in procs.items():
            if out in caught:
                continue
            partial = _partial_with_bytes(proc, out)
            if partial is not None:
                proc.send_signal(runs[out][1])
                caught[out] = (proc, partial)
            elif proc.poll() is not None:
                assert tries[out] < 3, f"never caught writing: {proc.stderr.read()!r}"
                begin(out)
        if time.monotonic() > deadline:
            for proc in procs.values():
                proc.kill()
            pytest.fail("a run never started writing")
        time.sleep(0.001)
    return caught


# --- 1. outputs are safe --------------------------------------------------------------------------
def test_two_runs_writing_one_output_leave_one_whole(tmp_path, registers, capsys):
    """Two runs on different inputs write one output at once: it is exactly one run's whole
    output (byte for byte the file that input gives alone), never rows of both."""
    alone = {}
    for tag, src in registers.items():
        assert cli.main(["classify", str(src), "-o", str(tmp_path / "alone.csv"), "--quiet"]) == 0
        alone[tag] = (tmp_path / "alone.csv").read_bytes()
    (tmp_path / "alone.csv").unlink()
    shared = tmp_path / "shared.csv"
    procs = [start("classify", registers[tag], "-o", shared, "--quiet", cwd=tmp_path)
             for tag in registers]
    _wait(procs)
    for p in procs:
        assert p.returncode == 0, p.stderr.read()
    data = shared.read_bytes()
    assert [tag for tag in registers if alone[tag] == data] in (["a"], ["b"]), \
        "the output is not one run's whole output"
    assert data.count(b"\n") == ROWS + 1
    assert folder_names(tmp_path) == ["shared.csv"]


def test_sigkill_mid_write_keeps_the_old_output_and_the_next_run_cleans_up(tmp_path, registers):
    """kill -9 while writing: the old output is untouched and the partial (named with the
    writer's pid) stays; the next run writing that output removes it, and only it: files of
    the user's with names like it are left alone."""
    out = tmp_path / "out.csv"
    dead = 99_999_999  # above any pid_max: no such process
    users = [".out.csv.abc.partial", f".out.csv.{dead}.0123abcd.partial.keep",
             f".out.csv.{dead}.0123ABCD.partial", ".out.csv.1.0123abcd.partial",
             f".other.csv.{dead}.0123abcd.partial", "out.csv.partial"]
    for name in users:
        (tmp_path / name).write_bytes(b"mine")
    proc, partial = signal_mid_write({out: (registers["a"], signal.SIGKILL)},
                                     b"the previous version\n")[out]
    proc.wait(TIMEOUT)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"the previous version\n"
    assert list(tmp_path.glob(f".out.csv.{proc.pid}.*.partial")) == [partial]

    src = tmp_path / "small.csv"
    src.write_bytes(b"id,sex,age,weight\n007,1,100,5.5\n")
    done = zscore("classify", src, "-o", out, "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not partial.exists()
    assert folder_names(tmp_path) == sorted(["out.csv", "small.csv", *users])
    assert all((tmp_path / name).read_bytes() == b"mine" for name in users)
    assert read_output(out, "csv")["id"] == ["007"]


SIGNALS = {  # signal: (exit status, the one line on standard error)
    signal.SIGTERM: (143, "zscore: stopped by SIGTERM; nothing was written"),
    signal.SIGHUP: (129, "zscore: stopped by SIGHUP; nothing was written"),
    signal.SIGINT: (130, "zscore: interrupted; nothing was written"),
}


def test_a_caught_signal_mid_write_leaves_no_partial(tmp_path, registers):
    """SIGTERM, SIGHUP and Ctrl-C while writing (three runs at once, each in its own folder):
    the old output stays as it was, no partial is left, one line says what happened."""
    runs = {}
    for sig in SIGNALS:
        (tmp_path / sig.name).mkdir()
        runs[tmp_path / sig.name / "out.csv"] = (registers["b"], sig)
    caught = signal_mid_write(runs, b"the previous version\n")
    for out, (proc, _) in caught.items():
        sig = runs[out][1]
        _, err = proc.communicate(timeout=TIMEOUT)
        code, says = SIGNALS[sig]
        assert (proc.returncode, err.decode().splitlines()) == (code, [says]), sig.name
        assert folder_names(out.parent) == ["out.csv"], sig.name
        assert out.read_bytes() == b"the previous version\n", sig.name


def test_stale_partials_are_only_those_of_exactly_the_pattern(tmp_path):
    """In process: which hidden files a run writing out.csv removes (a dead writer's regular
    file named .out.csv.PID.8HEX.partial) and which it never touches."""
    import fcntl

    dead = 99_999_999
    stale = tmp_path / f".out.csv.{dead}.0123abcd.partial"
    kept = {
        "alive": f".out.csv.{os.getpid()}.0123abcd.partial",  # a running writer (this one)
        "locked": f".out.csv.{dead + 1}.0123abcd.partial",   # locked: written elsewhere
        "link": f".out.csv.{dead + 2}.0123abcd.partial",     # a symbolic link
        "longer": f".out.csv.{dead}.0123abcd9.partial",
        "other": f".out.csv.x.{dead}.0123abcd.partial",
    }
    for path in (stale, *(tmp_path / n for k, n in kept.items() if k != "link")):
        path.write_bytes(b"x")
    (tmp_path / kept["link"]).symlink_to(tmp_path / kept["alive"])
    fd = os.open(tmp_path / kept["locked"], os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert zio.remove_stale_partials(tmp_path / "out.csv") == [stale.name]
    finally:
        os.close(fd)
    assert folder_names(tmp_path) == sorted(kept.values())


def test_an_output_through_a_link_keeps_the_link_and_the_permissions(tmp_path, capsys):
    real = tmp_path / "data"
    real.mkdir()
    target = real / "zscores.csv"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "zscores.csv"
    link.symlink_to(target)
    src = tmp_path / "in.csv"
    src.write_bytes(b"sex,age,weight\n1,100,5.5\n")
    code, _, err = run(["classify", src, "-o", link, "--quiet"], capsys)
    assert code == 0, err
    assert link.is_symlink() and read_output(target, "csv")["sex"] == ["1"]
    assert target.stat().st_mode & 0o777 == 0o640
    assert folder_names(real) == ["zscores.csv"]


def test_an_output_that_would_replace_its_input_is_refused(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_bytes(b"sex,age,weight\n1,100,5.5\n")
    (tmp_path / "link.csv").symlink_to(src)
    for output in (src, tmp_path / "link.csv"):
        code, _, err = run(["classify", src, "-o", output], capsys)
        assert code == 2 and "would replace the input" in err, err
    assert src.read_bytes() == b"sex,age,weight\n1,100,5.5\n"
    assert folder_names(tmp_path) == ["in.csv", "link.csv"]


# --- 2. text stays text ---------------------------------------------------------------------------
BIG = "x" * (130 * 1024)  # over the csv module's default field limit of 128 KiB
TEXT_HEADER = ["id", "sex", "age", "weight", "lenhei", "flag", "one", "nik", "note",
               "catatan\npanjang"]


def _text_rows(big: str) -> list[list[str]]:
    return [
        ["007", "1", "400", "9.1", "74.0", "TRUE", "1", "12345678901234567890", " padded ", big],
        ["+628123", "1", "1000", "11.0", "86.2", "TRUE", "1", "00000000000000000001", "NA", ""],
        ["010", "1", "30", "4.2", "53.5", "TRUE", "1", "3201234567890001", "105.0", "S\u00e9kar"],
        ["011", "1", "61", "5.0", "57.2", "TRUE", "1", "", "two\nlines", "\u5b89\u5168 "],
    ]


def _awkward_csv(rows: list[list[str]]) -> bytes:
    """Two blank lines, a title over two lines, a header name over two lines, a long field near
    the top, and no final newline."""
    body = csv_bytes([["LAPORAN: \"Posyandu\"\nBULAN: JANUARI"], TEXT_HEADER, *rows],
                     lineterminator="\n")
    return b"\n\r\n" + body.rstrip(b"\n")


def test_text_stays_text_from_an_awkward_csv(tmp_path):
    """A fresh process: columns zscore does not compute come back as read, in CSV, Parquet,
    Stata and Excel (a column of only TRUE or only 1 is text, not a boolean or a number column,
    where the format holds text; in Excel a plain number such as 1 is a number cell), and the
    sex column's 1 is scored."""
    outputs = ["out.csv", "out.parquet", "out.dta", "out.xlsx"]
    rows = {kind: _text_rows(BIG if kind != "xlsx" else "x" * 30_000)  # Excel: 32,767 a cell
            for kind in ("csv", "xlsx")}
    for kind, kind_rows in rows.items():
        (tmp_path / f"register_{kind}.csv").write_bytes(_awkward_csv(kind_rows))
    source = {o: "xlsx" if o.endswith("xlsx") else "csv" for o in outputs}
    done = zscore_all({o: (("classify", f"register_{source[o]}.csv", "-o", o), tmp_path)
                       for o in outputs})
    for output in outputs:
        code, err = done[output]
        assert code == 0, (output, err)
        assert "the column names are on line 5; the lines above are skipped" in err
        kind = output.rsplit(".", 1)[1]
        result = read_output(tmp_path / output, kind)
        names = valid_names(TEXT_HEADER, "stata") if kind == "dta" else dict(
            zip(TEXT_HEADER, TEXT_HEADER, strict=True))
        want_rows = rows[source[output]]
        assert len(result["id"]) == len(want_rows), output
        for j, name in enumerate(TEXT_HEADER):
            want = [row[j] for row in want_rows]
            if kind == "xlsx":
                want = [as_excel_cell(v) for v in want]
            assert result[names[name]] == want, (output, name)
        assert all(float(v) == 1 for v in result["csex"]), output
        assert all(float(v) == float(v) for v in result["zwei"]), output  # all scored, no NaN


# --- 3. structural problems -----------------------------------------------------------------------
def _valid(kind: str, folder: Path) -> bytes:
    """A valid file of 2,000 children in the format ``kind``, as bytes."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pyreadstat

    rng = random.Random(kind)
    frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(2000)],
                          "sex": [float(rng.choice((1, 2))) for _ in range(2000)],
                          "age": [float(rng.randint(0, 1800)) for _ in range(2000)],
                          "weight": [round(rng.uniform(3, 20), 1) for _ in range(2000)]})
    path = folder / f"valid.{kind}"
    if kind == "csv.gz":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        return gzip.compress(buffer.getvalue().encode())
    if kind == "parquet":
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    elif kind == "xlsx":
        frame.to_excel(path, index=False, engine="xlsxwriter")
    elif kind == "dta":
        pyreadstat.write_dta(frame, str(path))
    elif kind == "sav":
        pyreadstat.write_sav(frame, str(path))
    data = path.read_bytes()
    path.unlink()
    return data


def _structural(case: str, folder: Path) -> tuple[str, bytes, str]:
    """(file name, bytes, what the error line must say)."""
    five = [b"%d,1,%d,7.5,65\n" % (i, 100 + i) for i in range(5)]
    head = b"id,sex,age,weight,lenhei\n"
    if case == "unclosed-quote":  # the old bug: 2 rows of 5 written, exit 0
        return "quote.csv", head + five[0] + five[1] + b'2,1,102,7.5,"65\n' + b"".join(five[3:]),\
            "line 4: a quote"
    if case == "unclosed-quote-in-header":
        return "quote.csv", b'id,sex,"age,weight,lenhei\n' + b"".join(five), "line 1: a quote"
    if case == "repeated-column":
        return "twice.csv", b"id,sex,age,weight,age\n1,1,100,5.5,3\n", "'age' appears 2 times"
    if case == "repeated-column-parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_arrays([pa.array([1]), pa.array([100.0]), pa.array([5.5]),
                                      pa.array([6.0])], names=["sex", "age", "weight", "weight"])
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        return "twice.parquet", sink.getvalue().to_pybytes(), "'weight' appears 2 times"
    kind = case.removeprefix("truncated-")
    data = _valid(kind, folder)
    return f"cut.{kind}", data[: len(data) // 2], "cannot be read"


STRUCTURAL = ["unclosed-quote", "unclosed-quote-in-header", "repeated-column",
              "repeated-column-parquet", "truncated-csv.gz", "truncated-parquet",
              "truncated-xlsx", "truncated-dta", "truncated-sav"]


def test_a_structural_problem_is_one_line_and_nothing_written(tmp_path):
    """Each case in its own folder, all at once: exit 2, one line naming the file and what is
    wrong (never Arrow's dump of a schema), no traceback, nothing written."""
    runs, says = {}, {}
    for case in STRUCTURAL:
        folder = tmp_path / case
        folder.mkdir()
        name, data, says[case] = _structural(case, folder)
        (folder / name).write_bytes(data)
        runs[case] = (("classify", name, "-o", "out.csv"), folder)
    done = zscore_all(runs)
    for case in STRUCTURAL:
        name = runs[case][0][1]
        line = one_error(done[case], f"zscore: error: {name}: ", says[case])
        assert "schema" not in line and "int64" not in line, case
        assert folder_names(tmp_path / case) == [name], case


# --- 4. pipes and warnings ------------------------------------------------------------------------
HEADS = {  # the summary goes to standard error when the output is standard output
    "classify -o -": ("classify", "register.csv", "-o", "-"),  # 2.7 MB: more than a pipe holds
    "prevalence -o -": ("prevalence", EXAMPLE, "-o", "-", "--by", "village"),
    "quality": ("quality", EXAMPLE, "-o", "quality.csv", "--by", "village"),
}


def test_head_of_the_output_ends_quietly(tmp_path):
    """``zscore ... | head -1``: the reader takes a line and goes; no BrokenPipeError, exit 0,
    nothing on standard error but zscore's own lines."""
    _register(tmp_path / "register.csv", "h", rows=20_000)
    procs = {key: start(*args, cwd=tmp_path) for key, args in HEADS.items()}
    for key, proc in procs.items():
        assert proc.stdout.readline(), key
        proc.stdout.close()
    errs = {}
    for key, proc in procs.items():
        err = errs[key] = proc.stderr.read().decode()
        proc.wait(TIMEOUT)
        assert proc.returncode == 0, (key, err)
        assert "Traceback" not in err and "Broken" not in err and "Exception" not in err, key
        if "-o -" not in key:
            assert all(line.startswith("zscore: note: ") for line in err.splitlines()), key
    assert "wrote" not in errs["classify -o -"]  # the pipe broke: it stopped, quietly


def test_an_error_on_a_closed_standard_error_is_still_exit_2(tmp_path):
    """``zscore classify missing.csv 2>&1 | true``: the one line cannot be read; the status
    still says what happened."""
    proc = subprocess.Popen(command("classify", "missing.csv"), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    proc.stdout.close()
    assert proc.wait(TIMEOUT) == 2


OVERFLOW = (b"sex,age,weight,lenhei,sw,cluster\n"
            b"1,100,1e308,60,1e300,1\n2,200,1e400,1e308,1e300,2\n1,300,6,62,1e300,1\n"
            b"2,300,6,1e-320,1e308,2\n1,400,7,65,1e300,3\n2,500,7.5,66,1e300,3\n")


OVERFLOWING = {
    "classify": ("classify", "huge.csv", "-o", "out.dta"),
    "prevalence": ("prevalence", "huge.csv", "-o", "prevalence.csv", "--weights", "sw",
                   "--cluster", "cluster"),
    "quality": ("quality", "huge.csv", "-o", "quality.csv", "--weights", "sw", "--by",
                "cluster"),
}


def test_overflowing_values_give_no_numpy_warning(tmp_path):
    """Weights of 1e308 and 1e400, a length of 1e308, survey weights of 1e300: every line on
    standard error is one of zscore's notes; numpy's 'overflow encountered in multiply' never
    shows."""
    (tmp_path / "huge.csv").write_bytes(OVERFLOW)
    done = zscore_all({key: (args, tmp_path) for key, args in OVERFLOWING.items()})
    for key, (code, err) in done.items():
        assert code == 0, (key, err)
        assert "encountered" not in err and "Warning" not in err, (key, err)
        assert all(line.startswith("zscore: note: ") for line in err.splitlines()), (key, err)
    # Stata has no number above 8.99e+307: such a value is written as missing, with a note
    assert "Stata stores no number beyond" in done["classify"][1]
    assert read_output(tmp_path / "out.dta", "dta")["clenhei"][1] is None


@pytest.mark.parametrize("output", ["out.csv", "out.xlsx"])  # read in batches, read whole
def test_only_zscore_s_own_warnings_are_shown(tmp_path, capsys, monkeypatch, output):
    """Whatever raises them: numpy's arithmetic, deprecations and other libraries' wording are
    not shown; a ZScoreWarning is one note."""
    from zscore.cli import commands
    from zscore.errors import ZScoreWarning

    def noise():
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        warnings.warn("this option is deprecated", DeprecationWarning, stacklevel=1)
        warnings.warn("Parsing dates in %d/%m/%Y format when dayfirst=False", UserWarning,
                      stacklevel=1)
        warnings.warn("3 rows left out", ZScoreWarning, stacklevel=1)

    classify, streamed = commands.COMMANDS["classify"], commands.classify_streamed

    def noisy(*args):
        noise()
        return classify(*args)

    def noisy_streamed(*args):
        noise()
        return streamed(*args)

    monkeypatch.setitem(commands.COMMANDS, "classify", noisy)
    monkeypatch.setattr(commands, "classify_streamed", noisy_streamed)
    src = tmp_path / "in.csv"
    src.write_bytes(b"sex,age,weight\n1,100,5.5\n")
    code, _, err = run(["classify", src, "-o", tmp_path / output], capsys)
    assert code == 0, err
    assert err.splitlines() == ["zscore: note: 3 rows left out"]


def test_the_one_csv_reader(tmp_path):
    """pyarrow reads every row; the csv module only looks at the first lines (delimiter and
    header) and, when pyarrow refused a file, finds the line to name. No other CSV reader is in
    the package."""
    import zscore

    root = Path(zscore.__file__).parent
    users = {}
    for path in root.rglob("*.py"):
        text = path.read_text()
        for needle in ("csv.reader", "read_csv", "DictReader", "csv.Sniffer", "pd.read_"):
            if needle in text:
                users.setdefault(str(path.relative_to(root)), set()).add(needle)
    assert set(users) <= {"io/text.py"}, users
    assert users.get("io/text.py", set()) <= {"csv.reader", "read_csv"}


def test_the_header_is_skipped_by_lines_not_records(tmp_path, capsys):
    """A title over two lines and a header name over two lines are one record each: the data
    start after their last line (pyarrow counts lines, the header search counts records)."""
    src = tmp_path / "in.csv"
    src.write_bytes(b'"KABUPATEN\nBANDUNG"\nid,sex,age,"berat\nbadan",weight\n'
                    b"1,1,100,a,5.5\n2,2,200,b,6.1\n")
    code, _, err = run(["classify", src, "-o", tmp_path / "out.csv", "--quiet"], capsys)
    assert code == 0, err
    header, body = read_csv_text((tmp_path / "out.csv").read_bytes(), ",")
    assert header[:5] == ["id", "sex", "age", "berat\nbadan", "weight"]
    assert [r[:5] for r in body] == [["1", "1", "100", "a", "5.5"], ["2", "2", "200", "b", "6.1"]]
