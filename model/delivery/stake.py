"""A firm's stake in its future business (seed P6, S13, S14, S15, R5, R6; docs/ODD.md §4, §7.8).

One forward-looking quantity drives a firm's effort, its decision to overclaim and what a
blacklist deters: the expected discounted margin it earns from future awards.

**The book.** Each active contract c of firm f carries a yearly margin m_c = price − cost
(yuan/year). A firm that keeps winning at its current rate (its learned win probability w at
each kind of tender, procurement/beliefs.py) replaces each contract that ends by new awards of
the same expected value, so its *book* — the expected yearly margin of its future awards — is
Σ_c m_c (yuan/year), split by buyer: the stationary value of its market (Calzolari and Spagnolo
2009: the future rents that the buyer's discretion puts at stake).

**Discounting.** A year's margin t years ahead is worth δ^t, δ = 1/(1 + r) (``delivery.discount_rate``);
a firm looks ``delivery.reputation_horizon_years`` = H ahead. T years of the book are worth

    A(T) = Σ_{t=1}^{min(T, H)} δ^t = (1 − δ^min(T,H)) / r        (A(T) = min(T, H) when r = 0).

**Reputation stake (effort).** Repeated-game reputation in procurement (Calzolari and Spagnolo
2009, "Relational contracts and competitive screening", CEPR DP 7434; Kreps and Wilson 1982,
"Reputation and imperfect information", JET 27): a buyer that rewards
past performance in its next award lets the firm's future margins discipline today's quality.
Under an award rule with weights ρ on reputation and ρ_cit on the citizens' rating
(``AwardRule.stake_weights``), one unit more quality raises the firm's reputation by
λ · ∂score/∂q and its rating by λ · v (λ = ``evaluation.reputation_rate``, v the item's
visibility); with a logit award (win odds ∝ exp(β · award score), β = ``delivery.award_sensitivity``)
the win chance w moves by β w (1 − w) per unit of award score, i.e. by the share β (1 − w) of
itself — and the book with it. The value of one unit of quality, as a share of the contract's
yearly price P, is therefore

    R_c = A(H) · (book reached / P) · β (1 − w) · λ · ρ · (w_insp + w_kpi)         (contractible)
    R_n = A(H) · (book reached / P) · β (1 − w) · λ · (ρ · w_cit + ρ_cit) · v      (non-contractible)

A firm sure to win (w = 1) has nothing to gain from its score (Kreps–Wilson: reputation
matters where the buyer's choice is still open).

The *book reached* is what the score is seen by: the firm's book with this buyer when
reputation is private, its whole book when scores are public — on the disclosure platform, or
when buyers publish a ranking of suppliers (排名通报, S15): everyone then reads the score.

**Blacklist deterrence (overclaiming).** Becker (1968, "Crime and punishment: an economic
approach", JPE 76): a firm cheats when the gain exceeds the
probability of detection × the sanction. A listing removes the business its scope covers for
its duration: the firm's book with the listing buyer (scope ``buyer``) or its whole book
(city-wide scopes) for D years, worth A(D) · book in scope (permanent listings: D = H); a
published listing also costs the firm's business outside the region, a year of its overhead.
A firm that sells to one buyer only loses the same from a buyer list and a city list; a firm
selling city-wide loses far more from the city list.

**Channel switch.** ``channels.stake`` off (an analysis switch, docs/ODD.md §7.16) sets R_c = R_n = 0, the listing
loss to 0 and the entrant's odds to 1: no decision looks at future awards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.delivery import terms_kernel
from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS
from model.procurement.award import AWARD_RULES
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.state import State
    from model.param_tree import Params


def annuity(p: Params, years: np.ndarray | float) -> np.ndarray:
    """A(T): present value (years of margin) of T years of a yearly margin, capped at the horizon.

    Args:
        p: parameters (``delivery.discount_rate``, per year; ``delivery.reputation_horizon_years``).
        years: T (years; negative = permanent, i.e. the whole horizon).
    """
    d = p.delivery
    t = np.asarray(years, float)
    t = np.where(t < 0, d.reputation_horizon_years, np.minimum(t, d.reputation_horizon_years))
    r = d.discount_rate
    if r <= 0:
        return t
    return (1 - (1 + r) ** (-t)) / r


def award_weights(p: Params) -> tuple[float, float]:
    """(ρ, ρ_cit): weights (shares) of reputation and of the citizens' rating in winning the next
    award — the award rule's own hook (``AwardRule.stake_weights``; no rule falls back to another)."""
    return AWARD_RULES[p.procurement.award_rule].stake_weights(p)


