"""Firm finance (model/entities/finance.py, model/procurement/pricing.py, model/delivery/expected.py):
payment lag, the financing check, the exit rule, owners' draw, pricing the contract's regime."""

from __future__ import annotations

import numpy as np
import pytest

from model.core import ProcurementModel
from model.delivery import expected
from model.entities import finance
from model.param_tree import Params
from model.world import GRASSROOTS

SMALL = {"region.n_towns": 2, "region.villages_per_town": 6, "region.households_per_village": 10,
         "years": 3, "burn_in_years": 1}


def small(**extra) -> ProcurementModel:
    return ProcurementModel(Params().with_overrides({**SMALL, **extra}), seed=3)


def test_pay_arrives_after_the_payment_lag():
    m = small(**{"finance.payment_lag_months": 2})
    f = m.firms
    row = np.array([0])
    cash0 = float(f.cash[0])
    finance.book_pay(m, row, np.array([1000.0]))
    assert f.cash[0] == cash0 and f.due_2[0] == 1000.0
    finance.settle(m)
    assert f.cash[0] == cash0 and f.due_1[0] == 1000.0
    finance.settle(m)
    assert f.cash[0] == cash0 + 1000.0 and f.due_1[0] == 0.0
    m0 = small(**{"finance.payment_lag_months": 0})
    c0 = float(m0.firms.cash[0])
    finance.book_pay(m0, row, np.array([500.0]))
    assert m0.firms.cash[0] == c0 + 500.0


def test_need_counts_mobilisation_lag_and_withheld_pay():
    p = Params().with_overrides({"finance.payment_lag_months": 1, "evaluation.withhold_share": 0.1,
                                 "channels.withholding": True})
    got = finance.need(p, np.array([12000.0]), np.array([24000.0]), np.array([1.0]), np.array([500.0]))
    assert got[0] == pytest.approx(500 + 1000 + 2400)
    off = p.with_overrides({"channels.withholding": False})
    assert finance.need(off, np.array([12000.0]), np.array([24000.0]), np.array([1.0]), np.array([500.0]))[0] \
        == pytest.approx(500 + 1000)


def test_headroom_is_cash_plus_credit_less_what_running_contracts_still_prefund():
    m = small()
    room = finance.headroom(m)
    f = m.firms
    assert np.allclose(room, f.cash + f.credit)  # no contracts yet
    m.run(1)
    m.step()  # month 1 of year 2: the year's contracts have not started
    m.run(0)
    for _ in range(2):
        m.step()
    c = m.contracts
    busy = np.unique(c.firm[c.active & (c.firm >= 0)])
    room = finance.headroom(m)
    assert len(busy) and (room[busy] < (f.cash + f.credit)[busy]).all()
    off = ProcurementModel(Params().with_overrides({**SMALL, "channels.financing_limit": False}), seed=3)
    assert np.isinf(finance.headroom(off)).all()


def test_firms_without_finance_win_nothing_and_the_switch_lifts_the_limit():
    broke = {"finance.initial_cash_share": 0.0, "finance.credit_share": 0.0, "finance.payment_lag_months": 1}
    m = small(**broke).run(1)
    assert not (m.contracts.firm >= 0).any()  # every contract needs pre-funding; no firm can fund it
    free = small(**broke, **{"channels.financing_limit": False}).run(1)
    assert (free.contracts.firm >= 0).sum() > 10


def test_no_exit_in_the_first_month_of_negative_cash_but_after_sustained_insolvency():
    m = small(**{"finance.insolvency_months": 3})
    f = m.firms
    f.col("cash")[0] = -f.credit[0] - 1.0  # beyond its credit line
    out = [finance.leaving(m).tolist() for _ in range(3)]
    assert 0 not in out[0] and 0 not in out[1] and 0 in out[2]
    f.col("cash")[1] = -0.5 * f.credit[1]  # negative, within the credit line: never insolvent
    for _ in range(5):
        assert 1 not in finance.leaving(m).tolist()


def test_exit_after_repeated_loss_making_years():
    m = small(**{"finance.loss_years": 2})
    f = m.firms
    m.month = 12  # a fiscal year's end
    f.col("worth0")[2] = f.cash[2] + 1.0  # worth fell this year
    assert 2 not in finance.leaving(m).tolist()
    f.col("worth0")[2] = finance.worth(m)[2] + 1.0  # and again the next year
    assert 2 in finance.leaving(m).tolist()
    off = small(**{"finance.loss_years": 1, "channels.firm_exit": False})
    off.month = 12
    off.firms.col("worth0")[:] = finance.worth(off) + 1.0
    assert len(finance.leaving(off)) == 0


def test_owners_draw_the_cash_above_working_capital_at_year_end():
    m = small()
    f = m.firms
    target = m.p.finance.initial_cash_share * finance.turnover(m)
    f.col("cash")[0] = target[0] + 5000.0
    m.month = 12
    finance.leaving(m)
    assert f.cash[0] == pytest.approx(target[0]) and m.ledger.payouts >= 5000.0


def test_a_regime_that_draws_more_effort_costs_more_and_leaves_less_shirking_rent():
    n = 3
    args = dict(capability=np.full(n, 0.7), honesty=np.full(n, 0.6), visibility=np.full(n, 0.5),
                kappa=np.full(n, 0.5), cost=np.full(n, 10000.0), price=np.full(n, 11000.0), term=np.ones(n),
                r_c=np.zeros(n), r_n=np.zeros(n), officer=np.zeros(n, bool))
    base = Params()
    s0, rho0 = expected.terms(base, **args)
    strict = base.with_overrides({"monitoring.regimes": ["random"], "monitoring.random_prob": 1.0})
    s1, rho1 = expected.terms(strict, **args)
    assert (s1 > s0).all()  # every month inspected: more effort, more spending
    assert (s0 < 1).all() and (s1 <= 1 + 1e-12).all()
    flat = base.with_overrides({"channels.effort_spending": False})
    assert np.allclose(expected.terms(flat, **args)[0], 1.0)
    assert (rho0 > 0.8).all() and (rho0 < 1).all()


