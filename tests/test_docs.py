"""The documentation says what the code does: the alias and preset tables of docs/cli.md are
the data files' own, and the README's commands name files that exist."""

from pathlib import Path

from zscore.resolve import markdown

ROOT = Path(__file__).resolve().parents[1]


def test_the_alias_and_preset_tables_in_the_docs_are_the_data_files():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("<!-- columns-table:start -->")[1].split("<!-- columns-table:end -->")[0]
    assert section.strip() == markdown().strip(), "run: python docs/update_tables.py"


def test_the_bundled_example_is_the_examples_folders():
    shipped = ROOT / "src" / "zscore" / "data" / "examples" / "posyandu.xlsx"
    assert shipped.read_bytes() == (ROOT / "examples" / "posyandu.xlsx").read_bytes(), \
        "run: python examples/make_example.py"
