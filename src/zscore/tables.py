"""Load the shipped WHO tables, verify them against the SHA-256 manifest, pack them once.

The tables live in ``zscore/data/who_growth_standards/`` (built by
``data/who_growth_standards/build.py``). They are read with :mod:`importlib.resources`, so they
load the same from a wheel, an sdist install or an editable checkout.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import rules

_PACKAGE_DATA = ("zscore", "data", "who_growth_standards")


class TableIntegrityError(RuntimeError):
    """A shipped WHO table does not match its recorded SHA-256 (a damaged installation)."""


@dataclass(frozen=True)
class Table:
    """One WHO table: keys (days, months or cm) and L, M, S per sex (index 0 male, 1 female)."""

    name: str
    key: str
    keys: np.ndarray  # float64[nkeys], ascending, the same for both sexes
    lms: np.ndarray  # float64[2, nkeys, 3]


def _folder():
    node = resources.files(_PACKAGE_DATA[0])
    for part in _PACKAGE_DATA[1:]:
        node = node / part
    return node


@functools.cache
def manifest() -> dict:
    """The manifest: per table its file, SHA-256, key range and source."""
    return json.loads((_folder() / "manifest.json").read_text(encoding="utf-8"))


@functools.cache
def load(name: str) -> Table:
    """Read and verify one table by name (e.g. ``"wfl_2006"``)."""
    entry = manifest()["tables"][name]
    body = (_folder() / entry["file"]).read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    if digest != entry["sha256"]:
        raise TableIntegrityError(
            f"WHO table {entry['file']} has SHA-256 {digest}, the manifest records "
            f"{entry['sha256']}: the installation is damaged; reinstall zscore-who"
        )
    lines = body.decode("utf-8").splitlines()
    header = lines[0].split("\t")
    if header != ["sex", entry["key"], "l", "m", "s"]:
        raise TableIntegrityError(f"WHO table {entry['file']} has an unexpected header {header}")
    values = np.array([line.split("\t") for line in lines[1:]], dtype=np.float64)
    nkeys = entry["rows_per_sex"]
    male, female = values[:nkeys], values[nkeys:]
    if not (np.all(male[:, 0] == 1) and np.all(female[:, 0] == 2)
            and np.array_equal(male[:, 1], female[:, 1])):
        raise TableIntegrityError(f"WHO table {entry['file']} is not sorted by sex and key")
    return Table(name, entry["key"], male[:, 1].copy(), np.stack([male[:, 2:], female[:, 2:]]))


@dataclass(frozen=True)
class Packed2006:
    """The 2006 standards packed for the kernel."""

    day_tables: np.ndarray  # float64[7, 2, 1827, 3]: rules.DAY_TABLES x sex x day x (L, M, S)
    #: float64[2, 2, 651, 3]: [0] weight-for-length 45.0 .. 110.0 cm, [1] weight-for-height
    #: 65.0 .. 120.0 cm (rows 551.. NaN), by sex and 0.1 cm row
    lenhei_tables: np.ndarray


@functools.cache
def packed_2006() -> Packed2006:
    """Every 0-5 year table as contiguous arrays; days without a standard (arm circumference
    and skinfolds before day 91) hold NaN."""
    ndays = 1827
    day_tables = np.full((len(rules.DAY_TABLES), 2, ndays, 3), np.nan)
    for t, name in enumerate(rules.DAY_TABLES):
        table = load(name)
        day_tables[t, :, table.keys.astype(np.int64), :] = table.lms.transpose(1, 0, 2)
    wfl, wfh = load("wfl_2006").lms, load("wfh_2006").lms
    lenhei_tables = np.full((2, 2, wfl.shape[1], 3), np.nan)
    lenhei_tables[0] = wfl
    lenhei_tables[1, :, : wfh.shape[1]] = wfh
    return Packed2006(day_tables, lenhei_tables)


#: Rows of the packed 2007 tables: whole months 0 .. 229 (months below 60 hold NaN).
NMONTHS_2007 = 230


@functools.cache
def packed_2007() -> np.ndarray:
    """The 5-19 year tables (rules.MONTH_TABLES: height-, weight- and BMI-for-age) as one
    float64[3, 2, 230, 3] array: table x sex x whole month x (L, M, S). Months without a value
    (below 60; weight-for-age above 121) hold NaN."""
    packed = np.full((len(rules.MONTH_TABLES), 2, NMONTHS_2007, 3), np.nan)
    for t, name in enumerate(rules.MONTH_TABLES):
        table = load(name)
        packed[t, :, table.keys.astype(np.int64), :] = table.lms.transpose(1, 0, 2)
    return packed
