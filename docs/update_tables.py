"""Write the alias and preset tables into docs/cli.md from their data files:
python docs/update_tables.py (tests/test_docs.py checks they agree)."""

from pathlib import Path

from zscore.resolve import markdown

START, END = "<!-- columns-table:start -->", "<!-- columns-table:end -->"
path = Path(__file__).with_name("cli.md")
text = path.read_text(encoding="utf-8")
head, rest = text.split(START)
_, tail = rest.split(END)
path.write_text(f"{head}{START}\n{markdown()}\n{END}{tail}", encoding="utf-8")
print(f"updated {path}")
