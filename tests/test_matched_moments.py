"""Calibration moments with the sources' definitions (value-weighted contract/budget of
government-procurement methods, failures per project, projects per year): each equals its
hand count from the run's tender log."""

from __future__ import annotations

import numpy as np
import pytest

from model import load_params, simulate
from model.procurement.market import METHODS

SMALL = {"region.n_towns": 3, "region.villages_per_town": 10, "region.households_per_village": 30,
         "burn_in_years": 1}


@pytest.fixture(scope="module")
def run():
    return simulate(load_params(None, overrides=SMALL), seed=3, years=3, tenders=True)


def test_government_procurement_methods_are_the_statistics_ones():
    gp = {m.name for m in METHODS.values() if m.government_procurement}
    assert gp == {"public_tender", "competitive_consultation", "competitive_negotiation", "single_source",
                  "framework_agreement"}


def test_matched_moments_equal_the_tender_log(run):
    log = run.tenders
    log = log[log["month"] > 12]  # the summary's years (after the 1-year warm-up)
    gp = log["method"].astype(str).isin(
        [m.name for m in METHODS.values() if m.government_procurement])
    won = gp & (log["winner"] != -1)
    term = log["term_months"] / 12.0
    ctb = float((log["price"][won] * term[won]).sum() / (log["reserve"][won] * term[won]).sum())
    assert won.sum() > 0
    assert run.summary["contract_to_budget"] == pytest.approx(ctb, rel=2e-2)  # term rounded to months in the log
    first = gp & (log["attempt"] == 1)
    assert run.summary["gp_projects"] == pytest.approx(first.sum() / 2)  # per year, 2 summarised years
    city_first = (log["attempt"] == 1) & (log["level"].astype(str) == "city")
    failed = float((log["winner"][city_first] == -1).mean())
    assert run.summary["first_attempt_failed_rate_city"] == pytest.approx(failed)
    assert 0 <= run.summary["first_attempt_failed_rate"] <= 1 and np.isfinite(run.summary["gp_project_budget"])
