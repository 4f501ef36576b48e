"""The README's results table is what scripts/readme_results.py generates from the curated results."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("readme_results", ROOT / "scripts" / "readme_results.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_results_table_is_generated_from_the_curated_results():
    mod = _script()
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    assert mod.START in doc and mod.END in doc
    shown = doc[doc.index(mod.START):doc.index(mod.END) + len(mod.END)]
    assert shown == mod.block(), "README results table is stale: run python scripts/readme_results.py --write"