def test_bids_price_the_regime():
    """Under a regime that draws more effort the same firms bid more for the same tenders."""
    runs = {}
    for name, extra in {"base": {}, "strict": {"monitoring.regimes": ["random", "complaints"],
                                               "monitoring.random_prob": 0.9}}.items():
        m = ProcurementModel(Params().with_overrides({**SMALL, **extra}), seed=5).run(1)
        t = m.tender_log()
        runs[name] = t[(t.winner >= 0) & (t.attempt == 1)].set_index("order")["price"] / \
            t[(t.winner >= 0) & (t.attempt == 1)].set_index("order")["reserve"]
    both = runs["base"].index.intersection(runs["strict"].index)
    assert len(both) > 10
    assert runs["strict"][both].mean() > runs["base"][both].mean()


def test_grassroots_cash_scales_with_turnover():
    p = Params()
    m = ProcurementModel(p.with_overrides(SMALL), seed=1)
    g = m.firms.kind == GRASSROOTS
    ft = p.firms.grassroots
    assert np.allclose(m.firms.cash[g], p.finance.initial_cash_share * ft.turnover_yuan_year)
    assert np.allclose(m.firms.credit[g], p.finance.credit_share * ft.turnover_yuan_year)


def test_capacity_off_lifts_the_capacity_limit():
    from model.procurement.batch import free_capacity
    on, off = small(), small(**{"channels.capacity": False})
    assert np.array_equal(free_capacity(on), on.firms.capacity.astype(float))
    assert np.isinf(free_capacity(off)).all()
    tight = {"firms.grassroots.capacity": 1, "firms.local.capacity": 1, "firms.strong.capacity": 1}
    held = lambda m: np.bincount(m.contracts.firm[m.contracts.firm >= 0]).max()  # noqa: E731
    assert held(small(**tight).run(1)) <= 2  # one at a time (plus an ad-hoc one after a contract ended)
    assert held(small(**tight, **{"channels.capacity": False}).run(1)) > 2


def _grow_setup(**extra):
    m = small(**{"market.growth_share": 0.25, **extra})
    f = m.firms
    g = np.flatnonzero(f.kind == GRASSROOTS)[:3]
    cap = f.col("capacity")
    f.col("peak_load")[:] = 0
    f.col("peak_load")[g[0]] = cap[g[0]]          # ran at capacity, no loss: hires
    f.col("peak_load")[g[1]] = cap[g[1]]
    f.col("loss_years")[g[1]] = 1                 # at capacity but its net worth fell: does not
    return m, f, g


def test_a_firm_at_capacity_that_made_money_hires_and_its_costs_and_credit_scale():
    m, f, g = _grow_setup()
    cap0, over0, credit0 = f.capacity[g].copy(), f.overhead[g].copy(), f.credit[g].copy()
    finance.grow(m, f.active.copy())
    assert f.capacity[g[0]] == cap0[0] + 5        # 20 × 0.25
    assert f.overhead[g[0]] == pytest.approx(over0[0] * 25 / 20)
    assert f.credit[g[0]] == pytest.approx(credit0[0] * 25 / 20)
    assert f.capacity[g[1]] == cap0[1] and f.capacity[g[2]] == cap0[2]
    assert finance.turnover(m)[g[0]] == pytest.approx(m.p.firms.grassroots.turnover_yuan_year * 25 / 20)
    assert (f.peak_load == f.load).all()          # the next year's peak starts afresh


def test_growth_stops_at_the_span_of_control_and_idle_staff_are_let_go_down_to_the_kind():
    m, f, g = _grow_setup(**{"firms.grassroots.capacity_max": 22})
    finance.grow(m, f.active.copy())
    assert f.capacity[g[0]] == 22
    f.col("peak_load")[g[0]] = 0                  # a year with nothing to do: sheds a step, not below 20
    finance.grow(m, f.active.copy())
    assert f.capacity[g[0]] == 20
    assert f.overhead[g[0]] == pytest.approx(m.p.firms.grassroots.overhead_yuan_month)


def test_no_growth_at_a_growth_share_of_zero():
    m = small(**{"market.growth_share": 0.0})
    f = m.firms
    f.col("peak_load")[:] = f.capacity
    cap0 = f.capacity.copy()
    finance.grow(m, f.active.copy())
    assert (f.capacity == cap0).all()


def test_the_initial_firms_honesty_is_truncated_and_entrants_are_not():
    from model.world import initial_honesty
    ft = Params().firms.grassroots.model_copy(update={"initial_honesty_min": 0.43})
    draws = np.random.default_rng(0).beta(0.6 * 6, 0.4 * 6, 20_000)
    got = initial_honesty(ft, draws)
    assert got.min() >= 0.43 and (np.diff(got[np.argsort(draws)]) >= -1e-12).all()  # order kept
    # the truncated beta: its mean is the conditional mean of the untruncated draws above 0.43
    assert got.mean() == pytest.approx(draws[draws >= 0.43].mean(), abs=0.005)
    assert initial_honesty(ft.model_copy(update={"initial_honesty_min": 0.0}), draws) is draws
    m = small(**{f"firms.{k}.initial_honesty_min": 0.43 for k in ("strong", "local", "grassroots")},
              **{"market.entry_rate": 20.0, "years": 2})
    assert m.firms.honesty.min() >= 0.43
    n0 = len(m.firms)
    m.run(2)
    assert len(m.firms) > n0 and (m.firms.honesty[n0:] < 0.43).any()