def public_scores(p: Params) -> bool:
    """Whether every buyer reads a firm's score: the disclosure platform or a published ranking (S15)."""
    return bool(p.fraud.disclosure or p.evaluation.ranking)


@dataclass(frozen=True)
class Books:
    """The firms' books: the yearly margin (price − cost, at least 0; yuan/year) of their active
    contracts, per (firm, buyer) pair and per firm. Contracts held by individuals (firm < 0) have
    no book."""

    keys: np.ndarray      # sorted (firm × n_buyers + buyer) of the pairs with an active contract
    per_pair: np.ndarray  # margin per key
    total: np.ndarray     # margin per firm row
    n_buyers: int
    firm_start: np.ndarray  # keys of firm f: keys[firm_start[f]:firm_start[f + 1]] (firm rows + 1)

    @classmethod
    def of(cls, m: State) -> Books:
        """The books of the contracts active now."""
        c = m.contracts
        act = np.flatnonzero(c.active & (c.firm >= 0))
        f_a, b_a = c.firm[act], c.buyer[act]
        val = np.maximum(c.price[act] - c.cost[act], 0)
        # float even with no contract (bincount of nothing is int64): one compiled type for stakes
        total = np.bincount(f_a, weights=val, minlength=len(m.firms)).astype(float, copy=False)
        keys, inv = np.unique(f_a.astype(np.int64) * len(m.buyers) + b_a, return_inverse=True)
        firm_start = np.searchsorted(keys, np.arange(len(m.firms) + 1, dtype=np.int64) * len(m.buyers))
        per_pair = np.bincount(inv.ravel(), weights=val, minlength=len(keys)).astype(float, copy=False)
        return cls(keys, per_pair, total, len(m.buyers), firm_start)

    def lookup(self, firm: np.ndarray, buyer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(book with this buyer, whole book) of each (firm, buyer) pair (0 for individuals)."""
        ok = firm >= 0
        fk = np.maximum(firm, 0)
        if len(self.keys) == 0:
            return np.zeros(len(firm)), np.zeros(len(firm))
        key = fk.astype(np.int64) * self.n_buyers + buyer
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        mine = np.where(ok & (self.keys[pos] == key), self.per_pair[pos], 0.0)
        return mine, np.where(ok, self.total[fk], 0.0)


def books(m: State, firm: np.ndarray, buyer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected yearly margins of future awards (yuan/year) of each (firm, buyer) pair.

    Sums price − cost over the firm's active contracts (see the module docstring): :class:`Books`
    of the contracts active now — or, while a month's procurements run, the books
    ``procurement.market.run`` froze at their start (``m.ledger.books``: no contract is signed or
    ends until the procurements are over), so a province month's hundreds of blocks do not each
    gather every contract ever signed.

    Returns:
        (book with this buyer, whole book) per pair.
    """
    frozen = m.ledger.books
    return (frozen if frozen is not None else Books.of(m)).lookup(firm, buyer)


def win_belief(m: State, firm: np.ndarray, item: np.ndarray) -> np.ndarray:
    """The firm's learned win probability at each item (0–1; the prior for firms not yet learning,
    0 for individuals, firm < 0)."""
    b = m.beliefs
    known = (firm >= 0) & (firm < len(b.win))
    f = np.where(known, firm, 0)
    w = b.win[f, item] if len(b.win) else np.zeros(len(firm))
    return np.where(known, w, np.where(firm >= 0, b.prior_win, 0.0))


def reputation_stakes(p: Params, win: np.ndarray, reach: np.ndarray, price: np.ndarray,
                      visibility: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R_c, R_n): value of one unit of contractible / non-contractible quality through future
    awards, as a share of the contract's yearly price (see the module docstring).

    Args:
        p: parameters. win: the firm's win belief at the item (0–1). reach: the book its score
            reaches (yuan/year). price: the contract's yearly price (yuan/year). visibility: 0–1.
    """
    if not p.channels.stake:  # channel off: no future award depends on today's quality
        zero = np.zeros(np.broadcast_shapes(*map(np.shape, (win, reach, price, visibility))))
        return zero, zero.copy()
    rho, rho_cit = award_weights(p)
    ev = p.evaluation
    slope = p.delivery.award_sensitivity * (1 - win) * ev.reputation_rate
    with np.errstate(over="ignore"):  # a contract priced 0 (a subsidy above its cost): an unbounded stake
        value = annuity(p, p.delivery.reputation_horizon_years) * reach / np.maximum(price, np.finfo(float).tiny)
    r_c = value * slope * rho * (ev.inspection_weight + ev.kpi_weight)
    r_n = value * slope * (rho * ev.citizen_weight + rho_cit) * visibility
    return r_c, r_n


def contract_stakes(m: State, p: Params, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R_c, R_n) of contract rows under parameters ``p``: the book the score reaches (this buyer's,
    or all of it when scores are public) through the award rule's weights.

    Args:
        m: the model (contracts, beliefs). p: the parameters to weigh with (usually ``m.p``;
            another set holds the model's state — and so the winners — fixed). rows: contract rows.
    """
    c = m.contracts
    return stakes_of(m, p, c.firm[rows], c.buyer[rows], c.item[rows], c.price[rows], c.visibility[rows])


def stakes_of(m: State, p: Params, firm: np.ndarray, buyer: np.ndarray, item: np.ndarray, price: np.ndarray,
              visibility: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R_c, R_n) of contracts, signed or prospective, of ``firm`` with ``buyer`` at ``item`` for a
    yearly ``price``: :func:`reputation_stakes` of the firm's :func:`win_belief` and of the book its
    score reaches (:func:`books`: with this buyer, or all of it when scores are public), in one
    compiled pass (``terms_kernel.stakes``: the same operations, bit-identical)."""
    if not p.channels.stake:  # channel off: no future award depends on today's quality
        zero = np.zeros(len(firm))
        return zero, zero.copy()
    frozen = m.ledger.books
    bk = frozen if frozen is not None else Books.of(m)
    rho, rho_cit = award_weights(p)
    ev = p.evaluation
    k = (float(annuity(p, p.delivery.reputation_horizon_years)), p.delivery.award_sensitivity, ev.reputation_rate,
         rho, ev.inspection_weight + ev.kpi_weight, rho * ev.citizen_weight + rho_cit, float(np.finfo(float).tiny))
    ints = (np.asarray(x, np.int64) for x in (firm, buyer, item))
    return terms_kernel.stakes(*ints, np.asarray(price, float), np.asarray(visibility, float),
                               (np.asarray(bk.keys, np.int64), bk.per_pair, bk.total, bk.n_buyers, bk.firm_start),
                               public_scores(p),
                               m.beliefs.win, float(m.beliefs.prior_win), k)


def entrant_odds(p: Params, reputation: float, rating: float) -> float:
    """How an entrant's chance of winning compares with an average incumbent's (a factor > 0).

    Under the logit award an entrant, who carries the prior reputation and rating r₀, wins with odds
    exp(β (ρ (r₀ − r̄) + ρ_cit (r₀ − c̄))) relative to incumbents of mean reputation r̄ and rating c̄:
    where the award rule rewards a record, good incumbents shrink a newcomer's stake (Kreps and
    Wilson 1982: reputation as a barrier), bad ones enlarge it.

    Args:
        p: parameters. reputation, rating: means over active firms (0–1).
    """
    if not p.channels.stake:  # channel off: an entrant's record neither helps nor hurts it
        return 1.0
    rho, rho_cit = award_weights(p)
    r0 = p.evaluation.prior_reputation
    return float(np.exp(p.delivery.award_sensitivity * (rho * (r0 - reputation) + rho_cit * (r0 - rating))))


def listing_loss(p: Params, book_buyer: np.ndarray, book_all: np.ndarray, overhead: np.ndarray) -> np.ndarray:
    """Discounted business a fraud listing would remove from each firm (yuan).

    Args:
        p: parameters (``blacklist.trigger``, ``.scope``, ``.duration``).
        book_buyer, book_all: the firm's book with the listing buyer and in all (yuan/year).
        overhead: the firm's monthly overhead (yuan/month), lost for a year outside the region
            when the listing is published.
    """
    b = p.blacklist
    months = DURATIONS[b.duration].months
    if "fraud" not in TRIGGERS[b.trigger].events or months == 0 or not p.channels.stake:
        return np.zeros_like(book_all)
    scope = SCOPES[b.scope]
    in_scope = book_all if scope.citywide else book_buyer
    years = -1.0 if months < 0 else months / MONTHS_PER_YEAR
    outside = MONTHS_PER_YEAR * overhead if scope.published else 0.0
    return annuity(p, years) * in_scope + outside
