"""What one month's procurements share: the batch of procurements due, their results, the
outcome codes, and the helpers every procurement method uses (delivery cost, screening,
capacity limits).

The cost of delivery grows with distance: cost = (value · cost_factor + visits · 12 · 2 · d ·
travel_cost · travel_factor) · exp(private_cost_sd · z) · term, with z the firm's private cost
shock for the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.catalogue import VILLAGE
from model.procurement import capacity_kernels, kernels, screening
from model.rng import keyed_normal
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.state import State

#: Outcome of a procurement (the tender log's ``outcome``), by code.
REASONS = ("awarded", "no_notice", "none_eligible", "reserve_below_cost", "unprofitable", "too_few_bids",
           "no_applicant", "no_capacity", "no_finance")
(AWARDED, NO_NOTICE, NONE_ELIGIBLE, RESERVE_BELOW_COST, UNPROFITABLE, TOO_FEW_BIDS, NO_APPLICANT,
 NO_CAPACITY, NO_FINANCE) = range(len(REASONS))


@dataclass
class Batch:
    """The procurements due this month (arrays of equal length)."""

    order: np.ndarray
    buyer: np.ndarray
    item: np.ndarray
    level: np.ndarray
    mode: np.ndarray
    value: np.ndarray       # yuan per year
    reserve: np.ndarray     # yuan per year
    term: np.ndarray        # contract length in years (≤ 1)
    x: np.ndarray
    y: np.ndarray
    visits: np.ndarray      # site visits per month
    tour_km: np.ndarray     # extra km per visit for lots covering many villages
    spec: np.ndarray
    widen: np.ndarray       # notice channel steps above the place level's channel (reposts)

    def __len__(self) -> int:
        return len(self.order)


@dataclass
class Result:
    """Per procurement of the batch."""

    winner: np.ndarray      # firm row, −1 none, −2 an individual recruited to a post
    price: np.ndarray       # yuan per year
    cost: np.ndarray        # winner's delivery cost, yuan per year
    capability: np.ndarray  # winner's capability (skill for posts)
    honesty: np.ndarray
    notified: np.ndarray
    eligible: np.ndarray
    bids: np.ndarray
    reason: np.ndarray      # index into REASONS
    favoured: np.ndarray    # bool: commission given to a connected firm


def delivery_cost(m: State, b: Batch, ti: np.ndarray, fi: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Annual delivery cost of firm ``fi`` for procurement ``ti`` (yuan/year): its usual cost of the
    service plus travel, times its private cost shock for this contract (log-normal, sd
    ``bidding.private_cost_sd``; keyed by order, firm and month, so the same pair draws the same
    shock whichever policy brought it into view)."""
    f, pr = m.firms, m.p.procurement
    travel = b.visits[ti] * MONTHS_PER_YEAR * 2 * (dist + b.tour_km[ti]) * pr.travel_cost_yuan_km * f.travel[fi]
    cost = b.value[ti] * f.cost_factor[fi] + travel
    sd = m.p.bidding.private_cost_sd
    if sd > 0:
        cost = cost * np.exp(sd * keyed_normal(m.seed, "bidding", b.order[ti], fi, m.month))
    return cost


def mobilisation(m: State, b: Batch, ti: np.ndarray) -> np.ndarray:
    """One-off cost of taking on procurement ``ti``'s contract (yuan), less the village subsidy:
    worked out per procurement of ``b``, then taken for each of ``ti`` (the same values)."""
    pr = m.p.procurement
    per = pr.mobilisation_cost_yuan - np.where(b.level == VILLAGE, pr.mobilisation_subsidy_yuan, 0.0)
    return per[ti]


def free_capacity(m: State) -> np.ndarray:
    """Contracts each firm can still take on (inf with ``channels.capacity`` off)."""
    f = m.firms
    if not m.p.channels.capacity:
        return np.full(len(f), np.inf)
    return np.maximum(f.capacity - f.load, 0).astype(float)


def screen(m: State, b: Batch, ti: np.ndarray, fi: np.ndarray) -> np.ndarray:
    ok = screening.eligible(m.p, m.month, b.value, b.spec, ti, fi, m.firms)
    ok &= ~m.blacklist.listed(lambda: b.buyer[ti], fi, m.firms, m.month)
    return ok


def screen_rule(m: State, b: Batch) -> tuple[np.ndarray, ...] | None:
    """Screening of ``b``'s pairs as the notice sampler applies it to the pairs it draws
    (:func:`model.procurement.notices.heard_pairs`): ``(heard, kind, passes, need, capability,
    listed)`` — zero counts of pairs heard per procurement, to be filled, the checks taken apart
    per tender and firm (:func:`model.procurement.screening.parts`) and the blacklist's per-firm
    mask. None under a per-buyer blacklist (whether a pair is excluded depends on its buyer:
    :func:`screen_counted` screens those pairs once drawn)."""
    listed = m.blacklist.listed_firms(m.firms, m.month)
    if listed is None:
        return None
    return (np.zeros(len(b), np.int64), *_checks(m, b), listed)


