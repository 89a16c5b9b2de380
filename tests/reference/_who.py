"""Shared helpers for the tests against WHO's own answers, kept in tests/data/reference_cases/
(copies of ../shared/reference_cases/, see the README there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

#: The repository's own copies of WHO's answers: a missing file is a failure, never a skip.
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference_cases"
#: The project's shared folder, next to the repository; absent in a clone elsewhere. Only WHO's
#: own 5-19 y example survey is read from it (optional), and the copies above are checked
#: against it where it exists (test_local_copies.py).
SHARED_REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference_cases"
Z_2006 = ("len", "wei", "wfl", "bmi", "hc", "ac", "ts", "ss")
#: Which z-scores each input measurement feeds (for the rows where zscore departs from WHO on
#: purpose: a measurement <= 0 gives a missing z, WHO_RULES.md section G).
FEEDS = {"weight": ("wei", "wfl", "bmi"), "lenhei": ("len", "wfl", "bmi"), "headc": ("hc",),
         "armc": ("ac",), "triskin": ("ts",), "subskin": ("ss",)}


def reference_path(name: str) -> Path:
    """The repository's copy of a reference file; fails the test when it is missing."""
    path = REFERENCE / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: the reference copies belong to the repository "
                    "(tests/data/reference_cases/README.md says where they come from)")
    return path


def shared_path(name: str) -> Path:
    """A file only the shared folder has (WHO's own 5-19 y example survey); skips the test,
    saying why, when the shared folder or the file is absent."""
    path = SHARED_REFERENCE / name
    if not path.is_file():
        pytest.skip(f"{name} is WHO's own example survey, read only from {SHARED_REFERENCE} "
                    "(not copied into the repository), which is absent here")
    return path


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=["", "NA"],
                       dtype={"sex": str, "measure": str, "oedema": str, "cmeasure": str})


def read(name: str) -> pd.DataFrame:
    """A reference file from the repository's copies (a missing file fails the test)."""
    return _read_csv(reference_path(name))


def read_shared(name: str) -> pd.DataFrame:
    """An optional file from ../shared/reference_cases (skips when absent)."""
    return _read_csv(shared_path(name))


def departures(cases: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per z-score suffix, the rows where a measurement is <= 0 (zscore: missing on purpose)."""
    out = {ind: np.zeros(len(cases), dtype=bool) for ind in Z_2006}
    for column, feeds in FEEDS.items():
        bad = (cases[column] <= 0).to_numpy()
        for ind in feeds:
            out[ind] |= bad
    return out


def assert_same(name: str, ours: np.ndarray, who: np.ndarray, *, atol: float, skip: np.ndarray,
                ids: np.ndarray) -> int:
    """Compare one column; returns the number of rows compared."""
    ours = np.asarray(ours, dtype=np.float64)
    who = np.asarray(who, dtype=np.float64)
    keep = ~skip
    o, w = ours[keep], who[keep]
    both_missing = np.isnan(o) & np.isnan(w)
    same_inf = np.isinf(o) & (o == w)
    close = np.abs(o - w) <= atol
    ok = both_missing | same_inf | close
    if not ok.all():
        bad = np.flatnonzero(~ok)[:10]
        rows = "\n".join(f"  id {ids[keep][i]}: zscore {o[i]!r}, WHO {w[i]!r}" for i in bad)
        raise AssertionError(f"{name}: {int((~ok).sum())} of {keep.sum()} rows differ\n{rows}")
    # the departures: zscore must be missing there
    assert np.isnan(ours[skip]).all(), f"{name}: a measurement <= 0 must give a missing value"
    return int(keep.sum())


def assert_z_and_flag(ours: pd.DataFrame, mine: str, expected: pd.DataFrame, who: str, *,
                      atol: float, skip: np.ndarray, ids: np.ndarray) -> int:
    """z<mine>/f<mine> of zscore against WHO's z<who>/f<who> columns (suffix included):
    the z within atol, the flags exactly; both missing where zscore departs on purpose (skip).
    Returns the number of rows compared."""
    compared = assert_same(f"z{mine} (WHO z{who})", ours[f"z{mine}"], expected[f"z{who}"],
                           atol=atol, skip=skip, ids=ids)
    flag_ours = ours[f"f{mine}"].astype("float64").to_numpy()
    flag_who = expected[f"f{who}"].to_numpy(dtype=np.float64)
    keep = ~skip
    same = (flag_ours == flag_who) | (np.isnan(flag_ours) & np.isnan(flag_who))
    assert same[keep].all(), f"f{mine}: ids {ids[keep & ~same][:10]} differ"
    assert np.isnan(flag_ours[skip]).all()
    return compared
