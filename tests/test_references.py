"""Lint: the code speaks of the repository only. No Python file under model/, experiments/, scripts/
or benchmarks/, nor README.md or docs/internals.md, cites an issue number ("issue 20", "(issue 30
item 5)", "issue-19") or a document that is not in the repository (DESIGN.md, shared/seed/...): a
reader needs the file or docs/ section that says what is, and the history is in git."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("model", "experiments", "scripts", "benchmarks")
DOCS = ("README.md", "docs/internals.md")
OUTSIDE = re.compile(r"\bissues?[\s#-]*\d+|\bDESIGN\.md\b|\bshared/seed/", re.IGNORECASE)


def outside_references(text: str) -> list[tuple[int, str]]:
    """(line number, matched text) of every citation of an issue number or an outside document."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in OUTSIDE.finditer(text)]


def test_no_python_file_or_reference_doc_cites_an_issue_or_an_outside_document():
    files = [p for d in SCANNED for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(files) > 100, "the scan sees the project's modules"
    files += [ROOT / d for d in DOCS]
    found = [f"{p.relative_to(ROOT)}:{line}: {hit}" for p in files
             for line, hit in outside_references(p.read_text(encoding="utf-8"))]
    assert not found, "cite the repository (a module, docs/ODD.md §N, docs/internals.md), not: " + "; ".join(found)


def test_the_lint_catches_planted_citations(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text('"""Reforms (DESIGN.md principle 16; issue 30 item 5)."""\n'
                       'SRC = "assumption (Issue 20)"  # see issue-19, issues #4, shared/seed/MECHANISMS.md\n'
                       'OK = "tissue 3 and the issue of cost"\n', encoding="utf-8")
    hits = [hit for _, hit in outside_references(planted.read_text(encoding="utf-8"))]
    assert hits == ["DESIGN.md", "issue 30", "Issue 20", "issue-19", "issues #4", "shared/seed/"]
    assert [line for line, _ in outside_references(planted.read_text(encoding="utf-8"))] == [1, 1, 2, 2, 2, 2]
