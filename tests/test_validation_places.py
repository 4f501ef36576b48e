"""The by-place section of docs/VALIDATION.md (experiments/studies/places.py), rendered from a
small validation pass."""

from __future__ import annotations

import numpy as np

from experiments.studies import places
from experiments.studies.common import Context

TINY = {"region.n_towns": 4, "region.villages_per_town": 5, "region.households_per_village": 10,
        "burn_in_years": 0}


def test_section_renders_from_a_small_run():
    ctx = Context(True, TINY, 1, (1, 2, 3), TINY, 1, (1,), 2)
    runs = places.runs_table(ctx)
    assert list(runs["scenario"].unique()) == ["baseline", *places.REFORMS] and len(runs) == 9
    lines = places.section(ctx, n_boot=200)
    text = "\n".join(lines)
    assert lines[0] == "## Outcomes by place" and "Runs: the validation pass's own" in text
    assert "### baseline: mean [CI]" in text and "### scoring_30 minus baseline: difference [CI]" in text
    assert "| Distance band 4 (30+ km) |" in text and "| Far minus centre (band 4 − band 1) |" in text
    assert "Quality delivered (0–1)" in text
    # the baseline's village quality shown is the mean of the runs' values
    want = runs.loc[runs.scenario == "baseline", "quality_delivered_village"].mean()
    row = next(line for line in lines[lines.index("### baseline: mean [CI]"):] if line.startswith("| Village"))
    assert np.isclose(float(row.split("|")[2].split(" [")[0]), want, atol=5e-3)
    assert ctx.runs_done == 9  # the pass's cache: nothing run twice


def test_cost_section_renders_from_a_small_run():
    from experiments.studies import costs

    ctx = Context(True, TINY, 2, (1, 2, 3), TINY, 1, (1,), 2)
    lines = costs.section(ctx, ("baseline", "publicity"), n_boot=200)
    text = "\n".join(lines)
    assert lines[0] == "## Full public cost and cost-effectiveness" and "Runs: the validation pass's own" in text
    row = next(line for line in lines if line.startswith("| publicity |"))
    # the change shown is the mean paired change of the pass's own runs
    runs = places.runs_table(ctx, ("baseline", "publicity"))
    d = (runs[runs.scenario == "publicity"]["public_cost"].to_numpy()
         - runs[runs.scenario == "baseline"]["public_cost"].to_numpy()).mean()
    shown = float(row.split("|")[3].split(" [")[0].replace(",", ""))
    assert np.isclose(shown, d, rtol=0.05, atol=1e4)
    assert ctx.runs_done == 6
