"""Mechanism channel switches (issue 31, DESIGN.md principle 15): each switch turned off really
neutralises what its meaning says, on a small world. (All on = the model: tests/test_perf_identity.py
and tests/test_regression.py pin that the switches change nothing while on.)"""

from __future__ import annotations

import numpy as np
import pytest

from model.core import ProcurementModel
from model.delivery import phases, stake
from model.delivery.monitoring import REGIMES
from model.entities import buyer as buyer_mod
from model.param_channels import WIRED, MechanismChannels
from model.param_tree import Params

SMALL = {"region.n_towns": 2, "region.villages_per_town": 6, "years": 2, "burn_in_years": 0}


def run(months: int, off: str | None = None, **extra) -> ProcurementModel:
    """A small model run ``months`` months with channel ``off`` switched off."""
    over = {**SMALL, **{k.replace("__", "."): v for k, v in extra.items()}}
    if off:
        over[f"channels.{off}"] = False
    m = ProcurementModel(Params().with_overrides(over), seed=3)
    for _ in range(months):
        m.step()
    return m


def test_every_switch_is_a_documented_bool_default_on():
    fields = MechanismChannels.model_fields
    assert set(WIRED) <= set(fields)
    for name, f in fields.items():
        assert f.default is True and f.annotation is bool, name
        extra = f.json_schema_extra
        assert extra["unit"] == "switch" and extra["zh"] and f.description.startswith("off: "), name


def test_stake_off_zeroes_reputation_stakes_listing_loss_and_entrant_odds():
    on = run(14, procurement__award_rule="scoring")
    rows = np.flatnonzero(on.contracts.active & (on.contracts.firm >= 0))
    off_p = on.p.with_overrides({"channels.stake": False})
    r_c, r_n = stake.contract_stakes(on, on.p, rows)
    assert r_c.max() > 0 and r_n.max() > 0  # the switch has something to remove
    z_c, z_n = stake.contract_stakes(on, off_p, rows)
    assert not z_c.any() and not z_n.any()
    assert stake.entrant_odds(off_p, 0.9, 0.9) == 1.0 != stake.entrant_odds(on.p, 0.9, 0.9)
    book = np.array([1e5])
    assert stake.listing_loss(on.p, book, book, np.array([1e3]))[0] > 0
    assert stake.listing_loss(off_p, book, book, np.array([1e3]))[0] == 0


def test_reputation_in_selection_off_scores_everyone_with_the_prior():
    kw = {"procurement__award_rule": "scoring", "evaluation__ranking": True}
    on, off = run(26, **kw), run(26, "reputation_in_selection", **kw)
    prior = on.p.evaluation.prior_reputation
    firms = np.arange(len(on.firms))
    assert np.any(on.reputation_seen(np.zeros(len(firms), np.int64), firms) != prior)
    f_off = np.arange(len(off.firms))
    assert np.all(off.reputation_seen(np.zeros(len(f_off), np.int64), f_off) == prior)
    assert np.all(off.rating_seen(f_off) == prior)
    assert np.any(off.firms.reputation != prior)  # records are still kept


def test_blacklist_off_lists_no_firm():
    kw = {"blacklist__trigger": "failing", "blacklist__failing_scores": 1, "blacklist__scope": "city",
          "blacklist__duration": "permanent", "evaluation__fail_score": 0.99}
    on, off = run(24, **kw), run(24, "blacklist", **kw)
    assert (on.firms.listed_at >= 0).sum() > 0
    assert (off.firms.listed_at >= 0).sum() == 0


def _inspect_all(m: ProcurementModel) -> np.ndarray:
    rows = np.flatnonzero(m.contracts.active)
    zero = np.zeros(len(rows))
    return phases._inspect(m, rows, np.ones(len(rows), bool), np.zeros(len(rows), bool), zero, zero,
                           m.contracts.kappa[rows])


def test_inspection_deductions_off_deducts_nothing():
    on, off = run(6), run(6, "inspection_deductions")
    assert _inspect_all(on).min() > 0  # quality 0 is short of the standard everywhere
    assert not _inspect_all(off).any()


def test_entry_learning_off_keeps_win_beliefs_at_the_prior():
    on, off = run(13), run(13, "entry_learning")
    assert np.any(on.beliefs.win != on.beliefs.prior_win)
    assert np.all(off.beliefs.win == off.beliefs.prior_win)


def test_citizens_feedback_off_fixes_the_rating_at_the_prior():
    on, off = run(26), run(26, "citizens_feedback")
    prior = on.p.evaluation.prior_reputation
    assert np.any(np.abs(on.firms.rating - prior) > 1e-9)
    assert np.allclose(off.firms.rating, prior, rtol=0, atol=1e-12)  # (1 − λ) r₀ + λ r₀ up to rounding
    done = np.isfinite(off.contracts.score)
    assert done.any()  # contracts were evaluated (with the prior as their rating)


def test_complaint_alerts_off_inspects_nothing():
    for off, expect in ((None, True), ("complaint_alerts", False)):
        m = run(2, off)
        rows = np.flatnonzero(m.contracts.active)
        m.contracts.col("alert")[rows] = True
        prob, hit = REGIMES["complaints"].inspect(m, rows, np.ones(len(rows)), np.zeros(len(rows)))
        assert len(rows) and hit.all() == expect and (prob == 1.0).all() == expect


def test_buyer_learning_off_leaves_awareness_alone():
    for off, moves in ((None, True), ("buyer_learning", False)):
        m = run(1, off)
        before = m.buyers.awareness.copy()
        buyer_mod.learn(m, np.arange(len(m.buyers)), np.ones(len(m.buyers), bool))
        assert np.any(m.buyers.awareness != before) == moves


def test_firm_entry_off_admits_no_firm():
    on, off = run(24, market__incubation=3.0), run(24, "firm_entry", market__incubation=3.0)
    assert len(on.firms) > len(off.firms)
    assert len(off.firms) == len(run(0, "firm_entry", market__incubation=3.0).firms)


#: What a small run (2 years) needs to exercise a channel beyond the defaults: an overclaim found
#: and listed needs initial firms drawn with the whole honesty distribution (the default truncates it
#: at the status quo's overclaiming threshold), and a year-end of a small region may admit nobody
#: without an incubation programme. Every other channel is used by the default run (with firms
#: that hire at capacity, the capacity limit binds within two years).
EXERCISE = {"blacklist": {f"firms__{k}__initial_honesty_min": 0.0 for k in ("strong", "local", "grassroots")},
            "firm_entry": {"market__incubation": 1.0}}


@pytest.mark.parametrize("name", WIRED)
def test_a_wired_switch_off_changes_a_small_run(name):
    """Off changes the summary of a small run that uses the channel."""
    extra = EXERCISE.get(name, {})
    base = run(24, **extra).summary()
    off = run(24, name, **extra).summary()
    changed = any(not (np.isnan(a) and np.isnan(off[k])) and a != off[k] for k, a in base.items())
    assert changed, f"switching {name} off changed nothing"


def test_odd_lists_every_switch_with_what_off_does():
    from pathlib import Path

    odd = (Path(__file__).resolve().parent.parent / "docs" / "ODD.md").read_text(encoding="utf-8")
    for name, f in MechanismChannels.model_fields.items():
        assert f"| `channels.{name}` |" in odd and f.description.removeprefix("off: ") in odd, name
