"""Property-based fuzzing: random valid parameter sets, scenario overrides and small regions run
without exception and every model invariant holds every month (model/invariants.py).

Examples per test come from the hypothesis profile (tests/conftest.py): ``ci`` by default,
``HYPOTHESIS_PROFILE=long`` for a deliberate search. Every leaf's range and choices are read from
``model.params.reference_rows()``, so new parameters are fuzzed without editing this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from model import load_params, simulate
from model.params import reference_rows

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "experiments/scenarios").glob("*.toml"))

#: Leaves set by dedicated strategies below (region size, weight groups), or by the run itself.
FIXED = {"years", "region.n_towns", "region.villages_per_town", "region.households_per_village"}
WEIGHTS = {"scoring": ("price_weight", "technical_weight", "reputation_weight", "citizen_weight"),
           "evaluation": ("inspection_weight", "kpi_weight", "citizen_weight")}
#: Upper bounds kept small for speed (the declared range is larger; the mechanism is the same).
CAPS = {"count": 40, "city_departments": 12, "raters": 200}


def _leaf_strategy(path: str, allowed: str) -> st.SearchStrategy | None:
    """A strategy for one leaf from its declared type and range or choices."""
    name = path.rsplit(".", 1)[-1]
    if allowed == "bool":
        return st.booleans()
    if allowed.startswith("list of "):
        choices = re.findall(r'"([^"]+)"', allowed)
        return st.lists(st.sampled_from(choices), unique=True, max_size=len(choices))
    if allowed.startswith('"'):
        return st.sampled_from(re.findall(r'"([^"]+)"', allowed))
    m = re.fullmatch(r"(int|float) in \[([^,]+), ([^\]]+)\]", allowed)
    if m is None:
        return None
    lo, hi = float(m.group(2)), float(m.group(3))
    hi = min(hi, CAPS.get(name, hi))
    if m.group(1) == "int":
        return st.integers(int(lo), int(hi))
    edges = st.sampled_from([lo, hi])
    return st.one_of(edges, st.floats(lo, hi, allow_nan=False, allow_infinity=False))


LEAVES = {r["path"]: s for r in reference_rows()
          if r["path"] not in FIXED
          and not any(r["path"] == f"{g}.{w}" for g, ws in WEIGHTS.items() for w in ws)
          and r["path"] != "scoring.price_weight_floor"
          and (s := _leaf_strategy(r["path"], r["allowed"])) is not None}


@st.composite
def weights(draw, n: int, first_at_least: float = 0.0) -> list[float]:
    """n non-negative weights summing to 1 (to float precision); the first ≥ ``first_at_least``."""
    first = draw(st.floats(first_at_least, 1.0))
    raw = [draw(st.floats(0.0, 1.0)) for _ in range(n - 1)]
    total = sum(raw)
    rest = [(1 - first) * r / total for r in raw] if total > 1e-6 else [1 - first] + [0.0] * (n - 2)
    rest[-1] = max(0.0, 1.0 - first - sum(rest[:-1]))
    return [first, *rest]


@st.composite
def overrides(draw) -> dict:
    """Valid overrides: a small region, some random leaves, and both weight groups."""
    out = {"region.n_towns": draw(st.integers(1, 3)), "region.villages_per_town": draw(st.integers(2, 6)),
           "region.households_per_village": draw(st.integers(5, 20))}
    for path in draw(st.lists(st.sampled_from(sorted(LEAVES)), unique=True, max_size=30)):
        out[path] = draw(LEAVES[path])
    if draw(st.booleans()):
        floor = draw(st.sampled_from([0.0, 0.1, 0.3]))
        for key, w in zip(WEIGHTS["scoring"], draw(weights(4, floor))):
            out[f"scoring.{key}"] = w
        out["scoring.price_weight_floor"] = floor
    if draw(st.booleans()):
        for key, w in zip(WEIGHTS["evaluation"], draw(weights(3))):
            out[f"evaluation.{key}"] = w
    return out


def _run(path: Path | None, extra: dict, seed: int, years: int) -> None:
    note(f"scenario={path.name if path else None} seed={seed} years={years} overrides={extra!r}")
    params = load_params(path, {**extra, "burn_in_years": 0})  # 1-2-year runs: no warm-up left out
    res = simulate(params, seed=seed, years=years, tenders=True, check_invariants=True)
    assert len(res.timeseries) == 12 * years
    assert np.isfinite(res.summary["spend"]) and res.summary["spend"] >= 0


def test_leaf_strategies_cover_the_parameter_tree():
    """Every leaf but the fixed and weight ones is fuzzed (a new leaf type fails here)."""
    paths = {r["path"] for r in reference_rows()}
    weight_paths = {f"{g}.{w}" for g, ws in WEIGHTS.items() for w in ws} | {"scoring.price_weight_floor"}
    assert paths - FIXED - weight_paths == set(LEAVES)


@pytest.mark.slow
@given(extra=overrides(), seed=st.integers(0, 2**31 - 1), years=st.integers(1, 2))
def test_random_valid_parameters_run_and_keep_every_invariant(extra, seed, years):
    _run(None, extra, seed, years)


@given(scenario=st.sampled_from(SCENARIOS), extra=overrides(), seed=st.integers(0, 2**31 - 1),
       years=st.integers(1, 2))
@pytest.mark.slow
def test_shipped_scenarios_with_random_overrides_keep_every_invariant(scenario, extra, seed, years):
    _run(scenario, extra, seed, years)
