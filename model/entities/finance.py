"""Firm finance: receivables, interest, the financing check and the exit rule (seed P6).

Accounts (columns of the firm table): ``cash`` (yuan; negative = credit drawn), ``credit`` (the
credit line, yuan), ``due_1``–``due_3`` (pay earned and due in 1–3 months: the payment lag
``finance.payment_lag_months``), ``worth0`` (net worth — cash, pay due and pay withheld on
running contracts — at the start of the fiscal year),
``insolvent`` (consecutive months with the credit line exhausted) and ``loss_years``
(consecutive loss-making fiscal years). Withheld pay is a receivable of the contract
(``contracts.withheld``), released at the year-end evaluation in proportion to the score.

**Financing check.** A contract's financing need is what the firm must pre-fund before it is paid
in full:

    need = mobilisation + lag · cost/12 + withhold · price · term

(mobilisation at signing; ``lag`` months of delivery spending before the first payment arrives;
the withheld share, which accrues until the evaluation). A firm's *headroom* is cash + credit
less what its running contracts still have to pre-fund (the withheld pay still to accrue over
their remaining months and the lag months not yet funded). A firm bids for, or accepts, new
contracts only while their summed need fits its headroom (``channels.financing_limit`` off: it
never binds).

**Growth.** Every month a firm's ``peak_load`` records the most contracts it has held at once
this fiscal year. At the year's end a firm that stays in business, ran at its capacity and had no
loss year hires: its capacity grows by ``market.growth_share`` (at least one contract), up to its
kind's ``capacity_max``; a firm whose busiest month left that step of capacity idle lets it go,
down to its kind's capacity. Its overhead, credit line and working capital scale with its
capacity (a firm of twice its kind's capacity has twice its overhead, credit and expected
turnover), so idle staff cost money.

**Exit.** Every month the firm receives the pay that falls due, pays its overhead and interest
on drawn credit (``finance.interest_rate``). It exits when its credit line has been exhausted
(cash < −credit) for ``finance.insolvency_months`` consecutive months, or at the fiscal year's
end after ``finance.loss_years`` consecutive loss years — years in which its net worth grew by
less than its owner's outside option (``firms.<type>.outside_option_yuan_year``: what the owner
could earn elsewhere; 0, a fall in net worth, for firms with salaried managers) — not in the
first month its cash dips below zero. Its contracts are then terminated and
re-procured. At the year's end its owners draw ``finance.payout_share`` of the cash it holds
above its working capital (``finance.initial_cash_share`` × turnover), so cash does not pile up
without bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery.effort import withhold_share
from model.units import MONTHS_PER_YEAR
from model.world import FIRM_KINDS

if TYPE_CHECKING:
    from model.state import State
    from model.param_tree import Params

#: Pay-due columns, by months until payment.
DUE = ("due_1", "due_2", "due_3")


def book_pay(m: State, firm: np.ndarray, amount: np.ndarray) -> None:
    """Pay earned this month by firm rows ``firm`` (yuan): into cash at once without a payment lag,
    else due in ``finance.payment_lag_months`` months."""
    lag = m.p.finance.payment_lag_months
    np.add.at(m.firms.col("cash" if lag == 0 else DUE[lag - 1]), firm, amount)


def settle(m: State) -> None:
    """Pay falling due this month reaches cash; the rest moves one month closer."""
    f = m.firms
    f.col("cash")[:] += f.due_1
    f.col("due_1")[:] = f.due_2
    f.col("due_2")[:] = f.due_3
    f.col("due_3")[:] = 0.0


def worth(m: State) -> np.ndarray:
    """Net worth of every firm (yuan): cash + pay due + pay withheld on its running contracts (a
    receivable until the evaluation releases it)."""
    f, c = m.firms, m.contracts
    act = c.active & (c.firm >= 0)
    withheld = np.bincount(c.firm[act], weights=c.withheld[act], minlength=len(f))
    return f.cash + f.due_1 + f.due_2 + f.due_3 + withheld


def need(p: Params, cost: np.ndarray, price: np.ndarray, term: np.ndarray, mob: np.ndarray) -> np.ndarray:
    """Financing need of contracts (yuan): mobilisation, the lag months of delivery spending and the
    withheld share (see the module docstring).

    Args:
        p: parameters. cost, price: yuan/year. term: years. mob: mobilisation net of subsidy (yuan).
    """
    lag = p.finance.payment_lag_months
    return mob + lag * cost / MONTHS_PER_YEAR + withhold_share(p) * price * term


def headroom(m: State) -> np.ndarray:
    """Financing headroom of every firm (yuan): cash + credit less what its running contracts still
    have to pre-fund; +inf where the financing limit is switched off."""
    f, c, p = m.firms, m.contracts, m.p
    if not p.channels.financing_limit:
        return np.full(len(f), np.inf)
    act = np.flatnonzero(c.active & (c.firm >= 0))
    remaining = (c.end[act] - m.month + 1).clip(min=0)
    lag = p.finance.payment_lag_months
    to_fund = (withhold_share(p) * c.price[act] * remaining
               + np.maximum(lag - c.months[act], 0) * c.cost[act]) / MONTHS_PER_YEAR
    held = np.bincount(c.firm[act], weights=to_fund, minlength=len(f))
    return f.cash + f.credit - held


def pay_overheads(m: State) -> None:
    """Receipts fall due; active firms pay overhead and interest on drawn credit."""
    settle(m)
    f = m.firms
    alive = f.active
    cash = f.col("cash")
    cash[alive] -= f.overhead[alive]
    interest = np.where(alive, np.maximum(-cash, 0.0) * m.p.finance.interest_rate / MONTHS_PER_YEAR, 0.0)
    cash -= interest
    m.ledger.interest += float(interest.sum())


def record_load(m: State) -> None:
    """The most contracts each firm has held at once this fiscal year (``peak_load``)."""
    f = m.firms
    np.maximum(f.peak_load, f.load, out=f.col("peak_load"))


def grow(m: State, alive: np.ndarray) -> None:
    """Year end: firms in business (``alive``) that ran at capacity without a loss year hire, and
    firms whose busiest month left a step of capacity idle let that step go, down to their kind's
    capacity (module docstring); every ``peak_load`` restarts from the contracts held now."""
    f = m.firms
    g = m.p.market.growth_share
    if g > 0:
        cap = f.col("capacity")
        old = cap.astype(float)
        step = np.maximum(1.0, np.rint(g * old))
        base = of_kind(m, "capacity")
        top = np.maximum(of_kind(m, "capacity_max"), base)
        hire = alive & (f.peak_load >= cap) & (f.loss_years == 0)
        shed = alive & (f.peak_load + step <= cap) & (old > base)
        new = np.where(hire, np.minimum(old + step, top), np.where(shed, np.maximum(old - step, base), old))
        moved = np.flatnonzero(new != old)
        if len(moved):
            cap[moved] = new[moved]
            f.col("overhead")[moved] *= new[moved] / old[moved]
            f.col("credit")[moved] = m.p.finance.credit_share * turnover(m)[moved]
    f.col("peak_load")[:] = f.load


def leaving(m: State) -> np.ndarray:
    """Rows of the active firms that exit this month under the exit rule (module docstring);
    updates the insolvency and loss counters (``loss_years`` and ``worth0`` at the year's end)."""
    f, fin = m.firms, m.p.finance
    alive = f.active
    ins = f.col("insolvent")
    broke = alive & (f.cash < -f.credit)
    ins[:] = np.where(broke, ins + 1, 0)
    out = alive & (ins >= fin.insolvency_months)
    if m.month_of_year == MONTHS_PER_YEAR:
        w = worth(m)
        loss = f.col("loss_years")
        loss[:] = np.where(alive & (w - f.worth0 < of_kind(m, "outside_option_yuan_year")), loss + 1, 0)
        out |= alive & (loss >= fin.loss_years)
        grow(m, alive & ~out)
        _pay_out(m, alive)
        f.col("worth0")[:] = worth(m)
    return np.flatnonzero(out) if m.p.channels.firm_exit else np.zeros(0, np.int64)


def _pay_out(m: State, alive: np.ndarray) -> None:
    """Year end: owners draw ``finance.payout_share`` of the cash above the firm's working capital."""
    f, fin = m.firms, m.p.finance
    target = fin.initial_cash_share * turnover(m)
    excess = np.where(alive, np.maximum(f.cash - target, 0.0), 0.0) * fin.payout_share
    f.col("cash")[:] -= excess
    m.ledger.payouts += float(excess.sum())


def turnover(m: State) -> np.ndarray:
    """Expected yearly turnover of every firm (yuan/year): its kind's, scaled by its capacity
    against its kind's (a firm that has grown, ``grow``, expects proportionally more)."""
    return of_kind(m, "turnover_yuan_year") * (m.firms.capacity / of_kind(m, "capacity"))


def of_kind(m: State, attr: str) -> np.ndarray:
    """Per firm, the parameter ``firms.<kind>.<attr>`` of its kind (float)."""
    ft = m.p.firms
    return np.array([getattr(getattr(ft, k), attr) for k in FIRM_KINDS], float)[m.firms.kind]

