"""Numbers in docs/ODD.md that restate defaults agree with the parameter tree and the built world
(issue 21): "`path` = 12" and "`path` (30 km)" in the ODD's sections 1–6 equal the parameter's
default, and every "N buyers / slots / households / villages / grassroots firms / firms in total"
equals the count in a default model. The checker is shown to catch a drifted number."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from model.params import DEFAULTS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
NUM = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
STATED = re.compile(r"`([a-z_][a-z_0-9.]*)` (?:= ?|\((?:default )?)" + NUM)
COUNTED = re.compile(NUM + r" (buyers|slots|households|villages|grassroots firms|firms in total)\b")


def _sections_1_to_6(text: str) -> str:
    """The ODD up to its submodels (section 7): the overview and initialisation that restate defaults."""
    return text.split("\n## 7.", 1)[0]


def _number(s: str) -> float:
    return float(s.replace(",", ""))


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    from model import ProcurementModel, load_params

    m = ProcurementModel(load_params(), seed=1)
    kinds = np.bincount(m.firms.col("kind"), minlength=3)
    return {"buyers": len(m.buyers), "slots": len(m.slots), "households": len(m.citizens.village),
            "villages": m.citizens.n_villages, "grassroots firms": int(kinds[2]), "firms in total": len(m.firms)}


def drift(text: str, counts: dict[str, int]) -> list[str]:
    """Every restated default or count in ``text`` (sections 1–6) that disagrees with the code."""
    body = _sections_1_to_6(text)
    out = []
    for path, num in STATED.findall(body):
        if path in DEFAULTS and isinstance(DEFAULTS[path], (int, float)) and _number(num) != DEFAULTS[path]:
            out.append(f"`{path}` stated as {num}, default {DEFAULTS[path]}")
    for num, noun in COUNTED.findall(body):
        if _number(num) != counts[noun]:
            out.append(f"{num} {noun} stated, the default model has {counts[noun]}")
    return out


def test_odd_restates_the_defaults_correctly(counts):
    text = ODD.read_text(encoding="utf-8")
    body = _sections_1_to_6(text)
    assert len(STATED.findall(body)) >= 8 and len(COUNTED.findall(body)) >= 6  # the checker reads them
    assert drift(text, counts) == []


def test_drift_is_caught(counts):
    text = ODD.read_text(encoding="utf-8")
    old = text.replace("170 firms in total", "122 firms in total").replace(
        "`firms.grassroots.count` = 10", "`firms.grassroots.count` = 6")
    assert old != text
    problems = drift(old, counts)
    assert len(problems) == 3  # the grassroots count, and "firms in total" in §2.2 and §5
    assert sum("122 firms in total" in p for p in problems) == 2