def _checks(m: State, b: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(kind, passes, need, capability)`` of :func:`model.procurement.screening.parts`, or a rule
    every pair passes when screening is off."""
    f = m.firms
    rule = screening.parts(m.p, m.month, b.value, b.spec, f)
    if rule is None:  # screening off: every pair passes the checks
        return np.zeros(len(b), np.int64), np.ones((1, len(f)), bool), np.zeros(len(b)), np.zeros(len(f))
    kind, passes, need = rule
    return kind, passes, need, f.capability


def screen_counted(m: State, b: Batch, ti: np.ndarray, fi: np.ndarray, dist: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Heard pairs ``(ti, fi, dist)`` counted per procurement of ``b`` and screened (:func:`screen`):
    ``(heard per procurement, ti, fi, dist)`` of the eligible pairs, in their order. One compiled
    pass (:func:`model.procurement.kernels.screen_pairs`); the blacklist's per-pair mask is
    computed first only under a per-buyer scope."""
    f = m.firms
    listed = m.blacklist.listed_firms(f, m.month)
    per_pair = np.zeros(0, bool)
    if listed is None:
        listed, per_pair = np.zeros(len(f), bool), m.blacklist.listed(b.buyer[ti], fi, f, m.month)
    return kernels.screen_pairs(ti, fi, dist, len(b), *_checks(m, b), listed, per_pair)


def group_counts(ti: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(ti[mask], minlength=n)


def cap_by_capacity(fi: np.ndarray, gain: np.ndarray, free: np.ndarray,
                     weight: np.ndarray | None = None, order: np.ndarray | None = None) -> np.ndarray:
    """Keep, for every firm, its most profitable entries while the summed ``weight`` of the entries
    before each one (1 each by default; the win probability when bidding) is below its ``free``
    capacity — so expected wins may exceed capacity by less than one entry's weight. ``order``:
    the entries' :func:`best_first` order when the caller has it."""
    if len(fi) == 0:
        return np.zeros(0, bool)
    w = np.ones(len(fi)) if weight is None else np.asarray(weight, float)
    order = best_first(fi, gain) if order is None else order
    return capacity_kernels.keep_within(order, fi, w, np.asarray(free, float), 1e-9)


def best_first(fi: np.ndarray, gain: np.ndarray, sorted_first: np.ndarray | None = None) -> np.ndarray:
    """The entries by firm, each firm's from the highest ``gain``, ties in entry order
    (``np.lexsort((-gain, fi))``), compiled for firm rows and gains without NaN; ``sorted_first``:
    the first entries' order, already known (only the later ones are sorted, then merged in)."""
    gain = np.asarray(gain, float)
    if len(fi) == 0:
        return np.zeros(0, np.int64)
    if np.isnan(gain).any() or np.min(fi) < 0:  # the compiled order is lexsort's for firm rows and gains
        return np.lexsort((-gain, fi))
    first = np.zeros(0, np.int64) if sorted_first is None else sorted_first
    return capacity_kernels.by_firm_best_first(np.asarray(fi, np.int64), gain, first)


#: Pairs per chunk of weighing entry or a commission. A block's notified eligible
#: pairs (open tenders) and acceptable pairs (directed commissions) are weighed this many at a time,
#: keeping only what the caps need of the profitable ones. Every step is elementwise over pairs (the
#: private cost shock is keyed by order, firm and month), so results do not depend on it
#: (tests/test_perf_identity.py runs a county with tiny chunks).
CHUNK_PAIRS = 1 << 18

#: Procurements × active firms searched at once, at most: a month's competitive procurements and
#: directed commissions are taken in blocks of consecutive procurements whose candidate pairs
#: (procurements × active firms, a bound on the pairs that hear or are known) stay within this, so
#: a month's pairs are never held at once, and a block's per-pair arrays (8 bytes × at most this
#: many pairs, 32 MB) stay within the size glibc serves from its heap once
#: experiments/engine/allocator.py has set it (no fresh pages to fault in for every block). A county
#: month (about 2,000 procurements × 170 firms) is one block; in the province a block holds some
#: 230 procurements. Open tenders' blocks draw who hears in their own order, so with more than one
#: block the ``notices`` stream's draws come in another order (the distribution of each pair's
#: hearing is unchanged: tests/test_perf_sampling.py); commissions draw nothing.
BLOCK_CANDIDATES = 1 << 22


def tender_blocks(n: int, firms: int) -> list[tuple[int, int]]:
    """Consecutive ranges ``(start, stop)`` of ``n`` procurements, each at most
    :data:`BLOCK_CANDIDATES` procurements × ``firms`` (the active firms)."""
    per = max(1, BLOCK_CANDIDATES // max(firms, 1))
    return [(a, min(a + per, n)) for a in range(0, n, per)]


def join_parts(parts: list[list[np.ndarray]]) -> list[np.ndarray]:
    """Parts (lists of equal-length columns, e.g. a month's pairs block by block) joined column by
    column, each part's column released once joined, so the pairs are held little more than once
    at the peak; a single part is returned as it is."""
    if len(parts) == 1:
        return parts[0]
    out = []
    for k in range(len(parts[0]) if parts else 0):
        out.append(np.concatenate([part[k] for part in parts]))
        for part in parts:
            part[k] = None
    return out


def subset(b: Batch, rows: np.ndarray) -> Batch:
    return Batch(**{k: getattr(b, k)[rows] for k in b.__dataclass_fields__})
