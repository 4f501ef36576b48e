"""Regression baseline: the summary outcomes of a fixed set of scenario runs (small region, fixed
seeds, 3 years) must match tests/regression/baseline.json to a tight tolerance. A failure names
every outcome that moved. If the change is intended, refresh the file deliberately with
``python scripts/refresh_regression.py`` and explain the change in the commit."""

from __future__ import annotations

import json

import pytest

from experiments.validation.regression import BASELINE_FILE, RTOL, compute, differences


@pytest.mark.slow
def test_summary_outcomes_match_the_stored_baseline():
    stored = json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
    fresh = compute()
    assert stored["settings"] == fresh["settings"], "the regression settings changed; refresh the baseline"
    moved = differences(stored, fresh)
    assert not moved, (
        f"{len(moved)} summary outcomes moved beyond rel. tolerance {RTOL:g} — an unexplained change? If "
        "intended, run `python scripts/refresh_regression.py` and explain it in the commit.\n  "
        + "\n  ".join(moved[:60]) + ("\n  …" if len(moved) > 60 else ""))


def test_the_comparison_names_what_moved():
    stored = {"runs": {"baseline": {"1": {"trust": 0.5, "hhi": None, "spend": 10.0}}}}
    fresh = {"runs": {"baseline": {"1": {"trust": 0.5 + 1e-6, "hhi": None, "spend": 10.0}}}}
    assert differences(stored, fresh) == ["baseline seed 1 trust: 0.5 -> 0.500001"]
    fresh["runs"]["baseline"]["1"]["hhi"] = 0.2
    assert "baseline seed 1 hhi: None -> 0.2" in differences(stored, fresh)
