"""Regenerate the attack catalogue of docs/RELIABILITY.md from tests/test_attacks.py.

Each test of tests/test_attacks.py has a structured docstring: a title line ("Defect N — what went
wrong."), then ``Attack:``, ``Before:`` and ``Now:`` paragraphs. This script reads them (parsing the
file, importing nothing) and writes the table between the markers of docs/RELIABILITY.md.

    python scripts/attack_catalogue.py          # rewrite the table
    python scripts/attack_catalogue.py --check  # exit 1 if the table is out of date
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests/test_attacks.py"
DOC = ROOT / "docs/RELIABILITY.md"
START, END = "<!-- attack-catalogue:start -->", "<!-- attack-catalogue:end -->"
FIELDS = ("Attack", "Before", "Now")


def cases(source: str) -> list[dict[str, str]]:
    """One dict per test: name, title, and the Attack/Before/Now paragraphs (one line each)."""
    out = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_defect_")):
            continue
        doc = ast.get_docstring(node) or ""
        title, _, rest = doc.partition("\n")
        parts = re.split(rf"^({'|'.join(FIELDS)}):", rest, flags=re.M)
        found = {parts[i]: " ".join(parts[i + 1].split()) for i in range(1, len(parts) - 1, 2)}
        missing = [f for f in FIELDS if f not in found]
        if missing:
            raise SystemExit(f"{TESTS.name}::{node.name}: docstring lacks {', '.join(missing)}")
        out.append({"name": node.name, "title": title.strip(), **found})
    return out


def table(items: list[dict[str, str]]) -> str:
    """The markdown table of the catalogue."""
    rows = ["| defect | attack | before the fix | now | test |", "|---|---|---|---|---|"]
    for c in sorted(items, key=lambda c: int(re.search(r"\d+", c["title"]).group())):
        cells = [c["title"], c["Attack"], c["Before"], c["Now"], f"`{c['name']}`"]
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(rows)


def render(doc: str, items: list[dict[str, str]]) -> str:
    """`doc` with the text between the markers replaced by the table."""
    head, sep, rest = doc.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"{DOC}: markers {START} and {END} not found")
    return f"{head}{START}\n{table(items)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the table, or with --check report whether it is current."""
    doc = DOC.read_text(encoding="utf-8")
    new = render(doc, cases(TESTS.read_text(encoding="utf-8")))
    if "--check" in argv:
        if new != doc:
            print(f"{DOC}: the attack catalogue is out of date; run python scripts/attack_catalogue.py")
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote the attack catalogue ({len(cases(TESTS.read_text(encoding='utf-8')))} cases) in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
