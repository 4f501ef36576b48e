"""Model invariants (model/invariants.py): every shipped scenario keeps them, checking changes
nothing, and each check catches a planted violation (so none of them passes vacuously)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from model import ProcurementModel, load_params, simulate
from model import invariants
from model.invariants import InvariantError
from model.ledger import per_level
from model.procurement import batch, direct, direct_kernels, screening

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "experiments/scenarios").glob("*.toml"))
SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_keeps_every_invariant(path):
    res = simulate(load_params(path, SMALL), seed=7, years=2, tenders=True, check_invariants=True)
    assert len(res.timeseries) == 24 and len(res.tenders) > 0


def test_invariants_hold_at_default_scale_with_fraud_and_public_listing():
    """The full-size region, with overclaims found often and listings published."""
    p = load_params(None, {"fraud.audit_prob": 0.3, "fraud.audit_detect": 1.0, "fraud.fine_multiple": 0.5,
                           "blacklist.scope": "public", "blacklist.trigger": "both",
                           "firms.local.honesty_mean": 0.1, "firms.grassroots.honesty_mean": 0.1,
                           "firms.local.initial_honesty_min": 0.0, "firms.grassroots.initial_honesty_min": 0.0,
                           "burn_in_years": 0})
    m = ProcurementModel(p, seed=2, check_invariants=True).run(2)
    s = m.summary()
    assert s["fraud_detected"] > 0 and s["blacklisted"] > 0  # the fraud paths were exercised
    assert m.invariant_snapshot.recovered > 0 and m.invariant_snapshot.fines > 0


def test_checking_changes_nothing():
    p = load_params(None, SMALL)
    a = simulate(p, seed=5, years=2, tenders=True)
    b = simulate(p, seed=5, years=2, tenders=True, check_invariants=True)
    assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    assert_frame_equal(a.tenders, b.tenders, check_exact=True)


# ------------------------------------------------------------------ planted violations

def _tampered(monkeypatch, month: int, tamper, overrides: dict | None = None, seed: int = 3):
    """Run a small model with checks on; ``tamper(m)`` runs at the end of the exits phase of
    ``month`` (wrapped in this model's own phase table, model.month.PHASES)."""
    m = ProcurementModel(load_params(None, {**SMALL, **(overrides or {})}), seed=seed, check_invariants=True)
    at = [ph.name for ph in m.phases].index("exits")
    original = m.phases[at].run

    def exits(model):
        original(model)
        if model.month == month:
            tamper(model)

    m.phases[at] = dataclasses.replace(m.phases[at], run=exits)
    with pytest.raises(InvariantError) as info:
        m.run(2)
    return info.value


def _busy_firm(m) -> int:
    return int(np.flatnonzero(m.firms.load > 0)[0])


def test_the_untampered_harness_run_passes():
    """The run every tamper below starts from keeps every invariant."""
    ProcurementModel(load_params(None, SMALL), seed=3, check_invariants=True).run(2)


@pytest.mark.parametrize("name,month,tamper,message", [
    ("capacity", 5, lambda m: m.firms.col("load").__setitem__(_busy_firm(m), m.firms.load[_busy_firm(m)] + 1),
     "active contracts"),
    ("capacity", 5, lambda m: m.firms.col("capacity").__setitem__(_busy_firm(m), m.firms.load[_busy_firm(m)] - 1),
     "> capacity"),
    ("unit_interval", 5, lambda m: m.contracts.col("qn").__setitem__(0, 1.25), "contracts.qn rows [0]"),
    ("unit_interval", 6, lambda m: setattr(m.citizens, "trust", m.citizens.trust - 0.7), "citizens.trust"),
    ("unit_interval", 7, lambda m: m.firms.col("reputation").__setitem__(1, np.nan), "firms.reputation"),
    ("money", 5, lambda m: setattr(m.ledger, "spend", m.ledger.spend + 100.0), "buyers paid"),
    ("money", 5, lambda m: m.firms.col("cash").__setitem__(0, m.firms.cash[0] + 100.0), "firms' cash"),
    ("money", 5, lambda m: setattr(m.ledger, "fines", m.ledger.fines + 50.0), "firms' cash"),
    ("money", 5, lambda m: m.contracts.col("fraud_paid").__setitem__(0, m.contracts.fraud_paid[0] + 9.0),
     "overclaims over the run"),
    ("counts", 5, lambda m: m.ledger.tenders.__iadd__(per_level(np.array([2]), np.ones(1))), "tenders by level"),
    ("counts", 2, lambda m: m.ledger.bids.__iadd__(per_level(np.array([1]), -np.ones(1))), "bids by level"),
    ("counts", 3, lambda m: m.ledger.no_bid.__iadd__(per_level(np.array([0]), np.ones(1))), "no_bid by level"),
])
def test_a_planted_violation_is_caught_and_named(monkeypatch, name, month, tamper, message):
    err = _tampered(monkeypatch, month, tamper)
    assert err.invariant == name and err.month == month
    assert f"invariant '{name}' failed in month {month}" in str(err) and message in str(err)


def test_a_listed_firm_winning_is_caught(monkeypatch):
    """Screening that forgets the blacklist lets listed firms win; the check names them."""
    def forgetful(m, b, ti, fi):
        return screening.eligible(m.p, m.month, b.value, b.spec, ti, fi, m.firms)

    screen_rule = batch.screen_rule

    def forgetful_rule(m, b):  # what the notice sampler screens as it draws (competitive methods)
        *checks, listed = screen_rule(m, b)
        return *checks, np.zeros_like(listed)

    monkeypatch.setattr(batch, "screen_rule", forgetful_rule)
    monkeypatch.setattr(direct, "screen", forgetful)  # the unit's own purchase
    p = load_params(None, {**SMALL, "blacklist.trigger": "both", "blacklist.duration": "permanent",
                           "fraud.media_detect": 1.0, "evaluation.fail_score": 0.9,
                           "blacklist.failing_scores": 1, "screening.violation_years": 0.0})
    m = ProcurementModel(p, seed=1, check_invariants=True)
    with pytest.raises(InvariantError, match="listed firms") as info:
        m.run(3)
    assert info.value.invariant == "blacklist"


def test_a_listed_firm_winning_a_commission_is_caught(monkeypatch):
    """Directed commissions whose compiled screening forgets the blacklist let listed firms win
    (the notice sampler's rule left as it is); the check names them."""
    known = direct_kernels.known_eligible
    monkeypatch.setattr(direct_kernels, "known_eligible", lambda *args: known(*args[:-1], np.zeros_like(args[-1])))
    p = load_params(None, {**SMALL, "blacklist.trigger": "both", "blacklist.duration": "permanent",
                           "fraud.media_detect": 1.0, "evaluation.fail_score": 0.9,
                           "blacklist.failing_scores": 1, "screening.violation_years": 0.0})
    m = ProcurementModel(p, seed=1, check_invariants=True)
    with pytest.raises(InvariantError, match="listed firms") as info:
        m.run(3)
    assert info.value.invariant == "blacklist"


def test_blacklist_check_sees_the_listing_of_award_time():
    """A firm listed this month after the awards (by audit or evaluation) is not a violation,
    but one listed before them is."""
    m = ProcurementModel(load_params(None, SMALL), seed=4, check_invariants=True)
    for _ in range(3):
        m.step()
    log = {"winner": np.array([0, 1]), "buyer": np.array([0, 0]), "month": np.array([m.month] * 2)}
    m.firms.col("listed_at")[0], m.firms.col("listed_until")[0] = m.month, m.month + 12
    invariants.check_blacklist(m, log, m.invariant_snapshot)  # listed after this month's awards: fine
    led = invariants.open_snapshot(m)
    with pytest.raises(InvariantError, match=r"listed firms \[0\]"):
        invariants.check_blacklist(m, log, led)
