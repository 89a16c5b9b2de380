"""The repository's copies of WHO's answers (tests/data/reference_cases/): all present, equal to
the SHA-256 sums recorded next to them, and byte-identical to ../shared/reference_cases/ where
that folder exists (only that last comparison skips in a clone without it)."""

from __future__ import annotations

import hashlib

import pytest

from ._who import REFERENCE, SHARED_REFERENCE, reference_path

#: Every generated reference file a test reads; WHO's own 5-19 y example survey
#: (who2007_survey_WHO_*.csv) is deliberately not among them (read from ../shared, optional).
COPIES = ("who2006_cases.csv", "who2006_expected.csv", "who2006_expected_unrounded.csv",
          "who2007_cases.csv", "who2007_expected.csv", "who2007_expected_unrounded.csv",
          "survey_cases.csv", "survey_prevalence_design_expected.csv",
          "survey_prevalence_simple_expected.csv", "who_anthro_sample.csv",
          "who_anthroplus_sample.csv")


def _recorded_sums() -> dict[str, str]:
    """SHA256SUMS as written by `sha256sum *.csv`: '<hex>  <name>' per line."""
    sums = {}
    for line in reference_path("SHA256SUMS").read_text().splitlines():
        digest, _, name = line.partition("  ")
        assert len(digest) == 64 and name, f"malformed SHA256SUMS line: {line!r}"
        sums[name] = digest
    return sums


def test_folder_holds_exactly_the_copies_and_their_readme():
    assert sorted(p.name for p in REFERENCE.glob("*.csv")) == sorted(COPIES)
    readme = reference_path("README.md").read_text()
    assert "b776d8a" in readme and "799a7de" in readme and "R 4.2.2" in readme


def test_sha256sums_lists_every_copy():
    assert sorted(_recorded_sums()) == sorted(COPIES)


@pytest.mark.parametrize("name", COPIES)
def test_copy_matches_its_recorded_sha256(name):
    body = reference_path(name).read_bytes()
    assert hashlib.sha256(body).hexdigest() == _recorded_sums()[name], (
        f"{name} differs from SHA256SUMS: a damaged copy (line endings converted?)")


@pytest.mark.parametrize("name", COPIES)
def test_copy_is_byte_identical_to_the_shared_original(name):
    """Where the project's shared folder exists, the repository's copy must be the same bytes
    (re-copy the file and rewrite SHA256SUMS when the shared original is regenerated)."""
    original = SHARED_REFERENCE / name
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"{SHARED_REFERENCE} is absent: nothing to compare the copy with")
    assert original.is_file(), f"{original} is gone from the shared folder"
    assert reference_path(name).read_bytes() == original.read_bytes(), (
        f"tests/data/reference_cases/{name} is not the same as {original}")
