"""Entry: what a notified eligible firm expects from an open tender (model/procurement/compete.py's
module docstring), and the month's profitable pairs held within what the firms' caps may still
select.

:func:`weigh` prices the contract each firm would get and its expected profit against the rivals
it expects; :class:`Profitable` keeps, block by block, only the pairs the capacity caps may still
select; :func:`gain_bound` bounds a pair's expected profit from its reserve, cost and rivals alone,
so that :func:`unbeaten` can pass over, unweighed, a pair its full firm's kept pairs certainly beat
(docs/PERFORMANCE.md, "How the province's CPU is cut without changing results").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import effort
from model.procurement import capacity_kernels, pricing
from model.procurement.batch import Batch, best_first, cap_by_capacity, delivery_cost, join_parts, mobilisation

if TYPE_CHECKING:
    from model.state import State


#: Profitable pairs held before they are pruned to what the caps may still select (7 columns of
#: 8 bytes: ~56 MB at this bound).
PRUNE_ROWS = 1 << 20

#: Expected wins by which a firm's kept pairs must exceed its cap before later pairs are dropped
#: without sorting (far above the rounding of the caps' running sums, ~1e-9).
FULL_MARGIN = 1e-6

#: Relative margin added to :func:`gain_bound` for the rounding of the bound and of the weighed
#: profit (both ~1e-15 relative): a larger margin only weighs more pairs, results do not depend on it.
BOUND_TOLERANCE = 1e-9


def expected_rivals(m: State, sub: Batch, ti, fi, eligible: np.ndarray) -> np.ndarray:
    """Rivals each pair's firm expects (compete's module docstring): its inferred 1/w − 1 for the item, at
    most the other eligible firms that saw the notice."""
    return np.minimum(m.beliefs.rivals(fi, sub.item[ti]), np.maximum(eligible[ti] - 1, 0))


def bid_costs(m: State, reserve: np.ndarray) -> np.ndarray:
    """Cost of preparing a bid (yuan) for procurements of ``reserve`` (yuan over the term)."""
    return m.p.procurement.bid_cost_yuan + m.p.procurement.bid_cost_share * reserve


def weigh(m: State, sub: Batch, ti, fi, dist, eligible: np.ndarray, strategy, known: tuple | None = None
          ) -> tuple[np.ndarray, ...]:
    """One chunk of pairs: (below, profitable, cost, reserve, floor, markup, gain, need, rivals), the
    last seven over the profitable pairs only (compete's module docstring: the contract each firm
    would get, its expected profit against the rivals it expects). ``known``: the pairs' ``(cost,
    rivals)`` when already found (:func:`unbeaten`): full-effort cost over the term and expected
    rivals."""
    p = m.p
    cost, rivals = known if known is not None else (full_cost(m, sub, ti, fi, dist), expected_rivals(m, sub, ti, fi, eligible))
    reserve = sub.reserve[ti] * sub.term[ti]
    item = sub.item[ti]
    markup = m.beliefs.markup[fi, item]
    # the contract the firm would get: its expected spending and receipts under the regime
    view = pricing.terms(m, sub, ti, fi, cost, strategy(cost, markup, reserve, 1 + rivals), mobilisation(m, sub, ti))
    floor = view.break_even(cost)
    below = floor < reserve
    price_guess = strategy(floor, markup, reserve, 1 + rivals)
    margin = view.margin(price_guess, cost)
    gain = margin / (1 + rivals) - bid_costs(m, reserve)
    enter = below & (margin > 0) & (gain > p.bidding.min_profit_share * reserve)
    k = np.flatnonzero(enter)
    need = pricing.need(m, sub, ti[k], cost[k], price_guess[k], view.mob[k])
    return below, enter, cost[k], reserve[k], floor[k], markup[k], gain[k], need, rivals[k]


def full_cost(m: State, sub: Batch, ti, fi, dist) -> np.ndarray:
    """Full-effort cost of delivery over the term (yuan)."""
    return delivery_cost(m, sub, ti, fi, dist) * sub.term[ti]


def gain_bound(m: State, sub: Batch, ti, rivals: np.ndarray, cost: np.ndarray | float = 0.0
                ) -> tuple[np.ndarray, np.ndarray]:
    """(bound, tolerance): an upper bound on the expected profit :func:`weigh` finds for a pair
    that enters (yuan), from its expected ``rivals`` and full-effort ``cost`` over the term alone
    (0: not known).

    An entering pair's break-even is below the reserve, so its bid is at most the reserve (every
    strategy caps bids there: ``bidding.BiddingStrategy``); it receives at most the whole price
    (ρ ≤ 1: deductions, withheld pay and financing are never negative) and spends at least the
    share of the full-effort cost that minimum efforts spend (``effort.monthly_spend``), so

        margin ≤ reserve − s_min · cost − mobilisation.

    ``tolerance`` (:data:`BOUND_TOLERANCE` of the amounts involved) covers the rounding of both sides."""
    s_min = min_spend_share(m.p)
    reserve = sub.reserve[ti] * sub.term[ti]
    mob = mobilisation(m, sub, ti)
    bid_cost = bid_costs(m, reserve)
    bound = (reserve - s_min * cost - mob) / (1 + rivals) - bid_cost
    return bound, BOUND_TOLERANCE * (np.abs(reserve) + np.abs(mob) + cost + bid_cost)


def min_spend_share(p) -> float:
    """The share of the full-effort cost that minimum efforts spend (``effort.monthly_spend``)."""
    d = p.delivery
    return effort.monthly_spend(p, np.ones(1), np.full(1, d.min_effort), np.full(1, d.min_effort), np.ones(1))[0]


class Profitable:
    """The profitable pairs of a month, block by block — what the capacity and financing caps
    need of each (tender, firm, distance, expected profit, financing need, expected rivals, and
    its position among the month's notified eligible pairs) — in pair order.

    :meth:`prune` drops the pairs that already fail their firm's capacity cap (``slack_free``: free
    capacity × ``bidding.bid_slack``): a firm's pairs are kept best first while the expected wins
    before each stay below it, so a pair that fails it fails whatever pairs come later, and so do
    the firm's less profitable pairs, which therefore never bid nor count as unfunded (only the
    rounding of the caps' running sum may differ). After a pruning, :meth:`add` drops at once a
    later pair of a firm whose kept pairs already fill its cap (by more than :data:`FULL_MARGIN`
    expected wins) when it is no more profitable than the least profitable of them: it would come
    after all of them (ties keep pair order), so it fails the cap."""

    NAMES = ("ti", "fi", "dist", "gain", "need", "rivals", "pair")

    def __init__(self, slack_free: np.ndarray) -> None:
        self.parts: list[list[np.ndarray]] = []
        self.slack_free = slack_free
        self.rows = 0          # pairs held
        self.after_prune = 0   # pairs held after the last pruning
        self.full: np.ndarray | None = None  # per firm: its kept pairs fill its cap
        self.cutoff = np.zeros(0)            # per firm: the least expected profit among them
        self.beaten_below = np.zeros(0)      # per firm: the cutoff where full, else −inf
        self.sorted: np.ndarray | None = None  # the kept pairs (the first part) by firm, best first

    def add(self, *cols: np.ndarray) -> None:
        _, fi, _, gain, *_ = cols
        if self.full is not None and len(fi):
            later = ~(self.full[fi] & (gain <= self.cutoff[fi]))
            if not later.all():
                cols = tuple(c[later] for c in cols)
        self.parts.append(list(cols))
        self.rows += len(cols[0])

    def beaten(self, fi: np.ndarray, bound: np.ndarray, tol: np.ndarray) -> np.ndarray:
        """Pairs of firms ``fi`` that :meth:`add` is certain to drop, whatever their weighing: the
        firm's kept pairs fill its cap and the pair's expected profit, at most ``bound`` (within
        ``tol``: :func:`gain_bound`), is no more than the least of theirs."""
        return bound + tol <= self.beaten_below[fi]

    def columns(self) -> list[np.ndarray]:
        """The kept pairs' columns (the parts joined; each part's column released once joined)."""
        self.parts = [join_parts(self.parts)]
        return self.parts[0]

    def prune(self) -> None:
        """Drop the pairs that fail their firm's capacity cap — once the pairs held exceed
        :data:`PRUNE_ROWS` and twice what the last pruning kept. The kept pairs' order by firm,
        best first, is kept too, so a pruning sorts only the pairs added since the last one and
        merges them in (:func:`~model.procurement.batch.best_first`: the same order)."""
        if self.rows <= max(PRUNE_ROWS, 2 * self.after_prune):
            return
        cols = self.columns()
        _, fi, _, gain, _, rivals, _ = cols
        odds = 1 / (1 + rivals)
        order = best_first(fi, gain, self.sorted)  # the kept pairs are in order: only the later ones are sorted
        keep = cap_by_capacity(fi, gain, self.slack_free, odds, order)
        self.sorted = (np.cumsum(keep) - 1)[order[keep[order]]]  # the kept pairs' order, as numbered once kept
        self.parts = [[c[keep] for c in cols]]
        self.rows = self.after_prune = int(keep.sum())
        fi, gain, odds = fi[keep], gain[keep], odds[keep]
        n = len(self.slack_free)
        self.full = np.bincount(fi, weights=odds, minlength=n) >= self.slack_free + FULL_MARGIN
        self.cutoff = np.full(n, -np.inf)
        np.maximum.at(self.cutoff, fi, -gain)
        self.cutoff = -self.cutoff
        self.beaten_below = np.where(self.full, self.cutoff, -np.inf)  # what beaten() compares with


def unbeaten(m: State, blk: Batch, ti, fi, dist, eligible, found: Profitable, c: np.ndarray
             ) -> tuple[np.ndarray, tuple | None]:
    """Of the pairs at positions ``c``, those not certainly beaten by their firm's kept pairs
    (:meth:`Profitable.beaten` on :func:`gain_bound`, first without the pair's cost, then with
    it), and their ``(cost, rivals)`` for :func:`weigh` (None before the first pruning: every pair)."""
    if found.full is None:
        return c, None
    every = np.arange(len(blk))  # per procurement: the bound's amounts, as gain_bound computes them per pair
    reserve = blk.reserve * blk.term
    c, rivals = capacity_kernels.unbeaten_by_bound(
        c, ti, fi, blk.item, m.beliefs.win, eligible, reserve, mobilisation(m, blk, every), bid_costs(m, reserve),
        min_spend_share(m.p) * 0.0, BOUND_TOLERANCE, found.beaten_below)  # first without the pair's cost (compiled)
    cost = full_cost(m, blk, ti[c], fi[c], dist[c])
    live = ~found.beaten(fi[c], *gain_bound(m, blk, ti[c], rivals, cost))
    return c[live], (cost[live], rivals[live])
