"""docs/ODD.md is consistent with the code: every dotted parameter name it mentions in backticks
exists in the parameter tree, and every MECHANISMS.md row (S1–S15, P1–P8, R1–R6) appears in it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from model.params import reference_rows
from model.world import FIRM_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
CODES = [f"S{i}" for i in range(1, 16)] + [f"P{i}" for i in range(1, 9)] + [f"R{i}" for i in range(1, 7)]
FILE_EXT = (".py", ".toml", ".csv", ".md", ".json", ".parquet")


def _model_module(name: str):
    """The module of model/ called ``name`` (e.g. market -> model.procurement.market), or None."""
    for path in (ROOT / "model").rglob(f"{name}.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        return importlib.import_module(".".join(rel.parts))
    return None


def _is_code_or_state(name: str) -> bool:
    """A backticked dotted name that refers to code or state, not to a parameter: a file, a
    function of a model module (``market.choose_methods``), or a column of the firm table."""
    head, _, rest = name.partition(".")
    if name.endswith(FILE_EXT):
        return True
    if head == "firms" and rest in FIRM_COLUMNS:
        return True
    mod = _model_module(head)
    return mod is not None and hasattr(mod, rest.split(".")[0])


def parameter_mentions(text: str, sections: set[str]) -> set[str]:
    """Dotted names in backticks whose first part is a section of the parameter tree (placeholders
    such as ``firms.<type>.capacity`` included), minus references to code and state."""
    out = set()
    for token in re.findall(r"`([^`\n]+)`", text):
        name = token.split("=")[0].strip()
        if not re.fullmatch(r"[a-z_]+(\.([a-z_0-9]+|<[a-z_]+>))+", name):
            continue
        if name.split(".")[0] in sections and not _is_code_or_state(name):
            out.add(name)
    return out


def _exists(name: str, paths: set[str]) -> bool:
    pattern = re.escape(name).replace(r"<", "<").replace(r">", ">")
    pattern = re.sub(r"<[a-z_]+>", r"[a-z_0-9]+", pattern)
    return any(re.fullmatch(pattern, p) for p in paths)


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


def test_every_parameter_named_in_the_odd_exists(odd):
    paths = {r["path"] for r in reference_rows()}
    sections = {p.split(".")[0] for p in paths}
    mentions = parameter_mentions(odd, sections)
    assert len(mentions) > 50, "the ODD names the parameters its submodels read"
    unknown = sorted(m for m in mentions if not _exists(m, paths))
    assert not unknown, f"docs/ODD.md names parameters that are not in the tree: {unknown}"


def test_parameter_mentions_catch_a_typo():
    paths = {r["path"] for r in reference_rows()}
    sections = {p.split(".")[0] for p in paths}
    found = parameter_mentions("reads `procurement.bid_cost_yen` and `market.choose_methods`", sections)
    assert found == {"procurement.bid_cost_yen"} and not _exists("procurement.bid_cost_yen", paths)
    assert _exists("firms.<type>.capacity", paths)


@pytest.mark.parametrize("code", CODES)
def test_every_mechanisms_row_appears_in_the_odd(odd, code):
    assert re.search(rf"(?<![A-Za-z0-9]){code}(?![0-9])", odd), f"MECHANISMS.md row {code} is not in docs/ODD.md"


def test_the_odd_phase_table_is_generated_from_the_phase_table(odd):
    """docs/ODD.md §3 carries exactly model.month.odd_table() (regenerate it from PHASES)."""
    from model.month import PHASES, odd_table

    table = odd_table()
    assert table in odd, "docs/ODD.md §3's phase table differs from model.month.odd_table()"
    assert table.count("\n| ") == len(PHASES)  # one row per phase
    for ph in PHASES:
        assert f"`{ph.call}`" in odd


def test_the_step_docstring_is_generated_from_the_phase_table():
    from model.core import ProcurementModel
    from model.month import PHASES, step_doc

    assert ProcurementModel.step.__doc__ == step_doc()
    assert all(ph.call in ProcurementModel.step.__doc__ for ph in PHASES)


def test_internals_lists_every_phase_and_registry_and_its_recipes_are_tested():
    """docs/internals.md: the phases with their modules, the registries, and "How to add"
    recipes that name tests which exist in tests/test_variants.py."""
    from model.month import PHASES

    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    for ph in PHASES:
        path = "model/" + ph.module.removeprefix("model.").replace(".", "/") + ".py"
        assert re.search(rf"{ph.name}\s+\S.*{re.escape(path)}\s+{ph.run.__name__}", text), ph.name
    for reg in ("METHODS", "AWARD_RULES", "STRATEGIES", "REGIMES", "TRIGGERS", "SCOPES", "DURATIONS",
                "EVALUATIONS"):
        assert reg in text, reg
    tests = (ROOT / "tests" / "test_variants.py").read_text(encoding="utf-8")
    named = re.findall(r"`(test_[a-z_]+)`", text)
    assert len(named) >= 5 and all(f"def {n}(" in tests for n in named), named
    for recipe in ("An award rule", "A monitoring regime", "A blacklist policy", "A procurement method"):
        assert f"**{recipe}**" in text
